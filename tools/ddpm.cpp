// ddpm: train, sample and evaluate diffusion models on 2-D data from the command line.
//
//   ddpm train  [options]   train a model, write a checkpoint (and reverse-process panels)
//   ddpm sample --model M --out F [options]   draw samples (CSV or .npy) from a checkpoint
//   ddpm eval   FILE [options]                score samples against the true distribution
//   ddpm animate --model M [options]          the forward and reverse processes as a GIF
//   ddpm export MODEL.ckpt OUT.safetensors    the weights under the notebook's names
//   ddpm predict --model M --points F --t T --out F   eps_theta(x, t) at given points
//   ddpm encode --model M --points F --out F  x_0 -> x_T by the ODE, and log p(x_0)
//
// Exit status: 0 success, 1 a run-time failure (a bad file, a NaN loss), 2 a usage error.
#include <atomic>
#include <cmath>
#include <csignal>
#include <new>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "core/error.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/flow.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "diffusion/train.h"
#include "fast/background.h"
#include "fast/parallel.h"
#include "fast/predict.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/csv.h"
#include "io/memory.h"
#include "io/npy.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/progress.h"
#include "io/weights.h"
#include "likelihood/elbo.h"
#include "likelihood/ode.h"
#include "render/animation.h"
#include "render/markup.h"
#include "render/plot.h"
#include "render/png.h"
#include "render/svg.h"

namespace {

const char* kUsage =
    "usage: ddpm COMMAND [options]   (ddpm COMMAND --help for its options)\n"
    "  train    train a model on a 2-D data set and write a checkpoint\n"
    "  sample   draw samples from a checkpoint into a CSV or .npy file\n"
    "  eval     score samples against the true distribution\n"
    "  animate  the forward and reverse processes of a checkpoint as an animated GIF\n"
    "  export   a checkpoint's weights as safetensors, for the notebook's MLPDiffusion\n"
    "  predict  the network's output eps_theta(x, t) at given points\n"
    "  encode   points to their x_T by the probability-flow ODE, with their log-likelihood\n"
    "exit status: 0 success, 1 run-time failure (or standard output lost), 2 usage error,\n"
    "130 interrupted by Ctrl-C, 143 stopped by SIGTERM (both save the checkpoint first)\n";

const char* kTrainHelp =
    "usage: ddpm train [options]\n"
    "  --dataset NAME       s_curve (default) | swiss_roll | moons | circles | eight_gaussians |\n"
    "                       checkerboard | gaussian (one correlated Gaussian)\n"
    "  --data FILE          your own 2-D points instead (.csv x,y or .npy (n, 2), at least 200):\n"
    "                       centred and scaled so the larger per-axis std is 0.14; samples are\n"
    "                       written back in your units\n"
    "  --n N                number of training points (default 10000)\n"
    "  --epochs N           total epochs (default 4000, the notebook's; 0 saves the untrained "
    "model)\n"
    "  --batch N            batch size (default 128)\n"
    "  --lr X               Adam's learning rate (default 1e-3)\n"
    "  --steps T            diffusion steps (default 100)\n"
    "  --schedule NAME      sigmoid (default) | linear | quadratic | cosine\n"
    "  --hidden N           hidden units per layer (default 128)\n"
    "  --depth N            hidden blocks Linear -> +Emb[t] -> ReLU (default 3)\n"
    "  --embedding NAME     learned (default: a table per block, the notebook's) | sinusoidal\n"
    "                       (one fixed table of sines and cosines of t, no parameters)\n"
    "  --fourier F          also feed sin and cos of 2^f pi x, f < F, to the first layer (default "
    "0)\n"
    "  --ema MU             EMA weight of the new value (default 0.01, the notebook's mu)\n"
    "  --seed N             seed of the data, the initialisation and the noise (default 1234)\n"
    "  --threads N          threads (default 0: one per core); results are the same for any N\n"
    "  --sample-every K     every K epochs, as the notebook: print the loss, sample n points and\n"
    "                       write DIR/reverse_EPOCH.png (default 0: never)\n"
    "  --panels-dir DIR     where those panels go (default .; made if missing)\n"
    "  --panels-format F    png (default) or svg\n"
    "  --out FILE           the checkpoint (default model.ckpt)\n"
    "  --log FILE           the mean loss of every epoch as CSV: epoch,mean_loss\n"
    "  --loss-plot FILE     the loss curve as a figure (.png or .svg)\n"
    "  --objective NAME     what the network learns: eps (default, the notebook's) | x0 | v |\n"
    "                       flow (flow matching: the straight path, sampled by euler or heun;\n"
    "                       lesson 14)\n"
    "  --classes K          a conditional model of K classes of the data set (lesson 13):\n"
    "                       s_curve, swiss_roll (K arcs), moons, circles (2), eight_gaussians\n"
    "                       (2, 4, 8); default 0, no classes\n"
    "  --p-uncond P         with --classes: label dropout, the share of labels trained as \"no\n"
    "                       class\" for classifier-free guidance (default 0.1)\n"
    "  --guidance W         with --classes: the guidance weight ddpm sample uses by default\n"
    "                       (default 1: the conditional model alone)\n"
    "  --recipe NAME        notebook (default) | improved: the same training, and ddpm sample "
    "then\n"
    "                       defaults to the EMA weights with DDPM's Algorithm 2 (posterior "
    "variance,\n"
    "                       no noise at the last step), which measured best (docs/experiments.md)\n"
    "  --resume FILE        continue the run saved in FILE (its model, data and settings);\n"
    "                       --epochs stays the total, so 10 done + --epochs 20 runs 10 more\n"
    "Ctrl-C (or SIGTERM) finishes the current step, saves the checkpoint and exits with status\n"
    "130 (143); resume\n"
    "with --resume. The result is bit-identical to an uninterrupted run.\n";

const char* kSampleHelp =
    "usage: ddpm sample --model FILE --out FILE [options]\n"
    "  --model FILE         a checkpoint written by ddpm train, or weights as .safetensors\n"
    "                       (ddpm export's, or the notebook's: docs/notebook-and-back.md)\n"
    "  --out FILE           samples.csv (header x,y) or samples.npy (float32, (n, 2))\n"
    "  --n N                number of samples (default 10000)\n"
    "  --sampler NAME       ddpm (default: --variance, --last-step-noise) | notebook | algorithm2\n"
    "                       (DDPM's Algorithm 2) | ddim | ode (the probability-flow ODE by\n"
    "                       Heun's method, 2 network calls a step: lesson 12); a flow-matching\n"
    "                       model: heun (default) | euler (lesson 14). ddim, ode, heun and euler\n"
    "                       may name their steps, as ddim20\n"
    "  --sample-steps S     the deterministic samplers' steps; the default gives each T network\n"
    "                       calls (T the model's steps): ddim and euler T steps, ode and heun T/2\n"
    "  --prior NAME         ddpm, ddim, ode: standard (N(0, I), default) | matched (q(x_T)'s own\n"
    "                       mean and covariance: a schedule that stops short of noise, lesson 12)\n"
    "  --class K            a conditional model's class to draw (default: none, unconditional)\n"
    "  --guidance W         with --class: eps_uncond + W (eps_cond - eps_uncond) (default: the\n"
    "                       checkpoint's, ddpm train --guidance; 0 ignores the class)\n"
    "  --eta E              DDIM's noise, 0 (deterministic, default) .. 1\n"
    "  --variance NAME      DDPM's step variance: beta | posterior\n"
    "  --last-step-noise on|off   noise at the last DDPM step\n"
    "  --weights NAME       raw | ema (a .safetensors file holds one of them)\n"
    "                       defaults: the checkpoint's recipe (ddpm train --recipe): the "
    "notebook's\n"
    "                       beta, on, raw; the improved recipe's posterior, off, ema\n"
    "  --seed N             seed of the sampler's noise (default 1)\n"
    "  --threads N          threads (default 0: one per core); results are the same for any N\n"
    "  --trajectory FILE    also write every step, (frames, n, 2), as .npy\n"
    "  --panels FILE        also draw the notebook's 10 reverse-process panels (.png or .svg)\n";

const char* kEvalHelp =
    "usage: ddpm eval FILE [options]   or   ddpm eval --model FILE [options]\n"
    "  FILE                 samples as CSV (x,y) or .npy ((n, 2))\n"
    "  --model FILE         or a model (checkpoint or .safetensors): --n samples (default 3000)\n"
    "                       drawn as ddpm sample draws them by default (--sample-seed, default 1;\n"
    "                       --weights raw|ema; --threads N)\n"
    "  --sampler, --sample-steps, --class K, --guidance W   with --model: as ddpm sample; with\n"
    "                       --class the true distribution is that class's part of the data set\n"
    "  --nll                with --model: also its negative log-likelihood beside the data's\n"
    "                       entropy (the floor): the exact NLL of its ODE sampler (--sampler ode,\n"
    "                       or heun for a flow model; --sample-steps, --prior) and the ELBO with\n"
    "                       both variances (lesson 12), on 1000 fresh points of its data set, or\n"
    "                       on your held-out points (--data FILE), in your units and the model's\n"
    "  --dataset NAME       the true distribution: s_curve (default; with --model, the model's\n"
    "                       data set), or another of ddpm train's\n"
    "  --data FILE          or compare with your own points (.csv or .npy), split in two halves,\n"
    "                       all measured in the model's units (training's normalisation)\n"
    "  --seed N             seed of the true samples compared against (default 99)\n"
    "prints a table (sliced Wasserstein, MMD^2, k-NN precision and recall, each with its noise\n"
    "floor), then one JSON line.\n";

const char* kAnimateHelp =
    "usage: ddpm animate --model FILE [options]\n"
    "  --model FILE         a checkpoint written by ddpm train, or weights as .safetensors\n"
    "  --out FILE           the GIF (default diffusion.gif)\n"
    "  --n N                points per frame (default 10000)\n"
    "  --weights NAME       raw (default; a .safetensors file: the weights it holds) | ema\n"
    "  --class K, --guidance W   a conditional model's class, and the guidance (as ddpm sample)\n"
    "  --delay MS           time per frame (default 100)\n"
    "  --hold-last MS       extra time on the final sample (default 2000)\n"
    "  --seed N             seed of the data, the forward noise and the sampler (default 1234)\n"
    "  --threads N          threads (default 0: one per core)\n"
    "frames: q(x_t) for t = 0 ... T-1, then the reverse trajectory x_T ... x_0 (T + 1 frames);\n"
    "a flow-matching model: its straight path at T times, then T Euler steps back.\n";

// The flags for .safetensors weights without a configuration (the notebook's), shared by sample,
// eval and animate.
const char* kImportHelp =
    "weights saved without our metadata (the notebook's, by safetensors.torch.save_file):\n"
    "  --steps T --hidden N --depth N --schedule NAME   the model they are (default: the\n"
    "                       notebook's, 100, 128, 3, sigmoid); a mismatch names the tensor\n";

const char* kExportHelp =
    "usage: ddpm export MODEL.ckpt OUT.safetensors [--weights raw|ema]\n"
    "  writes the checkpoint's weights under the notebook's state_dict names and PyTorch's\n"
    "  shapes (float32), with its configuration as metadata. In Python (torch alone, or\n"
    "  safetensors.torch.load_file):\n"
    "    from notebook_io import load_file          # tools/notebook_io.py\n"
    "    model.load_state_dict(load_file(\"OUT.safetensors\")[0], strict=True)\n"
    "  --weights NAME       raw | ema (default: the recipe's: notebook raw, improved ema)\n";

const char* kPredictHelp =
    "usage: ddpm predict --model FILE --points FILE --t T --out FILE [options]\n"
    "  the network's prediction eps_theta(x, t) at each point: what the notebook's model(x, t)\n"
    "  returns, to compare a model in both places (docs/notebook-and-back.md); an x0 or v model's\n"
    "  output is turned into the eps it implies (lesson 14)\n"
    "  --model FILE         a checkpoint, or weights as .safetensors\n"
    "  --points FILE        the points x (.csv x,y or .npy (n, 2)), in the data's units (as ddpm\n"
    "                       sample writes them)\n"
    "  --t T                the step, 0 ... num_steps - 1 (the notebook's numbering)\n"
    "  --out FILE           the predictions (n, 2) as .csv or .npy; - for CSV on standard output\n"
    "  --class K            a conditional model's class (default: none)\n"
    "  --weights NAME       raw | ema (default: as ddpm sample)\n";

const char* kEncodeHelp =
    "usage: ddpm encode --model FILE --points FILE --out FILE [options]\n"
    "  the deterministic encoding x_0 -> x_T: the exact inverse of ddpm sample --sampler ode (a\n"
    "  flow model's: --sampler heun) with the same steps, and each point's exact log-likelihood\n"
    "  under that sampler (lesson 12)\n"
    "  --model FILE         a checkpoint, or weights as .safetensors\n"
    "  --points FILE        the points x_0 (.csv x,y or .npy (n, 2)), in the data's units\n"
    "  --out FILE           x_T and log p(x_0) per point, (n, 3): .csv (x,y,log_p) or .npy; -\n"
    "                       for CSV on standard output. log p is in nats, in the data's units\n"
    "  --sample-steps S     ODE steps (default: T/2 Heun steps, T network calls)\n"
    "  --prior NAME         standard (default) | matched (as ddpm sample)\n"
    "  --weights NAME       raw | ema (default: as ddpm sample)\n"
    "prints the mean log p(x_0) in nats per point and bits per dimension, in the data's units.\n";

// Ctrl-C (SIGINT) and SIGTERM (timeout, systemd, docker stop) ask the training loop to stop after
// its current step; the run saves and exits with 128 + the signal (130, 143). Lock-free atomics
// are safe to set from a signal handler.
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
extern "C" void on_stop_signal(int sig) {
    g_signal = sig;
    g_interrupted = true;
}

// A run's data, in the model's units: a named data set, or "file:PATH" (a learner's points,
// read and normalised; *norm gets the normalisation).
ddpm::Tensor run_data(const std::string& dataset, int n, uint64_t seed, ddpm::Normalization* norm) {
    if (dataset.rfind("file:", 0) != 0) return ddpm::make_dataset(dataset, n, seed);
    ddpm::Tensor points = ddpm::load_points(dataset.substr(5));
    *norm = ddpm::normalize_points(points, dataset.substr(5));
    return points;
}

// What ddpm train was asked to do.
struct TrainRequest {
    std::string resume;  // a checkpoint to go on from, or empty
    ddpm::ModelConfig model;
    ddpm::TrainConfig train;
    ddpm::RunInfo run;
    std::string schedule;
    uint64_t seed = 0;
    int sample_every = 0;
    std::string panels_dir, panels_format, out, log, loss_plot;
};

// With --resume the run's settings come from the checkpoint: only the flags about length and
// outputs may be given.
void refuse_settings_when_resuming(const cli::Args& args, const std::string& resume) {
    const char* settings[] = {"--dataset",  "--data",     "--n",      "--batch",     "--lr",
                              "--steps",    "--schedule", "--hidden", "--depth",     "--embedding",
                              "--ema",      "--seed",     "--recipe", "--objective", "--classes",
                              "--p-uncond", "--guidance"};
    for (const char* flag : settings)
        if (args.has(flag))
            throw ddpm::UsageError(std::string(flag) +
                                   " cannot change when resuming (the run's settings come from " +
                                   resume + ")");
}

std::string one_of(const std::string& flag, const std::string& value,
                   const std::vector<std::string>& allowed) {
    for (const std::string& a : allowed)
        if (value == a) return value;
    std::string list;
    for (size_t i = 0; i < allowed.size(); ++i)
        list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
    throw ddpm::UsageError(flag + ": expected " + list + ", got '" + value + "'");
}

// A flag that picks one of a few names and whose default depends on what it is used with: "" when
// it is not given; given, it must be one of them (an empty value is refused, never read as the
// default).
std::string optional_choice(cli::Args& args, const std::string& flag,
                            const std::vector<std::string>& allowed) {
    if (!args.has(flag)) return "";
    return one_of(flag, args.text(flag, ""), allowed);
}

TrainRequest parse_train_flags(cli::Args& args) {
    TrainRequest rq;
    rq.resume = args.text("--resume", "");
    if (!rq.resume.empty()) refuse_settings_when_resuming(args, rq.resume);
    const std::string dataset = args.text("--dataset", "s_curve");
    const std::string data_file = args.text("--data", "");
    if (!data_file.empty() && args.has("--dataset"))
        throw ddpm::UsageError("give --dataset or --data, not both");
    if (!data_file.empty() && args.has("--n"))
        throw ddpm::UsageError("--n is the number of points in --data's file");
    rq.run.dataset = data_file.empty() ? dataset : "file:" + data_file;
    rq.run.dataset_n = static_cast<int>(args.integer("--n", 10000, 16, 10000000));
    rq.train.epochs = static_cast<int>(args.integer("--epochs", 4000, 0, 10000000));
    rq.train.batch = static_cast<int>(args.integer("--batch", 128, 1, 1000000));
    rq.train.lr = static_cast<float>(args.number("--lr", 1e-3, 1e-8, 1.0));
    rq.train.ema_mu = static_cast<float>(args.number("--ema", 0.01, 1e-6, 1.0));
    rq.model.num_steps = static_cast<int>(args.integer("--steps", 100, 2, 100000));
    rq.model.hidden = static_cast<int>(args.integer("--hidden", 128, 1, 4096));
    rq.model.depth = static_cast<int>(args.integer("--depth", 3, 1, 16));
    rq.model.fourier = static_cast<int>(args.integer("--fourier", 0, 0, 16));
    if (one_of("--embedding", args.text("--embedding", "learned"), {"learned", "sinusoidal"}) ==
        "sinusoidal")
        rq.model.embedding = ddpm::ModelConfig::Embedding::sinusoidal;
    rq.schedule = args.text("--schedule", "sigmoid");
    rq.run.recipe = one_of("--recipe", args.text("--recipe", "notebook"), {"notebook", "improved"});
    rq.train.objective = ddpm::parse_objective(args.text("--objective", "eps"));
    rq.model.num_classes = static_cast<int>(args.integer("--classes", 0, 0, 64));
    if (rq.model.num_classes == 0 && (args.has("--p-uncond") || args.has("--guidance")))
        throw ddpm::UsageError("--p-uncond and --guidance are for a model with --classes K");
    if (rq.model.num_classes > 0 && !data_file.empty())
        throw ddpm::UsageError("--classes labels a named data set (" +
                               std::string(ddpm::kLabelledDatasetNames) +
                               "); --data has no labels");
    rq.train.p_uncond = static_cast<float>(args.number("--p-uncond", 0.1, 0.0, 1.0));
    rq.run.guidance = static_cast<float>(args.number("--guidance", 1.0, 0.0, 100.0));
    rq.seed = static_cast<uint64_t>(args.integer("--seed", 1234, 0, 2147483647L));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 1024)));
    rq.sample_every = static_cast<int>(args.integer("--sample-every", 0, 0, 10000000));
    rq.panels_dir = args.text("--panels-dir", ".");
    rq.panels_format =
        one_of("--panels-format", args.text("--panels-format", "png"), {"png", "svg"});
    rq.out = args.text("--out", "model.ckpt");
    rq.log = args.text("--log", "");
    rq.loss_plot = args.text("--loss-plot", "");
    if (!rq.loss_plot.empty()) cli::check_figure_name("--loss-plot", rq.loss_plot);
    args.finish();
    if (!args.positional().empty())
        throw ddpm::UsageError("unexpected argument '" + args.positional()[0] + "'");
    ddpm::check_fits_in_memory(ddpm::training_bytes(rq.model, rq.train),
                               "training with --hidden " + std::to_string(rq.model.hidden) +
                                   " --depth " + std::to_string(rq.model.depth) + " --batch " +
                                   std::to_string(rq.train.batch),
                               "use a smaller --hidden, --depth, --steps or --batch");
    return rq;
}

// A new run from the request, or the saved one with --resume (its total becomes --epochs).
ddpm::Checkpoint start_or_resume(const TrainRequest& rq) {
    if (rq.resume.empty()) {
        ddpm::Schedule sched = ddpm::Schedule::by_name(rq.schedule, rq.model.num_steps);
        return ddpm::Checkpoint{ddpm::Trainer(rq.model, rq.train, sched, rq.seed), rq.run};
    }
    ddpm::Checkpoint ck = ddpm::load_checkpoint(rq.resume);
    ck.trainer.cfg.epochs = rq.train.epochs;  // the total, counted from the run's start
    return ck;
}

// The learner's data file of a run ("file:PATH"), or "" for a named data set.
std::string data_file_of(const ddpm::RunInfo& run) {
    return run.dataset.rfind("file:", 0) == 0 ? run.dataset.substr(5) : "";
}

// The run's training data, and for a conditional model its labels; a learner's file must not
// have changed since a resumed run began.
ddpm::Tensor training_data(ddpm::Checkpoint& ck, const std::string& resume,
                           std::vector<int>* labels) {
    ddpm::RunInfo& run = ck.run;
    const int classes = ck.trainer.model_cfg.num_classes;
    if (classes > 0) {
        ddpm::LabelledData d =
            ddpm::make_labelled_dataset(run.dataset, run.dataset_n, classes, ck.trainer.seed);
        *labels = std::move(d.labels);
        return d.points;
    }
    ddpm::Normalization norm;
    ddpm::Tensor data = run_data(run.dataset, run.dataset_n, ck.trainer.seed, &norm);
    if (!data_file_of(run).empty()) {
        if (!resume.empty() && (norm.scale != run.data_norm.scale || data.dim(0) != run.dataset_n))
            throw ddpm::Error(data_file_of(run) + " changed since " + resume + " was saved");
        run.data_norm = norm;
        run.dataset_n = data.dim(0);
    }
    return data;
}

// Every output at once, before training: none the same as another or as the learner's data (the
// resumed checkpoint may be --out: that is how a run is continued in place).
void check_train_outputs(const TrainRequest& rq, const std::string& data_file) {
    std::vector<ddpm::NamedPath> outputs = {{"--out", rq.out}};
    if (!rq.log.empty()) outputs.push_back({"--log", rq.log});
    if (!rq.loss_plot.empty()) outputs.push_back({"--loss-plot", rq.loss_plot});
    if (rq.sample_every)
        outputs.push_back({"--panels-dir", rq.panels_dir + "/reverse_0." + rq.panels_format});
    std::vector<ddpm::NamedPath> inputs;
    if (!data_file.empty()) inputs.push_back({"--data", data_file});
    ddpm::check_outputs(outputs, inputs);
}

// Trains to the end (or to Ctrl-C). Every --sample-every epochs: the loss is printed, the
// checkpoint saved, and the reverse process sampled and drawn on a second thread from a copy of
// that epoch's model while training goes on.
void run_training(ddpm::Checkpoint& ck, const ddpm::Tensor& data, const std::vector<int>& labels,
                  const TrainRequest& rq) {
    ddpm::Trainer& tr = ck.trainer;
    ddpm::Progress progress;
    ddpm::Rng sample_rng(tr.seed, /*stream=*/0x5a3b1e);  // never disturbs training's stream
    ddpm::Background sampling;
    auto on_epoch = [&](const ddpm::EpochReport& r) {
        progress.update(r);
        if (!rq.sample_every || (r.epoch % rq.sample_every != 0 && r.epoch != r.epochs))
            return true;
        progress.finish();
        std::printf("epoch %d: loss %.4f (last batch)  mean %.4f\n", r.epoch, r.last_loss,
                    r.mean_loss);
        const std::string panels =
            rq.panels_dir + "/reverse_" + std::to_string(r.epoch) + "." + rq.panels_format;
        const std::string title = "reverse process p_\\theta, epoch " + std::to_string(r.epoch);
        sampling.run([model = tr.model, objective = tr.cfg.objective, n = ck.run.dataset_n,
                      sched = tr.sched, &sample_rng, panels, title] {
            const ddpm::Denoiser d{&model, objective};  // unconditional, the default sampler
            const ddpm::Tensor x_T = ddpm::randn(n, model.config().dim, sample_rng);
            const ddpm::Sampler how =
                ddpm::parse_sampler(objective == ddpm::Objective::flow ? "heun" : "notebook");
            const ddpm::Tensor seq = ddpm::sample(d, x_T, sched, sample_rng, how);
            ddpm::save_figure(ddpm::reverse_panels(seq, title), panels);
        });
        ddpm::save_checkpoint(tr, ck.run, rq.out);  // a long run keeps its latest state on disk
        return true;
    };
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    try {
        tr.train(data, labels, on_epoch, &g_interrupted);
        sampling.wait();
    } catch (const ddpm::Error&) {
        progress.finish();
        std::fprintf(stderr, "ddpm train: the last good checkpoint, if any, is %s\n",
                     rq.out.c_str());
        throw;
    }
    progress.finish();
}

void write_train_outputs(const ddpm::Checkpoint& ck, const TrainRequest& rq) {
    const ddpm::Trainer& tr = ck.trainer;
    ddpm::save_checkpoint(tr, ck.run, rq.out);
    if (!rq.log.empty()) {
        std::string csv = "epoch,mean_loss\n";
        for (size_t i = 0; i < tr.epoch_loss.size(); ++i)
            csv += std::to_string(i + 1) + "," + std::to_string(tr.epoch_loss[i]) + "\n";
        ddpm::write_file_atomic(rq.log, csv);
    }
    if (!rq.loss_plot.empty() && !tr.epoch_loss.empty())
        ddpm::save_figure(ddpm::loss_chart(tr.epoch_loss), rq.loss_plot);
}

int train(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s", kTrainHelp);
        return 0;
    }
    const TrainRequest rq = parse_train_flags(args);
    ddpm::Checkpoint ck = start_or_resume(rq);
    const ddpm::Trainer& tr = ck.trainer;
    std::vector<int> labels;
    const ddpm::Tensor data = training_data(ck, rq.resume, &labels);
    check_train_outputs(rq, data_file_of(ck.run));
    const std::string classes = tr.model_cfg.num_classes > 0
                                    ? ", " + std::to_string(tr.model_cfg.num_classes) + " classes"
                                    : "";
    if (rq.resume.empty())
        std::printf(
            "training %zu parameters on %s (%d points%s), %d epochs, schedule %s, objective %s, "
            "seed %llu\n",
            tr.model.num_params(), ck.run.dataset.c_str(), ck.run.dataset_n, classes.c_str(),
            tr.cfg.epochs, tr.sched.name.c_str(), ddpm::objective_name(tr.cfg.objective),
            static_cast<unsigned long long>(tr.seed));
    else
        std::printf("resuming %s after %d epochs (step %ld), of %d\n", rq.resume.c_str(), tr.epoch,
                    static_cast<long>(tr.adam.t), tr.cfg.epochs);
    run_training(ck, data, labels, rq);
    write_train_outputs(ck, rq);
    if (g_interrupted) {
        std::printf(
            "interrupted at epoch %d, step %ld: saved %s; continue with\n"
            "  ddpm train --resume %s --out %s --epochs %d\n",
            tr.epoch + 1, static_cast<long>(tr.adam.t), rq.out.c_str(), rq.out.c_str(),
            rq.out.c_str(), tr.cfg.epochs);
        return 128 + g_signal.load();
    }
    std::printf("final mean loss %.4f; wrote %s\n",
                tr.epoch_loss.empty() ? 0.0f : tr.epoch_loss.back(), rq.out.c_str());
    return 0;
}

// What ddpm sample was asked to do. An empty variance, last_noise or weights: the checkpoint's
// recipe decides (recipe_defaults).
struct SampleRequest {
    std::string model_path, out, trajectory, panels;
    int n = 0;
    std::string sampler, variance, last_noise, weights, prior;
    bool ddpm_settings_given = false;  // --variance or --last-step-noise, the ddpm sampler's
    uint64_t seed = 0;
    bool have_steps = false;  // --sample-steps given (DDIM's)
    int steps = 0;
    float eta = 0;
    int label = -1;              // --class, or -1
    bool have_guidance = false;  // --guidance given (else the checkpoint's)
    float guidance = 1;
    ddpm::ImportSettings import;  // for .safetensors weights without a configuration
};

// The flags sample, eval --model and animate share: the class and its guidance.
void parse_class_flags(cli::Args& args, SampleRequest& rq) {
    rq.label = static_cast<int>(args.integer("--class", -1, 0, 1000));
    rq.have_guidance = args.has("--guidance");
    rq.guidance = static_cast<float>(args.number("--guidance", 1.0, 0.0, 100.0));
}

ddpm::ImportSettings parse_import_flags(cli::Args& args) {
    ddpm::ImportSettings s;
    s.given = args.has("--steps") || args.has("--hidden") || args.has("--depth") ||
              args.has("--schedule");
    s.num_steps = static_cast<int>(args.integer("--steps", 100, 2, 100000));
    s.hidden = static_cast<int>(args.integer("--hidden", 128, 1, 4096));
    s.depth = static_cast<int>(args.integer("--depth", 3, 1, 16));
    s.schedule = args.text("--schedule", "sigmoid");
    return s;
}

// --out for points: a .csv or .npy name, or - (CSV to standard output).
void check_points_out(const std::string& out) {
    if (!ddpm::has_points_extension(out) && !ddpm::is_standard_output(out))
        throw ddpm::UsageError(
            "--out: expected a .csv or .npy file name, or - (CSV to standard output)");
}

// --sampler: a name of lib's vocabulary (lib/diffusion/sampler.h), checked here so a wrong one is
// reported before the model loads; "" when not given (the model's, model_defaults).
std::string parse_sampler_flag(cli::Args& args) {
    if (!args.has("--sampler")) return "";
    const std::string name = args.text("--sampler", "");
    try {
        ddpm::parse_sampler(name);
    } catch (const ddpm::UsageError& e) {
        throw ddpm::UsageError(std::string("--") + e.what());
    }
    return name;
}

// The sampler rq names, with the ddpm sampler's settings and the steps from their own flags.
ddpm::Sampler sampler_of(const SampleRequest& rq) {
    ddpm::Sampler s = ddpm::parse_sampler(rq.sampler);
    if (rq.sampler == "ddpm") {
        s.ddpm.variance = rq.variance == "posterior" ? ddpm::SamplerOptions::Variance::posterior
                                                     : ddpm::SamplerOptions::Variance::beta;
        s.ddpm.noise_at_last_step = rq.last_noise == "on";
    }
    if (rq.have_steps) s.steps = rq.steps;
    s.eta = rq.eta;
    return s;
}

// The steps rq's sampler takes: --sample-steps (or the count in its name) if given, else one
// budget for all of them, T network calls (ddpm::sampler_steps).
int steps_of(const SampleRequest& rq, const ddpm::Schedule& sched) {
    const ddpm::Sampler s = sampler_of(rq);
    const int S = ddpm::sampler_steps(s, sched.num_steps);
    const bool on_the_grid =  // DDIM's subsequence of T
        s.kind == ddpm::Sampler::Kind::ddim || s.kind == ddpm::Sampler::Kind::ode;
    if (on_the_grid && S > sched.num_steps)
        throw ddpm::UsageError("--sample-steps: the model has only " +
                               std::to_string(sched.num_steps) + " steps");
    return S;
}

// x_T's distribution (--prior): N(0, I), or the matched prior, q(x_T)'s own mean and covariance
// from the model's training data (lesson 12).
ddpm::Prior sampling_prior(const std::string& prior, const ddpm::SamplingModel& sm) {
    if (prior != "matched") return ddpm::standard_prior();
    ddpm::Normalization unused;
    return ddpm::matched_prior(run_data(sm.run.dataset, 10000, 1, &unused), sm.sched);
}

std::string parse_prior_flag(cli::Args& args) {
    const std::string prior = optional_choice(args, "--prior", {"standard", "matched"});
    return prior.empty() ? "standard" : prior;
}

SampleRequest parse_sample_flags(cli::Args& args) {
    if (!args.has("--model")) throw ddpm::UsageError("sample needs --model FILE");
    if (!args.has("--out")) throw ddpm::UsageError("sample needs --out FILE (.csv or .npy)");
    SampleRequest rq;
    rq.model_path = args.text("--model", "");
    rq.out = args.text("--out", "");
    rq.n = static_cast<int>(args.integer("--n", 10000, 1, 10000000));
    rq.sampler = parse_sampler_flag(args);  // "": the model's (model_defaults)
    parse_class_flags(args, rq);
    rq.variance = optional_choice(args, "--variance", {"beta", "posterior"});
    rq.last_noise = optional_choice(args, "--last-step-noise", {"on", "off"});
    rq.ddpm_settings_given = !rq.variance.empty() || !rq.last_noise.empty();
    rq.weights = optional_choice(args, "--weights", {"raw", "ema"});
    rq.seed = static_cast<uint64_t>(args.integer("--seed", 1, 0, 2147483647L));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 1024)));
    rq.trajectory = args.text("--trajectory", "");
    rq.panels = args.text("--panels", "");
    if (!rq.panels.empty()) cli::check_figure_name("--panels", rq.panels);
    rq.have_steps = args.has("--sample-steps");
    rq.steps = static_cast<int>(args.integer("--sample-steps", 0, 1, 100000));
    rq.eta = static_cast<float>(args.number("--eta", 0.0, 0.0, 1.0));
    rq.prior = parse_prior_flag(args);
    rq.import = parse_import_flags(args);
    args.finish();
    check_points_out(rq.out);
    if (!rq.trajectory.empty() && !ddpm::has_extension(rq.trajectory, ".npy"))
        throw ddpm::UsageError("--trajectory: expected a .npy file name");
    return rq;
}

// What depends on the model: its sampler (a flow-matching model's is heun, the others' ddpm),
// which must suit what it predicts; its class and guidance.
void model_defaults(SampleRequest& rq, const ddpm::SamplingModel& sm) {
    const bool flow = sm.objective == ddpm::Objective::flow;
    if (rq.sampler.empty()) rq.sampler = flow ? "heun" : "ddpm";
    const ddpm::Sampler named = ddpm::parse_sampler(rq.sampler);
    const bool flow_sampler = ddpm::is_flow_sampler(named);
    const bool ddpm_kind = named.kind == ddpm::Sampler::Kind::ddpm;
    const std::string predicts = std::string(" predicts ") + ddpm::objective_name(sm.objective);
    if (flow && !flow_sampler)
        throw ddpm::UsageError("--sampler " + rq.sampler + ": " + rq.model_path +
                               " was trained by flow matching; use --sampler euler or heun");
    if (!flow && flow_sampler)
        throw ddpm::UsageError("--sampler " + rq.sampler +
                               ": euler and heun integrate a flow-matching model (ddpm train "
                               "--objective flow); " +
                               rq.model_path + predicts);
    if (rq.ddpm_settings_given && ddpm_kind && rq.sampler != "ddpm")
        throw ddpm::UsageError("--variance and --last-step-noise set the ddpm sampler's steps; " +
                               rq.sampler + " fixes them (give --sampler ddpm)");
    if (rq.ddpm_settings_given && !ddpm_kind)
        throw ddpm::UsageError(
            "--variance and --last-step-noise set the ddpm sampler's steps; the " + rq.sampler +
            " sampler adds no noise to set");
    if (rq.have_steps && named.steps > 0)
        throw ddpm::UsageError("--sample-steps: --sampler " + rq.sampler +
                               " names its steps already");
    if (flow && rq.prior == "matched")
        throw ddpm::UsageError("--prior matched: " + rq.model_path +
                               " was trained by flow matching, whose path ends at N(0, I) exactly");
    if (ddpm_kind && (rq.have_steps || rq.eta != 0.0f))
        throw ddpm::UsageError("--sample-steps and --eta are DDIM's (add --sampler ddim)");
    if (named.kind != ddpm::Sampler::Kind::ddim && rq.eta != 0.0f)
        throw ddpm::UsageError("--eta is DDIM's; the " + rq.sampler + " sampler adds no noise");
    const int K = sm.model.config().num_classes;
    if (rq.label >= 0 && K == 0)
        throw ddpm::UsageError("--class: " + rq.model_path +
                               " has no classes (ddpm train --classes K makes one that has)");
    if (rq.label >= K && K > 0)
        throw ddpm::UsageError("--class " + std::to_string(rq.label) + ": " + rq.model_path +
                               " has classes 0 to " + std::to_string(K - 1));
    if (rq.have_guidance && rq.label < 0)
        throw ddpm::UsageError(
            "--guidance mixes a class's prediction with the unconditional one: give --class K");
    if (!rq.have_guidance) rq.guidance = sm.run.guidance;
}

// A deterministic sampler started from N(0, I) on a schedule that stops short of noise lands off
// the data (lesson 12): say so, once, on standard error.
void note_prior_mismatch(const SampleRequest& rq, const ddpm::SamplingModel& sm) {
    const double abar_T = sm.sched.alphas_prod[sm.sched.num_steps - 1];
    const ddpm::Sampler::Kind kind = ddpm::parse_sampler(rq.sampler).kind;
    const bool deterministic =
        kind == ddpm::Sampler::Kind::ode || kind == ddpm::Sampler::Kind::ddim;
    if (!deterministic || rq.prior == "matched" || abar_T < 0.01) return;
    std::fprintf(stderr,
                 "ddpm: note: the schedule ends at abar_T = %.2f, short of noise: a deterministic "
                 "sampler started from N(0, I) keeps that mismatch and lands off the data "
                 "(lesson 12); --prior matched starts from q(x_T)'s own mean and covariance\n",
                 abar_T);
}

// The notebook's recipe samples as the notebook does (beta variance, noise at the last step, raw
// weights); the improved one by DDPM's Algorithm 2 from the EMA weights (docs/experiments.md).
// The weights are chosen when the model is loaded (load_sampling_model).
void recipe_defaults(SampleRequest& rq, const std::string& recipe) {
    const bool improved = recipe == "improved";
    if (rq.variance.empty()) rq.variance = improved ? "posterior" : "beta";
    if (rq.last_noise.empty()) rq.last_noise = improved ? "off" : "on";
}

// The whole trajectory (steps + 1, n, dim), x_T first, by the sampler asked for.
ddpm::Tensor draw_trajectory(const SampleRequest& rq, const ddpm::SamplingModel& sm) {
    const ddpm::MLPDiffusion& model = sm.model;
    const ddpm::Schedule& sched = sm.sched;
    ddpm::Rng rng(rq.seed);
    const ddpm::Tensor x_T = ddpm::sample_prior(sampling_prior(rq.prior, sm), rq.n, rng);
    const ddpm::Denoiser d{&model, sm.objective, rq.label, rq.guidance};
    steps_of(rq, sched);  // --sample-steps within the model's
    return ddpm::sample(d, x_T, sched, rng, sampler_of(rq));
}

// How the samples were drawn, for the report: "ddpm, beta variance, last-step noise on", or the
// sampler's name.
std::string sampler_text(const SampleRequest& rq) {
    if (rq.sampler != "ddpm") return rq.sampler;
    return "ddpm, " + rq.variance + " variance, last-step noise " + rq.last_noise;
}

// How a report names an output: "standard output" for -, the file's name otherwise.
std::string output_name(const std::string& out) {
    return ddpm::is_standard_output(out) ? "standard output" : out;
}

// ", class K, guidance W" for a conditional draw.
std::string class_text(const SampleRequest& rq) {
    if (rq.label < 0) return "";
    char w[32];
    std::snprintf(w, sizeof w, "%g", rq.guidance);
    return ", class " + std::to_string(rq.label) + ", guidance " + w;
}

int sample(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s%s", kSampleHelp, kImportHelp);
        return 0;
    }
    SampleRequest rq = parse_sample_flags(args);
    const ddpm::SamplingModel sm = ddpm::load_sampling_model(rq.model_path, rq.weights, rq.import);
    rq.weights = sm.weights;
    recipe_defaults(rq, sm.run.recipe);
    model_defaults(rq, sm);
    note_prior_mismatch(rq, sm);
    ddpm::check_fits_in_memory(ddpm::sampling_bytes(sm.model.config(), static_cast<uint64_t>(rq.n)),
                               "sampling " + std::to_string(rq.n) + " points", "use a smaller --n");
    std::vector<ddpm::NamedPath> outputs = {{"--out", rq.out}};
    if (!rq.trajectory.empty()) outputs.push_back({"--trajectory", rq.trajectory});
    if (!rq.panels.empty()) outputs.push_back({"--panels", rq.panels});
    ddpm::check_outputs(outputs, {{"--model", rq.model_path}});
    ddpm::Tensor seq = draw_trajectory(rq, sm);
    ddpm::denormalize_points(seq, sm.run.data_norm);  // back to the data's own units (--data)
    const ddpm::Tensor samples = seq.frame(seq.dim(0) - 1);
    if (!ddpm::all_finite(samples)) throw ddpm::Error("sampling produced NaN or infinite values");
    // All outputs as one: none replaced unless all were written.
    std::vector<ddpm::FileBytes> files = {{rq.out, ddpm::points_bytes(samples, rq.out)}};
    if (!rq.trajectory.empty()) files.push_back({rq.trajectory, ddpm::npy_bytes(seq)});
    if (!rq.panels.empty()) {
        const ddpm::Canvas panels = ddpm::reverse_panels(
            seq, "reverse process p_\\theta (" + ddpm::markup_escape(rq.sampler) + ", " +
                     ddpm::markup_escape(rq.weights) + " weights)");
        files.push_back({rq.panels, ddpm::figure_bytes(panels, rq.panels)});
    }
    ddpm::write_files_atomic(files);
    const std::string how = sampler_text(rq) + class_text(rq);
    // With the samples on standard output, the report goes to standard error.
    std::FILE* report = ddpm::is_standard_output(rq.out) ? stderr : stdout;
    std::fprintf(report, "wrote %d samples to %s (%s, %d steps, %s weights; recipe %s)%s%s\n", rq.n,
                 output_name(rq.out).c_str(), how.c_str(), seq.dim(0) - 1, rq.weights.c_str(),
                 sm.run.recipe.c_str(), rq.trajectory.empty() ? "" : " and the trajectory to ",
                 rq.trajectory.c_str());
    return 0;
}

// The true distribution's two sets of n points, the one to compare with and the one for the noise
// floor: from a named data set, or from the learner's points (--data), shuffled with the seed and
// split in two halves. With --data, `samples` are moved into the model's units (the training's
// normalisation), where the measures' bandwidths make sense, and n may shrink to half the file.
// n points of one class of a labelled data set: drawn from make_labelled_dataset, the first n
// of the class's kept.
ddpm::Tensor class_sample(const std::string& dataset, int classes, int label, int n,
                          uint64_t seed) {
    const ddpm::Tensor all = ddpm::class_points(
        ddpm::make_labelled_dataset(dataset, 3 * classes * n, classes, seed), label);
    if (all.dim(0) < n)
        throw ddpm::Error("class " + std::to_string(label) + " of " + dataset +
                          " holds too few points");
    return all.slice(0, n);
}

// The class a conditional model was asked for, whose part of the data set is the reference.
struct ClassRef {
    int label = -1;
    int classes = 0;
};

void reference_points(const std::string& dataset, const std::string& data_file, uint64_t seed,
                      const ClassRef& cls, ddpm::Tensor& samples, int& n, ddpm::Tensor& real_a,
                      ddpm::Tensor& real_b) {
    if (data_file.empty() && cls.label >= 0) {
        real_a = class_sample(dataset, cls.classes, cls.label, n, seed);
        real_b = class_sample(dataset, cls.classes, cls.label, n, seed + 1);
        return;
    }
    if (data_file.empty()) {
        real_a = ddpm::make_dataset(dataset, n, seed);
        real_b = ddpm::make_dataset(dataset, n, seed + 1);
        return;
    }
    ddpm::Tensor pts = ddpm::load_points(data_file);
    ddpm::Normalization norm = ddpm::normalize_points(pts, data_file, 20);
    ddpm::apply_normalization(samples, norm);
    n = std::min(n, pts.dim(0) / 2);
    ddpm::split_reference(pts, n, seed, &real_a, &real_b);
}

// Points from a learner's file for predict, encode and eval --nll: (n, 2), finite, moved into
// the model's units.
ddpm::Tensor points_in_model_units(const std::string& path, const ddpm::SamplingModel& sm) {
    ddpm::Tensor x = ddpm::load_points(path);
    if (x.ndim() != 2 || x.dim(1) != 2 || x.dim(0) < 1)
        throw ddpm::Error(path + ": expected points (n, 2), got " + x.shape_str());
    if (!ddpm::all_finite(x)) throw ddpm::Error(path + ": holds a non-finite value");
    ddpm::check_fits_in_memory(ddpm::sampling_bytes(sm.model.config(), x.dim(0)),
                               "the " + std::to_string(x.dim(0)) + " points of " + path,
                               "use fewer points");
    ddpm::apply_normalization(x, sm.run.data_norm);
    return x;
}

// The exact log p(x_0) of a model's deterministic sampler, in the model's units, and the x_T it
// maps to each point: the probability-flow ODE by Heun's method (--sampler ode) for an eps, x0 or
// v model, a flow model's own ODE by heun; S steps, x_T from `prior` (lib/likelihood/ode.h).
ddpm::OdeEncoding exact_likelihood(const ddpm::SamplingModel& sm, const ddpm::Denoiser& d,
                                   const ddpm::Tensor& x_0, int S, const ddpm::Prior& prior) {
    if (sm.objective == ddpm::Objective::flow)
        return ddpm::flow_encode(d, x_0, S, ddpm::FlowSolver::heun);
    return ddpm::ode_encode(ddpm::network_field(d, sm.sched), x_0, sm.sched, S, prior);
}

// The mean of log p over points.
double mean_of(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
}

// eval --model --nll: the model's NLL in nats per point (bits per dimension) on held-out points:
// 1000 fresh points of its data set (of its class, with --class), or the learner's file
// (--data), beside the floor no model goes below, the data's entropy (where it is known). The
// exact NLL of the deterministic sampler; for a DDPM model also the ELBO with either variance.
void print_nll(const ddpm::SamplingModel& sm, const SampleRequest& rq, const std::string& dataset,
               const std::string& data_file, uint64_t seed) {
    const int K = sm.model.config().num_classes;
    ddpm::Tensor x_0;
    std::string what;
    if (!data_file.empty()) {  // the learner's points, in the model's units
        x_0 = points_in_model_units(data_file, sm);
        const bool training_file = sm.run.dataset == "file:" + data_file;
        what = std::to_string(x_0.dim(0)) + " points of " + data_file +
               (training_file ? " (the training points: give held-out ones with --data FILE)" : "");
    } else {
        x_0 = rq.label >= 0 ? class_sample(dataset, K, rq.label, 1000, 1000 + seed)
                            : ddpm::make_dataset(dataset, 1000, 1000 + seed);
        what = "1000 fresh points of " + dataset +
               (rq.label >= 0 ? ", class " + std::to_string(rq.label) : "");
    }
    const ddpm::Denoiser d{&sm.model, sm.objective, rq.label, rq.guidance};
    SampleRequest ode = rq;  // the deterministic sampler whose likelihood is exact
    ode.sampler = sm.objective == ddpm::Objective::flow ? "heun" : "ode";
    const std::string& sampler = ode.sampler;
    const int S = steps_of(ode, sm.sched);
    const ddpm::Prior prior = sampling_prior(rq.prior, sm);
    const double exact = -mean_of(exact_likelihood(sm, d, x_0, S, prior).log_p);
    if (!std::isfinite(exact)) throw ddpm::Error("the negative log-likelihood is not finite");
    // In the learner's units x = scale x_model + mean: log p(x) = log p(x_model) - 2 log scale.
    const double to_data = 2 * std::log(static_cast<double>(sm.run.data_norm.scale));
    const bool rescaled = to_data != 0;
    std::printf("negative log-likelihood of %s, nats per point (bits per dimension)%s:\n",
                what.c_str(), rescaled ? ", in your units [in the model's]" : "");
    auto row = [&](const char* name, double nll) {
        std::printf("  %-44s %8.4f (%7.4f)", name, nll + to_data,
                    ddpm::bits_per_dim(nll + to_data, 2));
        if (rescaled) std::printf("  [%8.4f (%7.4f)]", nll, ddpm::bits_per_dim(nll, 2));
        std::printf("\n");
    };
    if (data_file.empty() && rq.label < 0) {
        const ddpm::Entropy h = ddpm::dataset_entropy(dataset, 4000, 2000 + seed);
        char name[64];
        std::snprintf(name, sizeof name, "the data's entropy (the floor; +-%.4f)",
                      h.standard_error);
        row(name, h.nats);
    } else {
        std::printf("  the data's entropy (the floor)               unknown for %s\n",
                    data_file.empty() ? "one class" : "your points");
    }
    char name[64];
    std::snprintf(name, sizeof name, "exact, the %s sampler, %d steps%s", sampler.c_str(), S,
                  rq.prior == "matched" ? ", matched" : "");
    row(name, exact);
    if (sm.objective == ddpm::Objective::flow) {
        std::printf("  (a flow-matching model has no ELBO: it has no noisy reverse steps)\n");
        return;
    }
    ddpm::Rng rng(seed, /*stream=*/0xe1b0);
    ddpm::SamplerOptions posterior;
    posterior.variance = ddpm::SamplerOptions::Variance::posterior;
    const ddpm::NoiseField field = ddpm::network_field(d, sm.sched);
    const double beta = ddpm::elbo(field, x_0, sm.sched, {}, rng).total();
    const double tilde = ddpm::elbo(field, x_0, sm.sched, posterior, rng).total();
    if (!std::isfinite(beta) || !std::isfinite(tilde)) throw ddpm::Error("the ELBO is not finite");
    row("ELBO bound of ddpm, sigma^2 = beta", beta);
    row("ELBO bound of ddpm, sigma^2 = beta~", tilde);
}

// eval --model: n samples drawn as ddpm sample draws them by default, in the data's units. The
// model's data set becomes the default reference (*dataset or *data_file, unless given).
ddpm::Tensor samples_from_model(cli::Args& args, std::string* dataset, std::string* data_file,
                                ClassRef* cls) {
    SampleRequest rq;
    rq.model_path = args.text("--model", "");
    rq.n = static_cast<int>(args.integer("--n", 3000, 10, 1000000));
    rq.seed = static_cast<uint64_t>(args.integer("--sample-seed", 1, 0, 2147483647L));
    rq.sampler = parse_sampler_flag(args);
    rq.have_steps = args.has("--sample-steps");
    rq.steps = static_cast<int>(args.integer("--sample-steps", 0, 1, 100000));
    parse_class_flags(args, rq);
    rq.weights = optional_choice(args, "--weights", {"raw", "ema"});
    rq.prior = parse_prior_flag(args);
    rq.import = parse_import_flags(args);
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 1024)));
    const bool reference_given = args.has("--dataset") || args.has("--data");
    const bool nll = args.flag("--nll");
    args.finish();
    if (!args.positional().empty())
        throw ddpm::UsageError("give a samples file or --model, not both");
    ddpm::SamplingModel sm = ddpm::load_sampling_model(rq.model_path, rq.weights, rq.import);
    recipe_defaults(rq, sm.run.recipe);
    model_defaults(rq, sm);
    note_prior_mismatch(rq, sm);
    cls->label = rq.label;
    cls->classes = sm.model.config().num_classes;
    if (rq.label >= 0 && args.has("--data"))
        throw ddpm::UsageError("--class compares with its class of a named data set, not --data");
    ddpm::check_fits_in_memory(ddpm::sampling_bytes(sm.model.config(), static_cast<uint64_t>(rq.n)),
                               "sampling " + std::to_string(rq.n) + " points", "use a smaller --n");
    if (!reference_given) {
        const bool from_file = sm.run.dataset.rfind("file:", 0) == 0;
        *dataset = from_file ? "s_curve" : sm.run.dataset;
        *data_file = from_file ? sm.run.dataset.substr(5) : "";
    }
    if (nll) print_nll(sm, rq, *dataset, *data_file, rq.seed);
    ddpm::Tensor seq = draw_trajectory(rq, sm);
    ddpm::Tensor samples = seq.frame(seq.dim(0) - 1);
    ddpm::denormalize_points(samples, sm.run.data_norm);
    const std::string how =
        sampler_text(rq) + (sampler_of(rq).kind == ddpm::Sampler::Kind::ddpm
                                ? ""
                                : ", " + std::to_string(seq.dim(0) - 1) + " steps");
    std::printf("%d samples of %s (%s%s, %s weights)\n", rq.n, rq.model_path.c_str(), how.c_str(),
                class_text(rq).c_str(), sm.weights.c_str());
    return samples;
}

int eval(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s%s", kEvalHelp, kImportHelp);
        return 0;
    }
    std::string dataset = args.text("--dataset", "s_curve");
    std::string data_file = args.text("--data", "");
    const uint64_t seed = static_cast<uint64_t>(args.integer("--seed", 99, 0, 2147483647L));
    std::string what;
    ddpm::Tensor samples;
    ClassRef cls;
    if (!args.has("--model") && args.flag("--nll"))
        throw ddpm::UsageError(
            "--nll needs --model FILE (a likelihood is the model's, not the "
            "samples')");
    if (args.has("--model")) {
        what = args.text("--model", "");
        samples = samples_from_model(args, &dataset, &data_file, &cls);
    } else {
        args.finish();
        if (args.positional().size() != 1)
            throw ddpm::UsageError("eval needs one samples file (.csv or .npy), or --model FILE");
        what = args.positional()[0];
        samples = ddpm::load_points(what);
    }
    if (samples.ndim() != 2 || samples.dim(1) != 2)
        throw ddpm::Error(what + ": expected points (n, 2), got " + samples.shape_str());
    if (samples.dim(0) < 10) throw ddpm::Error(what + ": needs at least 10 points");
    int n = std::min(samples.dim(0), 3000);
    ddpm::Tensor real_a, real_b;
    reference_points(dataset, data_file, seed, cls, samples, n, real_a, real_b);
    ddpm::QualityReport r = ddpm::evaluate_quality(samples, real_a, real_b, n);
    // Every number printed must be one: points far beyond float's range give infinite distances.
    for (const ddpm::Quality& q : {r.model, r.floor})
        for (double v : {q.swd, q.mmd, q.precision, q.recall})
            if (!std::isfinite(v))
                throw ddpm::Error(what +
                                  ": the measures are not finite (the points are too far apart to "
                                  "measure in float32); check the file's units");
    std::printf("%s%s\n", ddpm::quality_table(r).c_str(), ddpm::quality_json(r).c_str());
    return 0;
}

int animate(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s%s", kAnimateHelp, kImportHelp);
        return 0;
    }
    if (!args.has("--model")) throw ddpm::UsageError("animate needs --model FILE");
    const std::string model_path = args.text("--model", ""),
                      out = args.text("--out", "diffusion.gif");
    const int n = static_cast<int>(args.integer("--n", 10000, 1, 1000000));
    std::string weights = optional_choice(args, "--weights", {"raw", "ema"});
    ddpm::AnimationStyle style;
    style.delay_ms = static_cast<int>(args.integer("--delay", 100, 0, 655350));
    style.hold_last_ms = static_cast<int>(args.integer("--hold-last", 2000, 0, 655350));
    const uint64_t seed = static_cast<uint64_t>(args.integer("--seed", 1234, 0, 2147483647L));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads", 0, 0, 1024)));
    const ddpm::ImportSettings import = parse_import_flags(args);
    SampleRequest rq;  // for the class flags and their checks
    rq.model_path = model_path;
    parse_class_flags(args, rq);
    args.finish();
    if (!ddpm::has_extension(out, ".gif"))
        throw ddpm::UsageError("--out: expected a .gif file name");
    // A checkpoint animates its raw weights unless told (the notebook's); a .safetensors file, the
    // weights it holds.
    if (weights.empty() && !ddpm::has_extension(model_path, ".safetensors")) weights = "raw";
    const ddpm::SamplingModel sm = ddpm::load_sampling_model(model_path, weights, import);
    ddpm::check_fits_in_memory(ddpm::sampling_bytes(sm.model.config(), static_cast<uint64_t>(n)),
                               "animating " + std::to_string(n) + " points", "use a smaller --n");
    model_defaults(rq, sm);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}});
    ddpm::Normalization unused;
    const int K = sm.model.config().num_classes;  // with --class, the forward frames its points
    const ddpm::Tensor dataset = rq.label >= 0 ? class_sample(sm.run.dataset, K, rq.label, n, seed)
                                               : run_data(sm.run.dataset, n, seed, &unused);
    ddpm::Rng rng(seed, /*stream=*/0xa1);
    const ddpm::Denoiser d{&sm.model, sm.objective, rq.label, rq.guidance};
    const ddpm::Tensor x_T = ddpm::randn(n, sm.model.config().dim, rng);
    style.points.radius = 1.5f;
    const bool flow = sm.objective == ddpm::Objective::flow;
    const ddpm::Sampler how = ddpm::parse_sampler(flow ? "euler" : "notebook");  // a frame a step
    const ddpm::Tensor x_seq = ddpm::sample(d, x_T, sm.sched, rng, how);
    ddpm::AnimationResult r =
        flow ? ddpm::write_flow_gif(dataset, x_seq, rng, style, out)
             : ddpm::write_diffusion_gif(dataset, x_seq, sm.sched, rng, style, out);
    if (r.delay_raised)
        std::fprintf(stderr, "ddpm animate: note: delays under 20 ms were raised to 20 ms\n");
    std::printf("wrote %s: %d frames (%d forward, %d reverse including the final sample)\n",
                out.c_str(), r.frames, sm.sched.num_steps, sm.sched.num_steps + 1);
    return 0;
}

// What keeps the exported model from being the notebook's MLPDiffusion(n_steps, num_units)
// sampled by its p_sample_loop: each difference, with what the notebook must do about it. Empty
// for a model of the notebook's shape that predicts eps.
std::vector<std::string> notebook_differences(const ddpm::ModelConfig& m, ddpm::Objective o) {
    std::vector<std::string> out;
    if (m.depth != 3)
        out.push_back("depth " + std::to_string(m.depth) +
                      " (the notebook's class has 3 blocks: write the class with " +
                      std::to_string(m.depth) + ")");
    if (m.embedding == ddpm::ModelConfig::Embedding::sinusoidal)
        out.push_back(
            "a fixed sinusoidal step table (the notebook learns its tables: the file has "
            "none to load; compute the table as lib/nn/model.cpp does)");
    if (m.fourier > 0)
        out.push_back(std::to_string(m.fourier) + " Fourier features of x (the first layer takes " +
                      std::to_string(m.input_width()) +
                      " inputs: add the features before it, as lib/nn/model.cpp does)");
    if (m.num_classes > 0)
        out.push_back(std::to_string(m.num_classes) +
                      " classes (class_embeddings.k.weight, one row a class and one for \"no "
                      "class\", added in each block: the notebook's class has no such input)");
    if (o == ddpm::Objective::x0 || o == ddpm::Objective::v)
        out.push_back(std::string("it predicts ") + ddpm::objective_name(o) +
                      ", and the notebook's p_sample reads the output as eps: convert first, " +
                      (o == ddpm::Objective::x0
                           ? "eps = (x_t - sqrt(abar_t) out) / sqrt(1 - abar_t)"
                           : "eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) out"));
    if (o == ddpm::Objective::flow)
        out.push_back(
            "it predicts a flow-matching velocity at continuous time: the notebook's "
            "sampler does not apply; integrate dx/dtau = v from tau = 1 to 0 (lesson 14)");
    return out;
}

int export_weights(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s", kExportHelp);
        return 0;
    }
    std::string weights = optional_choice(args, "--weights", {"raw", "ema"});
    args.finish();
    if (args.positional().size() != 2)
        throw ddpm::UsageError("export needs MODEL.ckpt and OUT.safetensors");
    const std::string in = args.positional()[0], out = args.positional()[1];
    if (!ddpm::has_extension(out, ".safetensors"))
        throw ddpm::UsageError("expected OUT to be a .safetensors file name, got '" + out + "'");
    ddpm::check_outputs({{"OUT", out}}, {{"MODEL", in}});
    const ddpm::Checkpoint ck = ddpm::load_checkpoint(in);
    if (weights.empty()) weights = ck.run.recipe == "improved" ? "ema" : "raw";
    const ddpm::SafeTensors file = ddpm::model_safetensors(ck, weights);
    ddpm::save_safetensors(file, out);
    const ddpm::ModelConfig& m = ck.trainer.model_cfg;
    std::printf("wrote %s: %zu tensors, %zu parameters (the %s weights after %d epochs)\n",
                out.c_str(), file.tensors.size(), ck.trainer.model.num_params(), weights.c_str(),
                ck.trainer.epoch);
    const std::vector<std::string> differences = notebook_differences(m, ck.trainer.cfg.objective);
    if (differences.empty())
        std::printf(
            "it loads into the notebook's MLPDiffusion(%d, num_units=%d) with "
            "load_state_dict(..., strict=True)\n",
            m.num_steps, m.hidden);
    for (const std::string& d : differences)
        std::printf("note: not the notebook's model as it stands: %s\n", d.c_str());
    return 0;
}

int predict(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s%s", kPredictHelp, kImportHelp);
        return 0;
    }
    for (const char* flag : {"--model", "--points", "--t", "--out"})
        if (!args.has(flag)) throw ddpm::UsageError(std::string("predict needs ") + flag);
    const std::string model_path = args.text("--model", ""), points = args.text("--points", ""),
                      out = args.text("--out", ""),
                      weights = optional_choice(args, "--weights", {"raw", "ema"});
    const long t = args.integer("--t", 0, 0, 99999);
    const int label = static_cast<int>(args.integer("--class", -1, 0, 1000));
    const ddpm::ImportSettings import = parse_import_flags(args);
    args.finish();
    check_points_out(out);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}, {"--points", points}});
    const ddpm::SamplingModel sm = ddpm::load_sampling_model(model_path, weights, import);
    if (sm.objective == ddpm::Objective::flow)
        throw ddpm::UsageError(model_path +
                               " was trained by flow matching: its network predicts a velocity at "
                               "a continuous time, which has no eps_theta(x, t) to give");
    const int K = sm.model.config().num_classes;
    if (label >= 0 && label >= K)
        throw ddpm::UsageError(
            "--class " + std::to_string(label) + ": " + model_path +
            (K == 0 ? " has no classes" : " has classes 0 to " + std::to_string(K - 1)));
    if (t >= sm.sched.num_steps)
        throw ddpm::UsageError("--t: the model has steps 0 ... " +
                               std::to_string(sm.sched.num_steps - 1) + ", got " +
                               std::to_string(t));
    const ddpm::Tensor x = points_in_model_units(points, sm);
    ddpm::Tensor eps({x.dim(0), 2});
    const ddpm::Denoiser d{&sm.model, sm.objective, label};  // its output as eps (objective.h)
    ddpm::predict_eps(d, eps.data(), x.data(), static_cast<int>(t), x.dim(0), sm.sched);
    if (!ddpm::all_finite(eps)) throw ddpm::Error("the network's output is not finite");
    ddpm::save_points(eps, out);
    std::FILE* report = ddpm::is_standard_output(out) ? stderr : stdout;
    std::fprintf(
        report, "wrote eps_theta(x, %ld%s) at %d points to %s (%s weights%s)\n", t,
        label >= 0 ? (", class " + std::to_string(label)).c_str() : "", x.dim(0),
        output_name(out).c_str(), sm.weights.c_str(),
        sm.objective == ddpm::Objective::eps
            ? ""
            : (std::string(", from its ") + ddpm::objective_name(sm.objective) + " prediction")
                  .c_str());
    return 0;
}

int encode(cli::Args& args) {
    if (args.flag("--help")) {
        std::printf("%s%s", kEncodeHelp, kImportHelp);
        return 0;
    }
    for (const char* flag : {"--model", "--points", "--out"})
        if (!args.has(flag)) throw ddpm::UsageError(std::string("encode needs ") + flag);
    const std::string model_path = args.text("--model", ""), points = args.text("--points", ""),
                      out = args.text("--out", ""),
                      weights = optional_choice(args, "--weights", {"raw", "ema"});
    SampleRequest rq;  // the sampler it inverts: its steps and prior
    rq.model_path = model_path;
    rq.have_steps = args.has("--sample-steps");
    rq.steps = static_cast<int>(args.integer("--sample-steps", 1, 1, 100000));
    rq.prior = parse_prior_flag(args);
    const ddpm::ImportSettings import = parse_import_flags(args);
    args.finish();
    check_points_out(out);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}, {"--points", points}});
    ddpm::SamplingModel sm = ddpm::load_sampling_model(model_path, weights, import);
    const bool flow = sm.objective == ddpm::Objective::flow;
    rq.sampler = flow ? "heun" : "ode";
    model_defaults(rq, sm);
    const int S = steps_of(rq, sm.sched);
    const ddpm::Tensor x_0 = points_in_model_units(points, sm);
    const ddpm::Denoiser d{&sm.model, sm.objective};
    const ddpm::OdeEncoding enc = exact_likelihood(sm, d, x_0, S, sampling_prior(rq.prior, sm));
    // Each point's x_T, and its log p in the data's units: log p(x) = log p(x_model) - 2 log scale.
    const double to_data = 2 * std::log(static_cast<double>(sm.run.data_norm.scale));
    ddpm::Tensor table({x_0.dim(0), 3});
    for (int p = 0; p < x_0.dim(0); ++p) {
        table.at(p, 0) = enc.x_T.at(p, 0);
        table.at(p, 1) = enc.x_T.at(p, 1);
        table.at(p, 2) = static_cast<float>(enc.log_p[p] - to_data);
    }
    const double mean = mean_of(enc.log_p) - to_data;
    if (!std::isfinite(mean) || !ddpm::all_finite(table))
        throw ddpm::Error("the encoding is not finite (points far outside the data?)");
    ddpm::write_file_atomic(out, ddpm::has_extension(out, ".npy")
                                     ? ddpm::npy_bytes(table)
                                     : ddpm::csv_table_text(table, "x,y,log_p"));
    std::FILE* report = ddpm::is_standard_output(out) ? stderr : stdout;
    std::fprintf(
        report,
        "wrote x_T and log p(x_0) of %d points to %s (the exact inverse of the %s sampler, "
        "%d steps, %s prior, %s weights); mean log p(x_0) %.4f nats per point, %.4f bits "
        "per dimension\n",
        x_0.dim(0), output_name(out).c_str(), rq.sampler.c_str(), S, rq.prior.c_str(),
        sm.weights.c_str(), mean, -ddpm::bits_per_dim(-mean, 2));
    return 0;
}

int run_command(const std::string& command, int argc, char** argv) {
    cli::Args args(argc, argv, 2, {"--help", "--nll"});
    if (command == "train") return train(args);
    if (command == "sample") return sample(args);
    if (command == "eval") return eval(args);
    if (command == "animate") return animate(args);
    if (command == "export") return export_weights(args);
    if (command == "predict") return predict(args);
    if (command == "encode") return encode(args);
    throw ddpm::UsageError("unknown command '" + command +
                           "' (train, sample, eval, animate, export, predict or encode)");
}

}  // namespace

int main(int argc, char** argv) {
    // Started with standard output closed (>&-): its descriptor is held on /dev/null so no file
    // takes it, and the run reports the loss at the end.
    const bool stdout_closed = ddpm::reserve_standard_descriptors();
    if (argc < 2) {
        std::fprintf(stderr, "%s", kUsage);
        return 2;
    }
    if (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::printf("%s", kUsage);
        return 0;
    }
    const std::string command = ddpm::printable_message(argv[1]);
    ddpm::set_flush_denormals(true);  // twice as fast late in training (lib/fast/parallel.h)
    // A closed pipe (ddpm train ... | head -1) must not kill a run before it saves: writes to it
    // fail instead, and standard output is checked once at the end.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        const int status = run_command(command, argc, argv);
        if (std::fflush(stdout) != 0 || std::ferror(stdout) || stdout_closed) {
            std::fprintf(stderr,
                         "ddpm %s: could not write standard output (closed, or a full disk): "
                         "what it printed is lost (any files it wrote are complete)\n",
                         command.c_str());
            return status == 0 ? 1 : status;
        }
        return status;
    } catch (const ddpm::UsageError& e) {
        std::fprintf(stderr, "ddpm %s: %s\n", command.c_str(),
                     ddpm::printable_message(e.what()).c_str());
        return 2;
    } catch (const std::length_error&) {  // a size no vector can take: the same cause
        std::fprintf(stderr,
                     "ddpm %s: a size too large to allocate; use smaller --n, --batch or "
                     "--hidden\n",
                     command.c_str());
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr,
                     "ddpm %s: out of memory (a limit such as ulimit -v, or sizes too large for "
                     "this machine); use smaller --n, --batch or --hidden\n",
                     command.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ddpm %s: %s\n", command.c_str(),
                     ddpm::printable_message(e.what()).c_str());
        return 1;
    }
}
