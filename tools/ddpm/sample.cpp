// ddpm sample: samples of a checkpoint (or .safetensors weights) by any sampler of lib's vocabulary,
// as CSV or .npy, with the trajectory and the notebook's panels if asked.
#include "commands.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "data/datasets.h"
#include "fast/parallel.h"
#include "io/atomic_file.h"
#include "io/memory.h"
#include "io/npy.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/weights.h"
#include "render/markup.h"
#include "render/plot.h"
#include "render/svg.h"

namespace ddpm_tool {

namespace {

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

}  // namespace

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

}  // namespace ddpm_tool
