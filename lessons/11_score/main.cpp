// Lesson 11: the score field.
//
// The network predicts noise; rescaled, that is the score, the direction in which the noised data
// grows denser (Tweedie's formula; denoising score matching):
//   s_theta(x, t) = -eps_theta(x, t) / sqrt(1 - abar_t)          ~  grad_x log q(x_t)
// For a finite training set, q(x_t) is a mixture of one Gaussian per training point, so its score
// and the best possible eps are closed forms (the ideal denoiser, lib/likelihood/score.h). This
// lesson draws the learned field beside the exact one, measures where the network is furthest from
// it, samples with the exact one (it gives back the training points: it memorises) and with the
// learned score by Langevin dynamics, the bridge to score-based models.
//
// Train longer with:  EPOCHS=300000 make   (shorter: EPOCHS=15000 make, before it sets in)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "../lesson.h"
#include "core/gradcheck.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "fast/predict.h"
#include "io/progress.h"
#include "likelihood/score.h"
#include "score_figures.h"  // the score fields (section 3) and the samplers' figure

namespace {

const int kTrainPoints = 100;  // few enough that the mixture is resolved at the smallest noise

// The network's eps at n points, all at step t.
std::vector<float> network_eps(const ddpm::MLPDiffusion& model, const float* x, int n, int t) {
    std::vector<float> eps(2 * static_cast<size_t>(n));
    const std::vector<int> steps(n, t);
    ddpm::fast::predict_noise(model, eps.data(), x, steps.data(), n);
    return eps;
}

// The median distance from each point of `a` to its nearest point of `b`.
double median_nearest(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    std::vector<double> d(a.dim(0));
    for (int i = 0; i < a.dim(0); ++i) {
        double best = INFINITY;
        for (int j = 0; j < b.dim(0); ++j)
            best = std::min(
                best, std::hypot(double(a.at(i, 0)) - b.at(j, 0), double(a.at(i, 1)) - b.at(j, 1)));
        d[i] = best;
    }
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    return d[d.size() / 2];
}

// The sections main() runs, in its order; each is defined below main().
ddpm::Tensor ideal_samples(const ddpm::IdealDenoiser& ideal, const ddpm::Schedule& sched,  // 1
                           int m, const ddpm::SamplerOptions& opt, ddpm::Rng& rng);
void score_identity(const ddpm::IdealDenoiser& ideal, const ddpm::Schedule& sched,  // 2
                    lesson::Checks& check);
void error_by_step(const ddpm::MLPDiffusion& model, const ddpm::IdealDenoiser& ideal,  // 4
                   const ddpm::Schedule& sched, int n, ddpm::Rng& rng, lesson::Checks& check);
void langevin(const ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,  // 5
              ddpm::Tensor& x, int t, int iterations, ddpm::Rng& rng);

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    // The notebook's model and schedule on a small training set.
    ddpm::TrainConfig cfg;
    cfg.epochs = check.epochs(/*quick=*/10000, /*full=*/100000);  // one batch of 100 an epoch
    const uint64_t seed = 1234;
    const ddpm::Tensor train = ddpm::make_dataset("s_curve", kTrainPoints, seed);
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), seed);
    const ddpm::Schedule& sched = tr.sched;
    const ddpm::IdealDenoiser ideal(train);
    ddpm::Rng rng(11);
    const int m = check.quick ? 300 : 1000;
    const ddpm::Tensor fresh = ddpm::make_dataset("s_curve", m, 99);  // new points of the curve

    // 1. Memorisation: the distance from each sample to its nearest training point, for the ideal
    // denoiser's samples (the 100 % end: it gives back training points), the network's as
    // training goes on, and fresh points of the curve (0 %). Both samplers by DDPM's Algorithm
    // 2: noise at the last step would blur every sample by sqrt(1 - abar_0) = 0.0047.
    const ddpm::SamplerOptions alg2 = ddpm::SamplerOptions::algorithm2();
    const ddpm::Tensor x_ideal = ideal_samples(ideal, sched, m, alg2, rng);
    const double d_ideal = median_nearest(x_ideal, train), d_fresh = median_nearest(fresh, train);
    std::printf(
        "median distance to the nearest of the %d training points: fresh points of the curve "
        "%.4f, the ideal denoiser's samples %.4f (%.2f of fresh points': memorised)\n"
        "  epochs   the network's samples   / fresh points'  (above 1: off the curve; below 1: "
        "nearer the training points than the curve is)\n",
        kTrainPoints, d_fresh, d_ideal, d_ideal / d_fresh);
    // Training in stages (a run continued is bit-identical to one never stopped): 1,000, 3,000,
    // 10,000, ... epochs, and the last.
    std::vector<int> stages;
    for (int e = 1000; e < cfg.epochs; e *= 10)
        for (int k : {1, 3})
            if (k * e < cfg.epochs) stages.push_back(k * e);
    stages.push_back(cfg.epochs);
    std::vector<double> ratio;
    ddpm::Tensor x_net;
    for (int stage : stages) {
        tr.cfg.epochs = stage;
        tr.train(train, [](const ddpm::EpochReport&) { return true; });
        ddpm::Rng sample_rng(7);  // the same noise at every stage
        x_net = ddpm::p_sample_loop(tr.model, m, sched, sample_rng, alg2).frame(sched.num_steps);
        const double d_net = median_nearest(x_net, train);
        ratio.push_back(d_net / d_fresh);
        std::printf("  %6d   %10.4f              %6.2f\n", stage, d_net, d_net / d_fresh);
    }
    check.that(d_ideal < 0.25 * d_fresh,
               "the ideal denoiser memorises: its samples sit on training points");
    if (ratio.size() > 1)
        check.that(ratio.back() < ratio.front(),
                   "with training the network's samples move towards the training points");
    std::printf("%s\n", ratio.back() < 1
                            ? "the network's samples sit nearer the training points than fresh "
                              "points do: it has begun to copy them"
                            : "the network's samples sit no nearer the training points than "
                              "fresh points do: it has not begun to copy them");
    const ddpm::MLPDiffusion& model = tr.model;

    // 2. The ideal denoiser's eps is the score, against differences of log q.
    score_identity(ideal, sched, check);
    // 3. The learned and the exact fields (score_figures.h).
    field_figure(model, ideal, sched, rng);
    // 4. Where the network is furthest from the exact field.
    error_by_step(model, ideal, sched, check.quick ? 500 : 2000, rng, check);

    // 5. Langevin from points spread over the plane: at t = 10 alone, then annealed, level after
    // level from t = 99 down.
    ddpm::Tensor start({m, 2});
    for (size_t i = 0; i < start.size(); ++i) start[i] = rng.uniform(-0.3f, 0.3f);
    ddpm::Tensor fixed = start, annealed = start;
    langevin(model, sched, fixed, 10, 300, rng);
    for (int t = 99; t >= 0; t -= 9) langevin(model, sched, annealed, t, 30, rng);
    // Two measures: the sliced Wasserstein distance (the whole distribution, through 1-D
    // projections, which a blob and a curve of the same spread can share) and k-NN precision (the
    // share of samples that land where fresh points are).
    auto swd = [&](const ddpm::Tensor& x) { return ddpm::sliced_wasserstein(x, fresh); };
    auto precision = [&](const ddpm::Tensor& x) {
        return ddpm::knn_precision_recall(x, fresh).precision;
    };
    const double swd_start = swd(start), swd_annealed = swd(annealed);
    const ddpm::Tensor real_b = ddpm::make_dataset("s_curve", m, 100);
    std::printf(
        "\nagainst fresh S-curve points      sliced Wasserstein   precision\n"
        "  the noise floor                          %.4f      %.3f\n"
        "  the %d training points themselves       %.4f      %.3f\n"
        "  uniform start                            %.4f      %.3f\n"
        "  Langevin at t = 10, 300 steps            %.4f      %.3f\n"
        "  annealed Langevin, 12 levels x 30        %.4f      %.3f\n"
        "  the notebook's sampler (p_sample_loop)   %.4f      %.3f\n",
        swd(real_b), precision(real_b), kTrainPoints, swd(train), precision(train), swd_start,
        precision(start), swd(fixed), precision(fixed), swd_annealed, precision(annealed),
        swd(x_net), precision(x_net));
    check.that(swd_annealed < 0.5 * swd_start,
               "annealed Langevin with the learned score pulls points onto the curve");
    lesson::save_figure(samplers_figure({train, x_ideal, x_net, fixed, annealed}, kTrainPoints),
                        "samplers", lesson::Svg::on_request);
    std::printf("wrote samplers.png\n\n");
    return check.finish();
}

namespace {

// ---- 1. Memorisation ----------------------------------------------------------------------

// Sampling with the exact field: eps* in place of eps_theta, through the same step p_step.
ddpm::Tensor ideal_samples(const ddpm::IdealDenoiser& ideal, const ddpm::Schedule& sched, int m,
                           const ddpm::SamplerOptions& opt, ddpm::Rng& rng) {
    ddpm::Tensor x = ddpm::randn(m, 2, rng);
    std::vector<float> eps_star(2 * m);
    for (int t = sched.num_steps - 1; t >= 0; --t) {
        ideal.eps(eps_star.data(), x.data(), m, t, sched);
        ddpm::p_step(x.data(), eps_star.data(), 2 * m, t, sched, rng, opt);
    }
    return x;
}

// ---- 2. The score identity ---------------------------------------------------------------

// The ideal denoiser's eps is the score, rescaled: -eps* / sqrt(1 - abar) = grad log q, here
// against central differences of log q at one point.
void score_identity(const ddpm::IdealDenoiser& ideal, const ddpm::Schedule& sched,
                    lesson::Checks& check) {
    const int t = 30;
    float x[2] = {0.05f, 0.1f};
    float eps[2], score[2];
    ideal.eps(eps, x, 1, t, sched);
    ddpm::score_from_eps(score, eps, 2, t, sched);
    auto log_q = [&] {  // log q(x_t) at x
        double lp;
        ideal.log_density(&lp, x, 1, t, sched);
        return lp;
    };
    // grad log q by central differences (lib/core/gradcheck.h)
    const std::vector<double> numeric = ddpm::numerical_gradient(log_q, x, 2, 1e-4f);
    std::printf(
        "\nat t = 30, x = (0.05, 0.1): -eps*/sqrt(1 - abar) = (%.3f, %.3f), grad log q by "
        "differences = (%.3f, %.3f)\n",
        score[0], score[1], numeric[0], numeric[1]);
    check.near("the ideal denoiser's score vs the gradient of log q(x_t)",
               std::hypot(score[0] - numeric[0], score[1] - numeric[1]) /
                   std::hypot(numeric[0], numeric[1]),
               0, 1e-3);
}

// ---- 4. Where the network is furthest from the exact field ------------------------------------

// x_t ~ q(x_t) from the training points; the network's loss beside the best any network can reach
// on this set (the ideal denoiser's), and the two predictions' distance, relative to the ideal's
// size.
void error_by_step(const ddpm::MLPDiffusion& model, const ddpm::IdealDenoiser& ideal,
                   const ddpm::Schedule& sched, int n, ddpm::Rng& rng, lesson::Checks& check) {
    const ddpm::Tensor& train = ideal.points();
    std::printf(
        "\n   t   loss of eps_theta   loss of eps* (the floor)   |eps_theta - eps*|^2 / "
        "|eps*|^2\n");
    double worst = 0;
    int worst_t = 0;
    bool above_floor = true;
    for (int t : {0, 1, 2, 5, 10, 20, 50, 99}) {
        ddpm::Tensor x_0({n, 2}), eps({n, 2}), x_t({n, 2});
        for (int i = 0; i < n; ++i) {
            const int j = rng.randint(train.dim(0));
            x_0.at(i, 0) = train.at(j, 0);
            x_0.at(i, 1) = train.at(j, 1);
        }
        for (size_t i = 0; i < eps.size(); ++i) eps[i] = rng.normal();
        const std::vector<int> steps(n, t);
        ddpm::q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), n, 2, sched);
        const std::vector<float> net = network_eps(model, x_t.data(), n, t);
        std::vector<float> best(2 * n);
        ideal.eps(best.data(), x_t.data(), n, t, sched);
        double loss_net = 0, loss_best = 0, gap = 0, size = 0;
        for (int i = 0; i < 2 * n; ++i) {
            loss_net += (eps[i] - net[i]) * (eps[i] - net[i]) / (2.0 * n);
            loss_best += (eps[i] - best[i]) * (eps[i] - best[i]) / (2.0 * n);
            gap += (net[i] - best[i]) * (net[i] - best[i]);
            size += best[i] * best[i];
        }
        std::printf("%4d   %17.4f   %24.4f   %31.4f\n", t, loss_net, loss_best, gap / size);
        if (gap / size > worst) {
            worst = gap / size;
            worst_t = t;
        }
        above_floor = above_floor && loss_net >= 0.97 * loss_best;
    }
    std::printf("the network is furthest from the exact field at t = %d\n", worst_t);
    check.that(above_floor, "no step's loss is below the ideal denoiser's (it is the minimum)");
}

// ---- 5. Langevin dynamics -------------------------------------------------------------------

// The learned score at one noise level t, `iterations` times:
//      x <- x + delta / 2 * s_theta(x, t) + sqrt(delta) z,   delta = 0.1 (1 - abar_t)
void langevin(const ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, ddpm::Tensor& x, int t,
              int iterations, ddpm::Rng& rng) {
    const double delta = 0.1 * (1 - sched.alphas_prod[t]);
    std::vector<float> score(x.size());
    for (int k = 0; k < iterations; ++k) {
        const std::vector<float> eps = network_eps(model, x.data(), x.dim(0), t);
        ddpm::score_from_eps(score.data(), eps.data(), static_cast<int>(x.size()), t, sched);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] += static_cast<float>(0.5 * delta * score[i] + std::sqrt(delta) * rng.normal());
    }
}

}  // namespace
