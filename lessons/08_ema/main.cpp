// Lesson 08: the exponential moving average of the weights.
//
// Adam's last steps leave the weights jittering around a good point. Averaging the weights over
// the recent steps lands nearer that point. The notebook defines (but never uses, its quirk 2):
//   shadow = mu * x + (1 - mu) * shadow,   mu = 0.01
// updated after every optimiser step: a window of about 1/mu = 100 steps (1.3 epochs).
// Here: ddpm::EMA in lib/nn/optim.cpp, updated in Trainer::step; ddpm::ema_model samples from it.
//
// Train longer with:  EPOCHS=4000 make
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "../figures.h"
#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "render/plot.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    ddpm::TrainConfig cfg;                                  // ema_mu = 0.01, the notebook's
    cfg.epochs = check.epochs(/*quick=*/30, /*full=*/600);  // EPOCHS=4000 make: the notebook's
    const int n = check.quick ? 2000 : 10000;
    const uint64_t seed = 1234;
    ddpm::Tensor dataset = ddpm::make_dataset("s_curve", 10000, seed);
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), seed);
    std::printf("training for %d epochs, keeping the EMA of the weights (mu = %.2f)...\n",
                cfg.epochs, cfg.ema_mu);
    ddpm::Progress progress;
    tr.train(dataset, [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;  // go on
    });
    progress.finish();

    // 1. The EMA formula, by hand on the first few weights, beside EMA::update.
    ddpm::EMA ema(tr.model.params.data(), 3, 0.01f);
    float moved[3] = {1.0f, -2.0f, 0.5f};
    float want = 0.01f * moved[0] + 0.99f * tr.model.params[0];
    ema.update(moved);
    check.near("EMA update vs mu * x + (1 - mu) * shadow", ema.shadow[0], want, 1e-7);

    // 2. How far the averaged weights sit from the raw ones.
    double dist = 0, norm = 0;
    for (size_t i = 0; i < tr.model.num_params(); ++i) {
        double d = tr.model.params[i] - tr.ema.shadow[i];
        dist += d * d;
        norm += static_cast<double>(tr.model.params[i]) * tr.model.params[i];
    }
    std::printf("\n|raw - EMA| / |raw| = %.2e over %zu weights\n", std::sqrt(dist / norm),
                tr.model.num_params());

    // 3. The same sampler, the same noise, the two sets of weights.
    ddpm::MLPDiffusion raw = tr.model, averaged = ddpm::ema_model(tr);
    ddpm::Rng prior(11);
    ddpm::Tensor x_T = ddpm::randn(n, 2, prior);
    ddpm::Rng a(3), b(3);
    ddpm::Tensor s_raw = ddpm::p_sample_loop(raw, x_T, tr.sched, a).frame(100);
    ddpm::Tensor s_ema = ddpm::p_sample_loop(averaged, x_T, tr.sched, b).frame(100);
    ddpm::Tensor real_a = ddpm::make_dataset("s_curve", n, 99),
                 real_b = ddpm::make_dataset("s_curve", n, 100);
    ddpm::QualityReport q_raw = ddpm::evaluate_quality(s_raw, real_a, real_b);
    ddpm::QualityReport q_ema = ddpm::evaluate_quality(s_ema, real_a, real_b);
    std::printf("\nweights   sliced Wasserstein   MMD^2      precision  recall\n");
    std::printf("raw       %12.5f     %9.5f   %8.3f  %7.3f\n", q_raw.model.swd, q_raw.model.mmd,
                q_raw.model.precision, q_raw.model.recall);
    std::printf("EMA       %12.5f     %9.5f   %8.3f  %7.3f\n", q_ema.model.swd, q_ema.model.mmd,
                q_ema.model.precision, q_ema.model.recall);
    std::printf("floor     %12.5f     %9.5f   %8.3f  %7.3f\n\n", q_raw.floor.swd, q_raw.floor.mmd,
                q_raw.floor.precision, q_raw.floor.recall);

    ddpm::Limits lim = ddpm::merge(ddpm::limits_of(s_raw), ddpm::limits_of(s_ema));
    ddpm::Canvas fig =
        ddpm::panel_figure({s_raw, s_ema, real_a}, {"raw weights", "EMA weights", "true S-curve"},
                           1, 3, ddpm::ScatterStyle{1.5f}, &lim, 300, 320);
    lesson::save_figure(fig, "ema", lesson::Svg::on_request);
    std::printf("wrote ema.png (raw, EMA, truth; same limits)\n\n");
    // Both must be real samples of the curve; which is better depends on the run, and the table
    // says by how much.
    check.that(q_raw.model.swd < 10 * q_raw.floor.swd && q_ema.model.swd < 10 * q_ema.floor.swd,
               "raw and EMA samples are both within 10x the noise floor");
    return check.finish();
}
