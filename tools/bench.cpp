// make bench: speed figures for the reference configuration. Tests never assert timings; this
// prints them so a change can be measured (before and after, on the same machine).
#include <chrono>
#include <cstdio>
#include <functional>

#include <sys/resource.h>

#include "datasets.h"
#include "diffusion.h"
#include "io/atomic_file.h"
#include "render/animation.h"
#include "train.h"

namespace {

double seconds_of(const std::function<void()>& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The floating-point work of one training step of MLPDiffusion at batch B: each Linear(C, OC)
// costs 2·B·C·OC forward and twice that backward (din and dw), minus din of the first layer.
double step_flops(int B) {
    const double H = 128, fwd = 2.0 * B * (2 * H + H * H + H * H + H * 2);
    const double bwd = 2 * fwd - 2.0 * B * 2 * H;
    return fwd + bwd;
}

}  // namespace

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// Renders and encodes `frames` frames of 10,000 points at 480 x 360: the forward process of the
// S-curve, one q_x per frame, made when needed. Returns seconds; the GIF's size in *bytes.
double gif_run(int frames, const std::string& path, size_t* bytes) {
    ddpm::Tensor data = ddpm::make_dataset("s_curve", 10000, 3);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(frames);
    ddpm::Rng rng(4);
    ddpm::AnimationStyle style;  // 480 x 360, fixed limits from the noisiest frame
    style.limits = ddpm::limits_of(ddpm::q_x(data, frames - 1, sched, rng));
    double s = seconds_of([&] {
        ddpm::write_animation(frames, [&](int i) { return ddpm::q_x(data, i, sched, rng); },
                              [](int i) { return "q(x_" + std::to_string(i) + ")"; }, style, path);
    });
    *bytes = ddpm::read_file(path).size();
    std::remove(path.c_str());
    return s;
}

int main() {
    std::printf("ddpm-from-scratch benchmark (one thread)\n\n");
    size_t bytes = 0;
    double g50 = gif_run(50, "/tmp/ddpm-bench-50.gif", &bytes);
    long rss50 = peak_rss_kb();
    double g200 = gif_run(200, "/tmp/ddpm-bench-200.gif", &bytes);
    long rss200 = peak_rss_kb();
    std::printf("GIF, 10,000 points at 480x360: 200 frames in %.2f s (%.1f ms a frame), %.0f KB;\n"
                "  peak memory %ld MB after 50 frames (%.2f s), %ld MB after 200\n\n",
                g200, 1e3 * g200 / 200, bytes / 1024.0, rss50 / 1024, g50, rss200 / 1024);

    ddpm::Rng rng(1);
    ddpm::Tensor data = ddpm::make_s_curve(10000, 0.1f, rng);
    ddpm::TrainConfig cfg;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 1);
    ddpm::BatchLoader loader(data, cfg.batch);
    std::vector<float> batch(cfg.batch * 2);
    loader.shuffle(tr.rng);
    loader.batch(0, batch.data());
    for (int i = 0; i < 50; ++i) tr.step(batch.data(), cfg.batch);  // warm up

    const int steps = 2000;
    double s = seconds_of([&] {
        for (int i = 0; i < steps; ++i) tr.step(batch.data(), cfg.batch);
    });
    const double flops = step_flops(cfg.batch);
    std::printf("reference configuration, batch 128:\n");
    std::printf("training step:   %8.3f ms   %8.0f steps/s   %6.1f GFLOP/s (%.1f MFLOP a step)\n",
                1e3 * s / steps, steps / s, flops * steps / s / 1e9, flops / 1e6);
    cfg.epochs = 5;
    ddpm::Trainer epoch_run(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 2);
    double e = seconds_of([&] { epoch_run.train(data, nullptr); });
    std::printf("one epoch:       %8.3f s    (10,000 points, 79 steps; 4000 epochs: %.0f s)\n",
                e / cfg.epochs, 4000 * e / cfg.epochs);
    ddpm::Rng sample_rng(5);
    double p = seconds_of([&] { ddpm::p_sample_loop(tr.model, 10000, tr.sched, sample_rng); });
    std::printf("p_sample_loop:   %8.3f s    (10,000 points x 100 steps, %.1f GFLOP/s)\n", p,
                10000.0 * 100 * step_flops(1) / 3 / p / 1e9);
    return 0;
}
