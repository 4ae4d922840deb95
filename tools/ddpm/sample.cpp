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

// ddpm sample's flags: name, value, range or choices, help and default, one row each.
const cli::Command kSample = {
    "ddpm sample --model FILE --out FILE [options]",
    "",
    rows({{
              cli::text_flag("--model", "FILE",
                             "a checkpoint written by ddpm train, or weights as .safetensors (ddpm "
                             "export's, or the notebook's: docs/notebook-and-back.md)"),
              cli::text_flag("--out", "FILE",
                             "samples.csv (header x,y) or samples.npy (float32, (n, 2))"),
              cli::integer_flag("--n", "N", 1, 10000000, "number of samples", "10000"),
              cli::text_flag("--sampler", "NAME",
                             "ddpm (default: --variance, --last-step-noise) | notebook | "
                             "algorithm2 (DDPM's Algorithm 2) | ddim | ode (the probability-flow "
                             "ODE by Heun's method, 2 network calls a step: lesson 12); a "
                             "flow-matching model: heun (default) | euler (lesson 14). ddim, ode, "
                             "heun and euler may name their steps, as ddim20"),
              cli::integer_flag("--sample-steps", "S", 1, 100000,
                                "the deterministic samplers' steps; the default gives each T "
                                "network calls (T the model's steps): ddim and euler T steps, ode "
                                "and heun T/2"),
              cli::choice_flag("--prior", "NAME", {"standard", "matched"},
                               "ddpm, ddim, ode: standard (N(0, I)) | matched (q(x_T)'s own mean "
                               "and covariance: a schedule that stops short of noise, lesson 12)",
                               "standard"),
          },
          class_flags(),
          {
              cli::number_flag("--eta", "E", 0.0, 1.0,
                               "DDIM's noise, 0 (deterministic, default) .. 1"),
              cli::choice_flag("--variance", "NAME", {"beta", "posterior"},
                               "DDPM's step variance: %C"),
              cli::choice_flag("--last-step-noise", "on|off", {"on", "off"},
                               "noise at the last DDPM step"),
              cli::choice_flag("--weights", "NAME", {"raw", "ema"},
                               "%C (a .safetensors file holds one of them). Defaults: the "
                               "checkpoint's recipe (ddpm train --recipe): the notebook's beta, "
                               "on, raw; the improved recipe's posterior, off, ema"),
              cli::integer_flag("--seed", "N", 0, 2147483647L, "seed of the sampler's noise", "1"),
              cli::integer_flag("--threads", "N", 0, 1024,
                                "threads (default %D: one per core); results are the same for "
                                "any N",
                                "0"),
              cli::text_flag("--trajectory", "FILE",
                             "also write every step, (frames, n, 2), as .npy"),
              cli::text_flag("--panels", "FILE",
                             "also draw the notebook's 10 reverse-process panels (.png or .svg)"),
          },
          import_flags()}),
    "",
};

SampleRequest parse_sample_flags(cli::Args& args) {
    if (!args.has("--model")) throw ddpm::UsageError("sample needs --model FILE");
    if (!args.has("--out")) throw ddpm::UsageError("sample needs --out FILE (.csv or .npy)");
    SampleRequest rq;
    rq.model_path = args.text("--model");
    rq.out = args.text("--out");
    rq.n = static_cast<int>(args.integer("--n"));
    rq.sampler = parse_sampler_flag(args);  // "": the model's (model_defaults)
    parse_class_flags(args, rq);
    rq.variance = args.choice("--variance");
    rq.last_noise = args.choice("--last-step-noise");
    rq.ddpm_settings_given = !rq.variance.empty() || !rq.last_noise.empty();
    rq.weights = args.choice("--weights");
    rq.seed = static_cast<uint64_t>(args.integer("--seed"));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads")));
    rq.trajectory = args.text("--trajectory");
    rq.panels = args.text("--panels");
    if (!rq.panels.empty()) cli::check_figure_name("--panels", rq.panels);
    rq.have_steps = args.has("--sample-steps");
    rq.steps = static_cast<int>(args.integer_or("--sample-steps", 0));
    rq.eta = static_cast<float>(args.number_or("--eta", 0.0));
    rq.prior = args.choice("--prior");
    rq.import = parse_import_flags(args);
    args.finish();
    check_points_out(rq.out);
    if (!rq.trajectory.empty() && !ddpm::has_extension(rq.trajectory, ".npy"))
        throw ddpm::UsageError("--trajectory: expected a .npy file name");
    return rq;
}

}  // namespace

int sample(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kSample);
    if (args.help(kSample)) return 0;  // --help: printed from the table
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
