// Lesson 07: sampling, the reverse process p_theta.
//
// Start from noise and walk back: at each step t = T-1 ... 0 the model predicts the noise in x_t,
// we remove the right share of it and add a little fresh noise (DDPM Algorithm 2):
//   mean    = (x_t - betas[t] / one_minus_alphas_bar_sqrt[t] * eps_theta(x_t, t))
//             / sqrt(1 - betas[t])
//   x_{t-1} = mean + sigma_t z
// In the notebook: p_sample and p_sample_loop.  Here: ddpm::p_sample(_loop) in
// lib/diffusion/sample.cpp.
//
// Train longer with:  EPOCHS=4000 make
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "render/plot.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    ddpm::TrainConfig cfg;
    cfg.epochs = check.epochs(/*quick=*/40, /*full=*/600);  // EPOCHS=4000 make: the notebook's
    const int n = check.quick ? 2000 : 10000;
    const uint64_t seed = 1234;
    ddpm::Tensor dataset = ddpm::make_dataset("s_curve", 10000, seed);
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), seed);
    const ddpm::Schedule& sched = tr.sched;
    std::printf(
        "training the notebook's model for %d epochs (EPOCHS=4000 for the notebook's run)...\n",
        cfg.epochs);
    ddpm::Progress progress;
    tr.train(dataset, [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;  // go on
    });
    progress.finish();
    ddpm::MLPDiffusion& model = tr.model;  // the notebook samples from the raw weights
    ddpm::Rng rng(7);

    // 1. One reverse step by hand, beside ddpm::p_sample.
    {
        const int t = 50;
        float x[2] = {0.3f, -0.1f}, eps[2];
        int steps[1] = {t};
        model.forward(eps, x, steps, 1);
        ddpm::Rng a(3), b(3);
        float z0 = a.normal(), z1 = a.normal();
        const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
        const float sigma = std::sqrt(sched.betas[t]);
        float by_hand[2] = {(x[0] - coeff * eps[0]) / std::sqrt(1 - sched.betas[t]) + sigma * z0,
                            (x[1] - coeff * eps[1]) / std::sqrt(1 - sched.betas[t]) + sigma * z1};
        float lib_eps[2];
        int t_buf[1];
        ddpm::p_sample(model, x, 1, t, sched, b, {}, lib_eps, t_buf);
        std::printf(
            "\none step at t = 50 from (0.3, -0.1): by hand (%.6f, %.6f), p_sample (%.6f, %.6f)\n",
            by_hand[0], by_hand[1], x[0], x[1]);
        check.near("p_sample vs the formula by hand",
                   std::fmax(std::fabs(by_hand[0] - x[0]), std::fabs(by_hand[1] - x[1])), 0, 1e-6);
    }

    // 2. The notebook's sampling: x_T ~ N(0, I), 100 steps, the whole trajectory x_seq.
    ddpm::Tensor x_seq = ddpm::p_sample_loop(model, n, sched, rng);
    std::printf("x_seq: %s (x_T first, the sample x_0 last)\n", x_seq.shape_str().c_str());
    lesson::save_figure(ddpm::reverse_panels(x_seq,
                                             "the reverse process p_\\theta(x_{t-1} | x_t): "
                                             "x\\_seq[10], x\\_seq[20], ..., x\\_seq[100]"),
                        "reverse", lesson::Svg::on_request);
    std::printf("wrote reverse.png\n\n");

    // 3. How good are the samples? Against a fresh sample of the S-curve, next to the noise floor
    //    (two true samples compared with each other).
    ddpm::Tensor real_a = ddpm::make_dataset("s_curve", n, 99),
                 real_b = ddpm::make_dataset("s_curve", n, 100);
    ddpm::QualityReport q = ddpm::evaluate_quality(x_seq.frame(100), real_a, real_b);
    std::printf("%s\n", ddpm::quality_table(q).c_str());
    ddpm::MLPDiffusion untrained;
    ddpm::Rng init(5);
    untrained.init(init);
    ddpm::Tensor junk = ddpm::p_sample_loop(untrained, n, sched, rng).frame(100);
    double junk_swd = ddpm::sliced_wasserstein(junk, real_a);
    std::printf("an untrained model's samples: sliced Wasserstein %.4f\n", junk_swd);
    check.that(q.model.swd < 0.5 * junk_swd,
               "trained samples are much closer to the S-curve than an untrained model's");

    // 4. The prior mismatch (quirk 1): with this schedule x_T = 0.88 x_0 + 0.47 eps, yet sampling
    //    starts from N(0, I), whose std is 1. Start instead from the true marginal q(x_T | x_0):
    ddpm::Tensor x_T_true = ddpm::q_x(dataset.slice(0, n), 99, sched, rng);
    ddpm::Tensor from_true = ddpm::p_sample_loop(model, x_T_true, sched, rng).frame(100);
    std::vector<double> sd_prior = ddpm::column_std(x_seq.frame(0)),
                        sd_true = ddpm::column_std(x_T_true);
    ddpm::QualityReport q_true = ddpm::evaluate_quality(from_true, real_a, real_b);
    std::printf(
        "\nprior mismatch: x_T from N(0, I) has std (%.2f, %.2f); the true x_T has std (%.2f, "
        "%.2f)\n",
        sd_prior[0], sd_prior[1], sd_true[0], sd_true[1]);
    std::printf("  start from N(0, I) (the notebook): sliced Wasserstein %.5f, precision %.3f\n",
                q.model.swd, q.model.precision);
    std::printf("  start from the true q(x_T):        sliced Wasserstein %.5f, precision %.3f\n",
                q_true.model.swd, q_true.model.precision);
    check.that(sd_prior[0] > 1.5 * sd_true[0],
               "N(0, I) is much wider than this schedule's true x_T");

    // 5. Other samplers on the same model: DDPM's Algorithm 2 as written (posterior variance, no
    //    noise at the last step), and DDIM with 20 steps (deterministic, eta = 0).
    const ddpm::SamplerOptions alg2 = ddpm::SamplerOptions::algorithm2();
    ddpm::Tensor x_T = ddpm::randn(n, 2, rng);
    ddpm::Tensor s_alg2 = ddpm::p_sample_loop(model, x_T, sched, rng, alg2).frame(100);
    ddpm::Tensor s_ddim = ddpm::ddim_sample_loop(model, x_T, sched, rng, 20, 0.0f).frame(20);
    std::printf(
        "\nsampler                                  sliced Wasserstein  precision  recall\n");
    auto row = [&](const char* name, const ddpm::Tensor& s) {
        ddpm::QualityReport r = ddpm::evaluate_quality(s, real_a, real_b);
        std::printf("%-40s %12.5f %12.3f %8.3f\n", name, r.model.swd, r.model.precision,
                    r.model.recall);
        return r;
    };
    row("notebook (sigma^2 = beta, noise at t=0)", x_seq.frame(100));
    ddpm::QualityReport r2 = row("DDPM Algorithm 2 (beta~, none at t=0)", s_alg2);
    row("DDIM, 20 steps, eta = 0", s_ddim);
    check.that(r2.model.swd < 0.5 * junk_swd, "Algorithm 2 samples are close to the S-curve too");
    std::printf("noise floor                              %12.5f %12.3f %8.3f\n\n", q.floor.swd,
                q.floor.precision, q.floor.recall);
    return check.finish();
}
