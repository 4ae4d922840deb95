// ddpm train: a model trained on a 2-D data set, the learner's points, or Fashion-MNIST's pictures
// (lesson 15), saved as a checkpoint; Ctrl-C or SIGTERM saves and stops, and --resume goes on bit
// for bit.
#include "commands.h"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "data/datasets.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "diffusion/train.h"
#include "fast/background.h"
#include "fast/parallel.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/fashion_mnist.h"
#include "io/memory.h"
#include "io/outputs.h"
#include "io/progress.h"
#include "render/pictures.h"
#include "render/plot.h"
#include "render/svg.h"

namespace ddpm_tool {

namespace {

// ddpm train's flags: name, value, range or choices, help and default, one row each.
const cli::Command kTrain = {
    "ddpm train [options]",
    "",
    {
        cli::text_flag("--dataset", "NAME",
                       "s_curve | swiss_roll | moons | circles | eight_gaussians | checkerboard | "
                       "gaussian (one correlated Gaussian) | fashion_mnist (pictures, from "
                       "Debian's dataset-fashion-mnist: lesson 15's model by default, as the "
                       "\"pictures:\" defaults below say)",
                       "s_curve"),
        cli::choice_flag("--size", "S", {"14", "28"},
                         "fashion_mnist: pictures of S x S pixels, %C (14: the 2 x 2 means)", "14"),
        cli::text_flag("--data", "FILE",
                       "your own 2-D points instead (.csv x,y or .npy (n, 2), at least 200): "
                       "centred and scaled so the larger per-axis std is 0.14; samples are "
                       "written back in your units"),
        cli::integer_flag("--n", "N", 16, 10000000,
                          "number of training points (default 10000; pictures: the first N of "
                          "the 60000, default all)"),
        cli::integer_flag("--epochs", "N", 0, 10000000,
                          "total epochs (default 4000, the notebook's; pictures: 4; 0 saves the "
                          "untrained model)"),
        cli::integer_flag("--batch", "N", 1, 1000000, "batch size", "128"),
        cli::number_flag("--lr", "X", 1e-8, 1.0, "Adam's learning rate", "1e-3"),
        cli::integer_flag("--steps", "T", 2, 100000, "diffusion steps", "100"),
        cli::text_flag("--schedule", "NAME",
                       "sigmoid | linear | linear_scaled (DDPM's betas scaled to T steps) | "
                       "quadratic | cosine (default sigmoid, the notebook's; pictures: "
                       "linear_scaled, whose x_T is noise)"),
        cli::integer_flag("--hidden", "N", 1, 4096,
                          "hidden units per layer (default 128; pictures: 512)"),
        cli::integer_flag("--depth", "N", 1, 16, "hidden blocks Linear -> +Emb[t] -> ReLU", "3"),
        cli::choice_flag("--embedding", "NAME", {"learned", "sinusoidal"},
                         "%C: a learned table per block (the notebook's), or one fixed table of "
                         "sines and cosines of t, no parameters",
                         "learned"),
        cli::choice_flag("--layer-norm", "on|off", {"on", "off"},
                         "a layer norm before each block's ReLU (lesson 15; default off; "
                         "pictures: on)"),
        cli::choice_flag("--skip", "on|off", {"on", "off"},
                         "a linear map of the input added to the output (lesson 15; default off; "
                         "pictures: on)"),
        cli::integer_flag("--fourier", "F", 0, 16,
                          "also feed sin and cos of 2^f pi x, f < F, to the first layer", "0"),
        cli::number_flag("--ema", "MU", 1e-6, 1.0,
                         "EMA weight of the new value (default %D, the notebook's mu)", "0.01"),
        cli::integer_flag("--seed", "N", 0, 2147483647L,
                          "seed of the data, the initialisation and the noise", "1234"),
        cli::integer_flag("--threads", "N", 0, 1024,
                          "threads (default %D: one per core); results are the same for any N",
                          "0"),
        cli::integer_flag("--sample-every", "K", 0, 10000000,
                          "every K epochs, as the notebook: print the loss, sample n points and "
                          "write DIR/reverse_EPOCH.png (default %D: never)",
                          "0"),
        cli::text_flag("--panels-dir", "DIR", "where those panels go (default %D; made if missing)",
                       "."),
        cli::choice_flag("--panels-format", "F", {"png", "svg"}, "%C", "png"),
        cli::text_flag("--out", "FILE", "the checkpoint", "model.ckpt"),
        cli::text_flag("--log", "FILE", "the mean loss of every epoch as CSV: epoch,mean_loss"),
        cli::text_flag("--loss-plot", "FILE", "the loss curve as a figure (.png or .svg)"),
        cli::text_flag("--objective", "NAME",
                       "what the network learns: eps (the notebook's) | x0 | v | flow (flow "
                       "matching: the straight path, sampled by euler or heun; lesson 14)",
                       "eps"),
        cli::integer_flag("--classes", "K", 0, 64,
                          "a conditional model of K classes of the data set (lesson 13): s_curve, "
                          "swiss_roll (K arcs), moons, circles (2), eight_gaussians (2, 4, 8), "
                          "fashion_mnist (10); default %D: no classes",
                          "0"),
        cli::number_flag("--p-uncond", "P", 0.0, 1.0,
                         "with --classes: label dropout, the share of labels trained as \"no "
                         "class\" for classifier-free guidance",
                         "0.1"),
        cli::number_flag("--guidance", "W", 0.0, 100.0,
                         "with --classes: the guidance weight ddpm sample uses by default "
                         "(default 1: the conditional model alone; pictures: 3)"),
        cli::choice_flag("--recipe", "NAME", {"notebook", "improved"},
                         "%C: the same training, and with improved ddpm sample then defaults to "
                         "the EMA weights with DDPM's Algorithm 2 (posterior variance, no noise at "
                         "the last step), which measured best (docs/experiments.md); default "
                         "notebook; pictures: improved"),
        cli::text_flag("--resume", "FILE",
                       "continue the run saved in FILE (its model, data and settings); --epochs "
                       "stays the total, so 10 done + --epochs 20 runs 10 more"),
    },
    "Ctrl-C (or SIGTERM) finishes the current step, saves the checkpoint and exits with status\n"
    "130 (143); resume with --resume. The result is bit-identical to an uninterrupted run.\n",
};

// Ctrl-C (SIGINT) and SIGTERM (timeout, systemd, docker stop) ask the training loop to stop after
// its current step; the run saves and exits with 128 + the signal (130, 143). Lock-free atomics
// are safe to set from a signal handler.
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
extern "C" void on_stop_signal(int sig) {
    g_signal = sig;
    g_interrupted = true;
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
    const char* settings[] = {
        "--dataset", "--data",     "--size",    "--n",     "--batch",     "--lr",
        "--steps",   "--schedule", "--hidden",  "--depth", "--embedding", "--layer-norm",
        "--skip",    "--fourier",  "--ema",     "--seed",  "--recipe",    "--objective",
        "--classes", "--p-uncond", "--guidance"};
    for (const char* flag : settings)
        if (args.has(flag))
            throw ddpm::UsageError(std::string(flag) +
                                   " cannot change when resuming (the run's settings come from " +
                                   resume + ")");
}

TrainRequest parse_train_flags(cli::Args& args) {
    TrainRequest request;
    request.resume = args.text("--resume");
    if (!request.resume.empty()) refuse_settings_when_resuming(args, request.resume);
    const std::string dataset = args.text("--dataset");
    const std::string data_file = args.text("--data");
    if (!data_file.empty() && args.has("--dataset"))
        throw ddpm::UsageError("give --dataset or --data, not both");
    if (!data_file.empty() && args.has("--n"))
        throw ddpm::UsageError("--n is the number of points in --data's file");
    // Pictures (lesson 15) change the defaults of the flags that say "pictures:".
    const bool pictures = dataset == ddpm::kFashionMnistName;
    if (!pictures && args.has("--size"))
        throw ddpm::UsageError("--size is the pictures' (--dataset fashion_mnist)");
    const int side = std::stoi(args.choice("--size"));
    request.run.dataset = data_file.empty() ? dataset : "file:" + data_file;
    request.run.dataset_n = static_cast<int>(args.integer_or("--n", pictures ? 0 : 10000));
    request.train.epochs = static_cast<int>(args.integer_or("--epochs", pictures ? 4 : 4000));
    request.train.batch = static_cast<int>(args.integer("--batch"));
    request.train.lr = static_cast<float>(args.number("--lr"));
    request.train.ema_mu = static_cast<float>(args.number("--ema"));
    request.model.num_steps = static_cast<int>(args.integer("--steps"));
    request.model.hidden = static_cast<int>(args.integer_or("--hidden", pictures ? 512 : 128));
    const std::string norm = args.choice("--layer-norm"), skip = args.choice("--skip");  // "": none
    request.model.norm = norm.empty() ? pictures : norm == "on";
    request.model.skip = skip.empty() ? pictures : skip == "on";
    if (pictures) request.model.dim = side * side;
    request.model.depth = static_cast<int>(args.integer("--depth"));
    request.model.fourier = static_cast<int>(args.integer("--fourier"));
    if (args.choice("--embedding") == "sinusoidal")
        request.model.embedding = ddpm::ModelConfig::Embedding::sinusoidal;
    request.schedule = args.has("--schedule") ? args.text("--schedule")
                       : pictures             ? "linear_scaled"
                                              : "sigmoid";
    request.run.recipe = args.has("--recipe") ? args.choice("--recipe")
                         : pictures           ? "improved"
                                              : "notebook";
    request.train.objective = ddpm::parse_objective(args.text("--objective"));
    request.model.num_classes = static_cast<int>(args.integer("--classes"));
    if (request.model.num_classes == 0 && (args.has("--p-uncond") || args.has("--guidance")))
        throw ddpm::UsageError("--p-uncond and --guidance are for a model with --classes K");
    if (request.model.num_classes > 0 && !data_file.empty())
        throw ddpm::UsageError("--classes labels a named data set (" +
                               std::string(ddpm::kLabelledDatasetNames) +
                               ", fashion_mnist); --data has no labels");
    if (pictures && request.model.num_classes != 0 &&
        request.model.num_classes != ddpm::kFashionClasses)
        throw ddpm::UsageError("--classes " + std::to_string(request.model.num_classes) +
                               ": fashion_mnist has 10 classes (give --classes 10, or none)");
    request.train.p_uncond = static_cast<float>(args.number("--p-uncond"));
    request.run.guidance = static_cast<float>(args.number_or("--guidance", pictures ? 3 : 1));
    request.seed = static_cast<uint64_t>(args.integer("--seed"));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads")));
    request.sample_every = static_cast<int>(args.integer("--sample-every"));
    request.panels_dir = args.text("--panels-dir");
    request.panels_format = args.choice("--panels-format");
    request.out = args.text("--out");
    request.log = args.text("--log");
    request.loss_plot = args.text("--loss-plot");
    if (!request.loss_plot.empty()) cli::check_figure_name("--loss-plot", request.loss_plot);
    args.finish();
    if (!args.positional().empty())
        throw ddpm::UsageError("unexpected argument '" + args.positional()[0] + "'");
    ddpm::check_fits_in_memory(ddpm::training_bytes(request.model, request.train),
                               "training with --hidden " + std::to_string(request.model.hidden) +
                                   " --depth " + std::to_string(request.model.depth) + " --batch " +
                                   std::to_string(request.train.batch),
                               "use a smaller --hidden, --depth, --steps or --batch");
    return request;
}

// A new run from the request, or the saved one with --resume (its total becomes --epochs).
ddpm::Checkpoint start_or_resume(const TrainRequest& request) {
    if (request.resume.empty()) {
        ddpm::Schedule sched = ddpm::Schedule::by_name(request.schedule, request.model.num_steps);
        return ddpm::Checkpoint{ddpm::Trainer(request.model, request.train, sched, request.seed),
                                request.run};
    }
    ddpm::Checkpoint checkpoint = ddpm::load_checkpoint(request.resume);
    checkpoint.trainer.cfg.epochs =
        request.train.epochs;  // the total, counted from the run's start
    return checkpoint;
}

// The learner's data file of a run ("file:PATH"), or "" for a named data set.
std::string data_file_of(const ddpm::RunInfo& run) {
    return run.dataset.rfind("file:", 0) == 0 ? run.dataset.substr(5) : "";
}

// The run's training data, and for a conditional model its labels; a learner's file must not
// have changed since a resumed run began.
ddpm::Tensor training_data(ddpm::Checkpoint& checkpoint, const std::string& resume,
                           std::vector<int>* labels) {
    ddpm::RunInfo& run = checkpoint.run;
    const int classes = checkpoint.trainer.model_cfg.num_classes;
    if (is_pictures(run)) {  // Fashion-MNIST's first dataset_n (0: all) training pictures
        const int side = picture_side(checkpoint.trainer.model_cfg);
        ddpm::ImageSet set = training_pictures(side, run.dataset_n);
        if (!resume.empty() && set.images.dim(0) != run.dataset_n)
            throw ddpm::Error("the fashion_mnist pictures changed since " + resume + " was saved");
        run.dataset_n = set.images.dim(0);
        if (classes > 0) *labels = std::move(set.labels);
        return set.images;
    }
    if (classes > 0) {
        ddpm::LabelledData d = ddpm::make_labelled_dataset(run.dataset, run.dataset_n, classes,
                                                           checkpoint.trainer.seed);
        *labels = std::move(d.labels);
        return d.points;
    }
    ddpm::Normalization norm;
    ddpm::Tensor data = run_data(run.dataset, run.dataset_n, checkpoint.trainer.seed, &norm);
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
void check_train_outputs(const TrainRequest& request, const std::string& data_file) {
    std::vector<ddpm::NamedPath> outputs = {{"--out", request.out}};
    if (!request.log.empty()) outputs.push_back({"--log", request.log});
    if (!request.loss_plot.empty()) outputs.push_back({"--loss-plot", request.loss_plot});
    if (request.sample_every)
        outputs.push_back(
            {"--panels-dir", request.panels_dir + "/reverse_0." + request.panels_format});
    std::vector<ddpm::NamedPath> inputs;
    if (!data_file.empty()) inputs.push_back({"--data", data_file});
    ddpm::check_outputs(outputs, inputs);
}

// A picture model's panel: 100 samples (ten of each class, guided by `guidance`, for a conditional
// model) by Algorithm 2 with x_0 clipped, as ddpm sample draws them, from a fixed seed, so the
// panels of successive epochs start from the same noise.
ddpm::Canvas pictures_panel(const ddpm::MLPDiffusion& model, ddpm::Objective objective,
                            const ddpm::Schedule& sched, float guidance, int epoch) {
    ddpm::SamplingModel loaded{model, sched, {}, "raw", objective};
    loaded.run.dataset = ddpm::kFashionMnistName;
    SampleRequest request;
    request.n = 100;
    request.sampler = "algorithm2";
    request.clip_x0 = 1;
    request.guidance = guidance;
    request.seed = 1;
    const ddpm::Tensor seq = draw_trajectory(request, loaded);
    const int side = picture_side(model.config());
    return ddpm::picture_grid_figure(
        seq.frame(seq.dim(0) - 1), side, 10, picture_row_labels(asked_classes(request, loaded), 10),
        "samples after epoch " + std::to_string(epoch) + " (Algorithm 2, x_0 clipped)");
}

// Trains to the end (or to Ctrl-C). Every --sample-every epochs: the loss is printed, the
// checkpoint saved, and the reverse process sampled and drawn on a second thread from a copy of
// that epoch's model while training goes on.
void run_training(ddpm::Checkpoint& checkpoint, const ddpm::Tensor& data,
                  const std::vector<int>& labels, const TrainRequest& request) {
    ddpm::Trainer& tr = checkpoint.trainer;
    ddpm::Progress progress;
    ddpm::Rng sample_rng(tr.seed, /*stream=*/0x5a3b1e);  // never disturbs training's stream
    ddpm::Background sampling;
    auto on_epoch = [&](const ddpm::EpochReport& r) {
        progress.update(r);
        if (!request.sample_every || (r.epoch % request.sample_every != 0 && r.epoch != r.epochs))
            return true;
        progress.finish();
        std::printf("epoch %d: loss %.4f (last batch)  mean %.4f\n", r.epoch, r.last_loss,
                    r.mean_loss);
        const std::string panels = request.panels_dir + "/reverse_" + std::to_string(r.epoch) +
                                   "." + request.panels_format;
        if (is_pictures(checkpoint.run)) {
            sampling.run([model = tr.model, objective = tr.cfg.objective, sched = tr.sched,
                          guidance = checkpoint.run.guidance, epoch = r.epoch, panels] {
                ddpm::save_figure(pictures_panel(model, objective, sched, guidance, epoch), panels);
            });
            ddpm::save_checkpoint(tr, checkpoint.run, request.out);
            return true;
        }
        const std::string title = "reverse process p_\\theta, epoch " + std::to_string(r.epoch);
        sampling.run([model = tr.model, objective = tr.cfg.objective, n = checkpoint.run.dataset_n,
                      sched = tr.sched, &sample_rng, panels, title] {
            const ddpm::Denoiser d{&model, objective};  // unconditional, the default sampler
            const ddpm::Tensor x_T = ddpm::randn(n, model.config().dim, sample_rng);
            const ddpm::Sampler how =
                ddpm::parse_sampler(objective == ddpm::Objective::flow ? "heun" : "notebook");
            const ddpm::Tensor seq = ddpm::sample(d, x_T, sched, sample_rng, how);
            ddpm::save_figure(ddpm::reverse_panels(seq, title), panels);
        });
        ddpm::save_checkpoint(tr, checkpoint.run,
                              request.out);  // a long run keeps its latest state on disk
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
                     request.out.c_str());
        throw;
    }
    progress.finish();
}

void write_train_outputs(const ddpm::Checkpoint& checkpoint, const TrainRequest& request) {
    const ddpm::Trainer& tr = checkpoint.trainer;
    ddpm::save_checkpoint(tr, checkpoint.run, request.out);
    if (!request.log.empty()) {
        std::string csv = "epoch,mean_loss\n";
        for (size_t i = 0; i < tr.epoch_loss.size(); ++i)
            csv += std::to_string(i + 1) + "," + std::to_string(tr.epoch_loss[i]) + "\n";
        ddpm::write_file_atomic(request.log, csv);
    }
    if (!request.loss_plot.empty() && !tr.epoch_loss.empty())
        ddpm::save_figure(ddpm::loss_chart(tr.epoch_loss), request.loss_plot);
}

}  // namespace

int train(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kTrain);
    if (args.help(kTrain)) return 0;  // --help: printed from the table
    const TrainRequest request = parse_train_flags(args);
    ddpm::Checkpoint checkpoint = start_or_resume(request);
    const ddpm::Trainer& tr = checkpoint.trainer;
    std::vector<int> labels;
    const ddpm::Tensor data = training_data(checkpoint, request.resume, &labels);
    check_train_outputs(request, data_file_of(checkpoint.run));
    const std::string classes = tr.model_cfg.num_classes > 0
                                    ? ", " + std::to_string(tr.model_cfg.num_classes) + " classes"
                                    : "";
    std::string what = " points";
    if (is_pictures(checkpoint.run)) {
        const std::string side = std::to_string(picture_side(tr.model_cfg));
        what = " pictures of " + side + " x " + side;
    }
    if (request.resume.empty())
        std::printf(
            "training %zu parameters on %s (%d%s%s), %d epochs, schedule %s, objective %s, "
            "seed %llu\n",
            tr.model.num_params(), checkpoint.run.dataset.c_str(), checkpoint.run.dataset_n,
            what.c_str(), classes.c_str(), tr.cfg.epochs, tr.sched.name.c_str(),
            ddpm::objective_name(tr.cfg.objective), static_cast<unsigned long long>(tr.seed));
    if (request.resume.empty() && (tr.model_cfg.norm || tr.model_cfg.skip))
        std::printf("  the model: %d blocks of %d%s%s (lesson 15)\n", tr.model_cfg.depth,
                    tr.model_cfg.hidden, tr.model_cfg.norm ? ", a layer norm before each ReLU" : "",
                    tr.model_cfg.skip ? ", a linear skip from input to output" : "");
    else
        std::printf("resuming %s after %d epochs (step %ld), of %d\n", request.resume.c_str(),
                    tr.epoch, static_cast<long>(tr.adam.t), tr.cfg.epochs);
    run_training(checkpoint, data, labels, request);
    write_train_outputs(checkpoint, request);
    if (g_interrupted) {
        std::printf(
            "interrupted at epoch %d, step %ld: saved %s; continue with\n"
            "  ddpm train --resume %s --out %s --epochs %d\n",
            tr.epoch + 1, static_cast<long>(tr.adam.t), request.out.c_str(), request.out.c_str(),
            request.out.c_str(), tr.cfg.epochs);
        return 128 + g_signal.load();
    }
    std::printf("final mean loss %.4f; wrote %s\n",
                tr.epoch_loss.empty() ? 0.0f : tr.epoch_loss.back(), request.out.c_str());
    return 0;
}

}  // namespace ddpm_tool
