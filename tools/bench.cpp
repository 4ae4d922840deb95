// make bench: speed figures for the reference configuration. Tests never assert timings; this
// prints them so a change can be measured (before and after, on the same machine).
#include <chrono>
#include <cstdio>
#include <functional>

#include "datasets.h"
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

int main() {
    std::printf("ddpm-from-scratch benchmark (reference configuration, batch 128, one thread)\n\n");
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
    std::printf("training step:   %8.3f ms   %8.0f steps/s   %6.1f GFLOP/s (%.1f MFLOP a step)\n",
                1e3 * s / steps, steps / s, flops * steps / s / 1e9, flops / 1e6);
    cfg.epochs = 5;
    ddpm::Trainer epoch_run(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 2);
    double e = seconds_of([&] { epoch_run.train(data, nullptr); });
    std::printf("one epoch:       %8.3f s    (10,000 points, 79 steps; 4000 epochs: %.0f s)\n",
                e / cfg.epochs, 4000 * e / cfg.epochs);
    return 0;
}
