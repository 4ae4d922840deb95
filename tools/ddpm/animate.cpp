// ddpm animate: the forward and reverse processes of a checkpoint as one GIF; a picture model's
// grid of samples coming out of noise.
#include "commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "data/datasets.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "fast/parallel.h"
#include "io/memory.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/weights.h"
#include "render/animation.h"
#include "render/pictures.h"

namespace ddpm_tool {

namespace {

// ddpm animate's flags: name, value, range or choices, help and default, one row each.
const cli::Command kAnimate = {
    "ddpm animate --model FILE [options]",
    "",
    rows({{
              cli::text_flag("--model", "FILE",
                             "a checkpoint written by ddpm train, or weights as .safetensors"),
              cli::text_flag("--out", "FILE", "the GIF", "diffusion.gif"),
              cli::integer_flag("--n", "N", 1, 1000000,
                                "points per frame (default 10000; pictures: 100, 10 a row)"),
              cli::choice_flag("--weights", "NAME", {"raw", "ema"},
                               "%C (default: raw; a .safetensors file: the weights it holds)"),
          },
          class_flags(),
          {
              clip_flag(),
              cli::integer_flag("--delay", "MS", 0, 655350, "time per frame", "100"),
              cli::integer_flag("--hold-last", "MS", 0, 655350, "extra time on the final sample",
                                "2000"),
              cli::integer_flag("--seed", "N", 0, 2147483647L,
                                "seed of the data, the forward noise and the sampler", "1234"),
              cli::integer_flag("--threads", "N", 0, 1024, "threads (default %D: one per core)",
                                "0"),
          },
          import_flags()}),
    "frames: q(x_t) for t = 0 ... T-1, then the reverse trajectory x_T ... x_0 (T + 1 frames);\n"
    "a flow-matching model: its straight path at T times, then T Euler steps back; a picture\n"
    "model: its grid of samples at every (T/20)-th step from x_T to x_0, drawn as ddpm sample\n"
    "draws them.\n",
};

// A picture model's grid of n samples (ddpm sample's defaults) at every (T/20)-th step from x_T,
// then the samples held.
int animate_pictures(SampleRequest& request, const ddpm::SamplingModel& loaded, int n,
                     uint64_t seed, const ddpm::AnimationStyle& style, const std::string& out) {
    request.n = n;
    request.seed = seed;
    request.prior = "standard";
    recipe_defaults(request, loaded.run.recipe);
    model_defaults(request, loaded);
    ddpm::check_outputs({{"--out", out}}, {{"--model", request.model_path}});
    const ddpm::Tensor seq = draw_trajectory(request, loaded);
    const int every = std::max(1, loaded.sched.num_steps / 20);
    const int delay_cs = std::max(2, style.delay_ms / 10),
              hold_cs = std::max(2, style.hold_last_ms / 10);
    const int frames = ddpm::write_picture_gif(seq, picture_side(loaded.model.config()), 10, 2,
                                               every, delay_cs, hold_cs, out);
    std::printf("wrote %s: %d frames of %d pictures (%s%s), every %d of %d steps\n", out.c_str(),
                frames, n, sampler_text(request).c_str(), class_text(request).c_str(), every,
                loaded.sched.num_steps);
    return 0;
}

}  // namespace

int animate(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kAnimate);
    if (args.help(kAnimate)) return 0;  // --help: printed from the table
    if (!args.has("--model")) throw ddpm::UsageError("animate needs --model FILE");
    const std::string model_path = args.text("--model"), out = args.text("--out");
    int n = static_cast<int>(args.integer_or("--n", 0));  // 0: the model's default
    std::string weights = args.choice("--weights");
    ddpm::AnimationStyle style;
    style.delay_ms = static_cast<int>(args.integer("--delay"));
    style.hold_last_ms = static_cast<int>(args.integer("--hold-last"));
    const uint64_t seed = static_cast<uint64_t>(args.integer("--seed"));
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads")));
    const ddpm::ImportSettings import = parse_import_flags(args);
    SampleRequest request;  // for the class flags and their checks
    request.model_path = model_path;
    parse_class_flags(args, request);
    parse_clip_flag(args, request);
    args.finish();
    if (!ddpm::has_extension(out, ".gif"))
        throw ddpm::UsageError("--out: expected a .gif file name");
    // A checkpoint animates its raw weights unless told (the notebook's); a .safetensors file, the
    // weights it holds.
    if (weights.empty() && !ddpm::has_extension(model_path, ".safetensors")) weights = "raw";
    const ddpm::SamplingModel loaded = ddpm::load_sampling_model(model_path, weights, import);
    if (n == 0) n = is_pictures(loaded.run) ? 100 : 10000;
    ddpm::check_fits_in_memory(
        ddpm::sampling_bytes(loaded.model.config(), static_cast<uint64_t>(n)),
        "animating " + std::to_string(n) + " points", "use a smaller --n");
    if (is_pictures(loaded.run)) return animate_pictures(request, loaded, n, seed, style, out);
    if (request.clip_x0 >= 0)
        throw ddpm::UsageError(
            "--clip-x0 is for a picture model; points are animated by the "
            "notebook's sampler as it stands");
    model_defaults(request, loaded);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}});
    ddpm::Normalization unused;
    const int K = loaded.model.config().num_classes;  // with --class, the forward frames its points
    const ddpm::Tensor dataset = request.label >= 0
                                     ? class_sample(loaded.run.dataset, K, request.label, n, seed)
                                     : run_data(loaded.run.dataset, n, seed, &unused);
    ddpm::Rng rng(seed, /*stream=*/0xa1);
    const ddpm::Denoiser d{&loaded.model, loaded.objective, request.label, request.guidance};
    const ddpm::Tensor x_T = ddpm::randn(n, loaded.model.config().dim, rng);
    style.points.radius = 1.5f;
    const bool flow = loaded.objective == ddpm::Objective::flow;
    const ddpm::Sampler how = ddpm::parse_sampler(flow ? "euler" : "notebook");  // a frame a step
    const ddpm::Tensor x_seq = ddpm::sample(d, x_T, loaded.sched, rng, how);
    ddpm::AnimationResult r =
        flow ? ddpm::write_flow_gif(dataset, x_seq, rng, style, out)
             : ddpm::write_diffusion_gif(dataset, x_seq, loaded.sched, rng, style, out);
    if (r.delay_raised)
        std::fprintf(stderr, "ddpm animate: note: delays under 20 ms were raised to 20 ms\n");
    std::printf("wrote %s: %d frames (%d forward, %d reverse including the final sample)\n",
                out.c_str(), r.frames, loaded.sched.num_steps, loaded.sched.num_steps + 1);
    return 0;
}

}  // namespace ddpm_tool
