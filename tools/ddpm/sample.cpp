// ddpm sample: samples of a checkpoint (or .safetensors weights) by any sampler of lib's vocabulary,
// as CSV or .npy, with the trajectory and the notebook's panels if asked; a picture model's as a
// grid (PNG or SVG) or .npy.
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
#include "render/pictures.h"
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
                             "samples.csv (header x,y) or samples.npy (float32, (n, 2)); a "
                             "picture model's: samples.png (or .svg; a grid, a row a class for "
                             "each class in turn, else 10 a row) or "
                             "samples.npy ((n, 196 or 784), -1 black to 1 white)"),
              cli::integer_flag("--n", "N", 1, 10000000,
                                "number of samples (default 10000; pictures: 100)"),
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
              clip_flag(),
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

// A picture grid's name: .png or .svg.
bool is_grid_name(const std::string& out) {
    return ddpm::has_extension(out, ".png") || ddpm::has_extension(out, ".svg");
}

// What a picture model may write and a point model may not, and back; --n's default for each.
void check_for_model(SampleRequest& request, const ddpm::SamplingModel& loaded) {
    const bool pictures = is_pictures(loaded.run);
    if (request.n == 0) request.n = pictures ? 100 : 10000;
    if (!pictures && is_grid_name(request.out))
        throw ddpm::UsageError("--out " + request.out +
                               ": a grid of pictures is a picture "
                               "model's; " +
                               request.model_path + " draws points (.csv or .npy)");
    if (pictures && !ddpm::has_extension(request.out, ".npy") && !is_grid_name(request.out))
        throw ddpm::UsageError("--out " + request.out + ": " + request.model_path +
                               " draws pictures: give a grid (.png or .svg) or .npy");
    if (pictures && !request.panels.empty())
        throw ddpm::UsageError(
            "--panels draws points; a picture model's way out of noise is "
            "ddpm animate's GIF");
}

SampleRequest parse_sample_flags(cli::Args& args) {
    if (!args.has("--model")) throw ddpm::UsageError("sample needs --model FILE");
    if (!args.has("--out"))
        throw ddpm::UsageError("sample needs --out FILE (.csv or .npy; .png for pictures)");
    SampleRequest request;
    request.model_path = args.text("--model");
    request.out = args.text("--out");
    request.n = static_cast<int>(args.integer_or("--n", 0));  // 0: the model's (sample())
    request.sampler = parse_sampler_flag(args);               // "": the model's (model_defaults)
    parse_class_flags(args, request);
    parse_clip_flag(args, request);
    request.variance = args.choice("--variance");
    request.last_noise = args.choice("--last-step-noise");
    request.ddpm_settings_given = !request.variance.empty() || !request.last_noise.empty();
    request.weights = args.choice("--weights");
    request.seed = static_cast<uint64_t>(args.integer("--seed"));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads")));
    request.trajectory = args.text("--trajectory");
    request.panels = args.text("--panels");
    if (!request.panels.empty()) cli::check_figure_name("--panels", request.panels);
    request.have_steps = args.has("--sample-steps");
    request.steps = static_cast<int>(args.integer_or("--sample-steps", 0));
    request.eta = static_cast<float>(args.number_or("--eta", 0.0));
    request.prior = args.choice("--prior");
    request.import = parse_import_flags(args);
    args.finish();
    if (!is_grid_name(request.out)) check_points_out(request.out);
    if (!request.trajectory.empty() && !ddpm::has_extension(request.trajectory, ".npy"))
        throw ddpm::UsageError("--trajectory: expected a .npy file name");
    return request;
}

}  // namespace

int sample(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kSample);
    if (args.help(kSample)) return 0;  // --help: printed from the table
    SampleRequest request = parse_sample_flags(args);
    const ddpm::SamplingModel loaded =
        ddpm::load_sampling_model(request.model_path, request.weights, request.import);
    request.weights = loaded.weights;
    check_for_model(request, loaded);
    recipe_defaults(request, loaded.run.recipe);
    model_defaults(request, loaded);
    note_prior_mismatch(request, loaded);
    ddpm::check_fits_in_memory(
        ddpm::sampling_bytes(loaded.model.config(), static_cast<uint64_t>(request.n)),
        "sampling " + std::to_string(request.n) + " points", "use a smaller --n");
    std::vector<ddpm::NamedPath> outputs = {{"--out", request.out}};
    if (!request.trajectory.empty()) outputs.push_back({"--trajectory", request.trajectory});
    if (!request.panels.empty()) outputs.push_back({"--panels", request.panels});
    ddpm::check_outputs(outputs, {{"--model", request.model_path}});
    ddpm::Tensor seq = draw_trajectory(request, loaded);
    const bool pictures = is_pictures(loaded.run);
    if (!pictures)
        ddpm::denormalize_points(seq, loaded.run.data_norm);  // the data's units (--data)
    const ddpm::Tensor samples = seq.frame(seq.dim(0) - 1);
    if (!ddpm::all_finite(samples)) throw ddpm::Error("sampling produced NaN or infinite values");
    const std::string how = sampler_text(request) + class_text(request);
    // All outputs as one: none replaced unless all were written.
    std::vector<ddpm::FileBytes> files;
    if (is_grid_name(request.out)) {
        // Ten a row; each class in turn, as many a row as each class has (up to 20): a row a class.
        const int K = loaded.model.config().num_classes;
        const bool class_rows =
            request.classes_in_turn && request.n % K == 0 && request.n / K <= 20;
        const int columns = class_rows ? request.n / K : 10;
        const ddpm::Canvas grid = ddpm::picture_grid_figure(
            samples, picture_side(loaded.model.config()), columns,
            picture_row_labels(asked_classes(request, loaded), columns),
            ddpm::markup_escape(std::to_string(request.n) + " samples of " + request.model_path +
                                " (" + how + ")"));
        files.push_back({request.out, ddpm::figure_bytes(grid, request.out)});
    } else {
        files.push_back({request.out, ddpm::points_bytes(samples, request.out)});
    }
    if (!request.trajectory.empty()) files.push_back({request.trajectory, ddpm::npy_bytes(seq)});
    if (!request.panels.empty()) {
        const ddpm::Canvas panels = ddpm::reverse_panels(
            seq, "reverse process p_\\theta (" + ddpm::markup_escape(request.sampler) + ", " +
                     ddpm::markup_escape(request.weights) + " weights)");
        files.push_back({request.panels, ddpm::figure_bytes(panels, request.panels)});
    }
    ddpm::write_files_atomic(files);
    // With the samples on standard output, the report goes to standard error.
    std::FILE* report = ddpm::is_standard_output(request.out) ? stderr : stdout;
    std::fprintf(report, "wrote %d samples to %s (%s, %d steps, %s weights; recipe %s)%s%s\n",
                 request.n, output_name(request.out).c_str(), how.c_str(), seq.dim(0) - 1,
                 request.weights.c_str(), loaded.run.recipe.c_str(),
                 request.trajectory.empty() ? "" : " and the trajectory to ",
                 request.trajectory.c_str());
    return 0;
}

}  // namespace ddpm_tool
