// Lesson 09: the animation. Forward, the S-curve dissolves into noise; backward, the trained
// model carves it out again.
//
// The notebook's GIF: 100 forward frames q(x_t), t = 0 ... 99, then 100 reverse frames x_seq[i],
// 100 ms a frame, looping. Its reverse half stops at x_seq[99] and never shows the final sample
// x_seq[100] (quirk 3), and comes from the sampling at epoch 3900, not the final model (quirk 9).
// Here: the final model's whole trajectory, x_T ... x_0, and the last frame held for 2 seconds.
// The GIF is written by lib/render/gif.cpp (by hand: LZW, colour table, frames), through
// ddpm::write_animation in lib/render/animation.cpp.
//
// Train longer with:  EPOCHS=4000 make
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../lesson.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/atomic_file.h"
#include "io/progress.h"
#include "render/animation.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    ddpm::TrainConfig cfg;
    cfg.epochs = check.epochs(/*quick=*/20, /*full=*/600);  // EPOCHS=4000 make: the notebook's
    const int n = check.quick ? 1000 : 10000, T = 100;
    const uint64_t seed = 1234;
    ddpm::Tensor dataset = ddpm::make_dataset("s_curve", n, seed);
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(T), seed);
    std::printf("training for %d epochs...\n", cfg.epochs);
    ddpm::Progress progress;
    tr.train(dataset, [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;  // go on
    });
    progress.finish();

    // The reverse trajectory of the final model: 101 frames, x_T first, the sample x_0 last.
    ddpm::Rng rng(42);
    ddpm::Tensor x_seq = ddpm::p_sample_loop(tr.model, n, tr.sched, rng);

    // 201 frames: forward t = 0 ... 99, each made when needed with one q_x, then x_seq[0 ... 100].
    // ddpm::write_diffusion_gif (lib/render/animation.cpp) is these few lines:
    //   points(i) = i < T ? q_x(dataset, i) : x_seq[i - T]
    //   title(i)  = i < T ? "forward q(x_i)" : "reverse p(x_{2T - i})"
    //   write_animation(2T + 1 frames, points, title, style, "diffusion.gif")
    ddpm::AnimationStyle style;
    style.delay_ms = 100;
    style.hold_last_ms = 2000;
    style.points.radius = 1.5f;
    ddpm::AnimationResult r =
        ddpm::write_diffusion_gif(dataset, x_seq, tr.sched, rng, style, "diffusion.gif");
    std::string bytes = ddpm::read_file("diffusion.gif");
    std::printf("wrote diffusion.gif: %d frames, %.0f KB, 100 ms a frame, the last held 2 s\n\n",
                r.frames, bytes.size() / 1024.0);

    check.that(r.frames == 201, "201 frames: 100 forward, 101 reverse including the final sample");
    check.that(bytes.compare(0, 6, "GIF89a") == 0 && bytes.back() == ';', "a complete GIF89a file");
    check.that(bytes.find("NETSCAPE2.0") != std::string::npos, "it loops (NETSCAPE2.0 block)");
    return check.finish();
}
