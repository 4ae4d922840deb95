// Lesson 13: conditioning, and classifier-free guidance.
//
// The network gets a third input, the class: a learned row per class added in every block, like
// the step's (lib/nn/model.h), and one more row that means "no class". Training drops each label to
// "no class" with probability 0.1 (label dropout), so one network learns both the conditional
// eps(x_t, t, c) and the unconditional eps(x_t, t). Sampling mixes the two:
//   eps = eps_uncond + w (eps_cond - eps_uncond)
// w = 0 ignores the class, w = 1 is the conditional model, w > 1 overshoots it. Section 3 writes
// the mix and a guided reverse step out and checks them against lib bit for bit; section 4
// measures what w buys and costs, class by class: precision (the samples lie on their class's part
// of the data) against recall (they cover all of it).
//
// The data: the notebook's S-curve, cut by its parameter into three arcs, three classes.
// Train longer with:  EPOCHS=4000 make
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/guidance.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "sweep_figure.h"  // what one w gives (SweepRow), and the figure of the sweep

namespace {

const int kTrainPoints = 4000;
const std::vector<float> kWeights = {0, 1, 2, 4, 8};

// The sections main() runs, in its order; each is defined below main().
ddpm::Trainer train_conditional(const ddpm::LabelledData& data, int epochs);     // 2
void guided_step_by_hand(ddpm::MLPDiffusion model, const ddpm::Schedule& sched,  // 3
                         lesson::Checks& check);
std::vector<SweepRow> guidance_sweep(const ddpm::MLPDiffusion& model,  // 4
                                     const ddpm::Schedule& sched, const ddpm::LabelledData& truth,
                                     const ddpm::LabelledData& truth_b, int n);

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();
    const int epochs = check.epochs(150, 400);
    const int n_eval = check.quick ? 300 : 1000;

    // 1. The labelled data: three arcs of the S-curve.
    const ddpm::LabelledData data =
        ddpm::make_labelled_dataset("s_curve", kTrainPoints, kClasses, 1234);
    int count[kClasses] = {0, 0, 0};
    for (int c : data.labels) ++count[c];
    std::printf("the S-curve in %d classes by its parameter: %s %d, %s %d, %s %d points\n",
                kClasses, kClassName[0], count[0], kClassName[1], count[1], kClassName[2],
                count[2]);

    // 2. One network for p(x | c) and p(x): the notebook's, with class rows, and label dropout.
    const ddpm::Trainer tr = train_conditional(data, epochs);
    const ddpm::MLPDiffusion model = ddpm::ema_model(tr);

    // 3. The guided mix and one guided reverse step, by hand, against lib.
    guided_step_by_hand(model, tr.sched, check);

    // 4. The sweep over w, against fresh labelled points.
    const ddpm::LabelledData truth =
        ddpm::make_labelled_dataset("s_curve", 3 * n_eval, kClasses, 99);
    const ddpm::LabelledData truth_b =
        ddpm::make_labelled_dataset("s_curve", 3 * n_eval, kClasses, 100);
    const std::vector<SweepRow> rows = guidance_sweep(model, tr.sched, truth, truth_b, n_eval);

    // 5. The figure (sweep_figure.h).
    lesson::save_figure(sweep_figure(rows, truth), "guidance", lesson::Svg::on_request);
    std::printf("wrote guidance.png\n\n");

    const SweepRow &w0 = rows[0], &w1 = rows[1], &w4 = rows[3], &w8 = rows[4];
    check.that(w0.mean(w0.on_class) < 0.6,
               "w = 0 ignores the class: the samples spread over every arc");
    check.that(w1.mean(w1.on_class) > 0.85, "w = 1, the conditional model: on their own arc");
    check.that(w4.mean(w4.precision) > w0.mean(w0.precision) &&
                   w4.mean(w4.precision) >= w1.mean(w1.precision) - 0.01,
               "more guidance, more precision (w = 4 against w = 0 and w = 1)");
    check.that(w8.mean(w8.recall) < w1.mean(w1.recall),
               "strong guidance costs recall: w = 8 covers its arc less than w = 1");
    check.that(w4.mean(w4.swd_ratio) > 2 * w1.mean(w1.swd_ratio) &&
                   w4.mean(w4.precision) > w1.mean(w1.precision),
               "guidance moves the mass along the arc: at w = 4 the sliced Wasserstein over its "
               "floor is more than twice w = 1's, while its precision is higher");
    return check.finish();
}

namespace {

// ---- 2. Training with label dropout --------------------------------------------------------

ddpm::Trainer train_conditional(const ddpm::LabelledData& data, int epochs) {
    ddpm::ModelConfig mc;
    mc.num_classes = kClasses;
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    cfg.p_uncond = 0.1f;  // each label dropped to "no class" with this probability
    ddpm::Trainer tr(mc, cfg, ddpm::Schedule::sigmoid(100), 1234);
    std::printf(
        "training %zu parameters (72,066 + %d class rows of 128 in each of 3 blocks), "
        "%d epochs, label dropout %.1f...\n",
        tr.model.num_params(), kClasses + 1, epochs, cfg.p_uncond);
    ddpm::Progress progress;
    tr.train(data.points, data.labels, [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;
    });
    progress.finish();
    return tr;
}

// ---- 3. The guided mix and a guided step, by hand -------------------------------------------

// At step t, for points x of class k with weight w: the network twice (with the class, and with
// "no class"), the mix, then DDPM's Algorithm 2 step (Eq. 11, sigma^2 = beta~) with the mixed eps.
// Each checked against lib's guided Denoiser, bit for bit.
void guided_step_by_hand(ddpm::MLPDiffusion model, const ddpm::Schedule& sched,
                         lesson::Checks& check) {
    const int n = 256, t = 40, k = 2;
    const float w = 3.0f;
    ddpm::Rng rng(5);
    const ddpm::Tensor x_t = ddpm::randn(n, 2, rng);
    const std::vector<int> steps(n, t), labels(n, k);
    ddpm::Conditioning with_class;
    with_class.t = steps.data();
    with_class.c = labels.data();
    ddpm::Conditioning no_class;  // c = null: the "no class" row
    no_class.t = steps.data();
    std::vector<float> eps_cond(2 * n), eps_uncond(2 * n), eps(2 * n);
    model.forward(eps_cond.data(), x_t.data(), with_class, n);  // eps(x_t, t, c = k)
    model.forward(eps_uncond.data(), x_t.data(), no_class, n);  // eps(x_t, t)
    for (int i = 0; i < 2 * n; ++i)
        eps[i] = eps_uncond[i] + w * (eps_cond[i] - eps_uncond[i]);  // the guided mix

    // lib's: a Denoiser asked for class k at weight w (lib/diffusion/denoiser.cpp, guidance.cpp)
    const ddpm::Denoiser d{&model, ddpm::Objective::eps, k, w};
    std::vector<float> lib_eps(2 * n);
    ddpm::predict_eps(d, lib_eps.data(), x_t.data(), t, n, sched);
    check.that(std::memcmp(eps.data(), lib_eps.data(), eps.size() * sizeof(float)) == 0,
               "the guided mix by hand = lib's guided Denoiser, bit for bit (w = 3, class 2)");

    // One reverse step with the guided eps: Eq. 11's mean, then sigma z with sigma^2 = beta~.
    const float beta = sched.betas[t];
    const float coeff = beta / sched.one_minus_alphas_bar_sqrt[t];  // beta_t / sqrt(1 - abar_t)
    const float scale = 1.0f / std::sqrt(1.0f - beta);              // 1 / sqrt(alpha_t)
    const float sigma = std::sqrt((1.0f - sched.alphas_prod_p[t]) / (1.0f - sched.alphas_prod[t]) *
                                  beta);  // beta~_t, DDPM Eq. 7
    ddpm::Rng noise(6), lib_noise(6);
    std::vector<float> x(x_t.data(), x_t.data() + 2 * n);
    for (int i = 0; i < 2 * n; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);  // mu_theta(x_t, t), Eq. 11
        x[i] = mean + sigma * noise.normal();                // x_{t-1}
    }
    std::vector<float> lib_x(x_t.data(), x_t.data() + 2 * n), scratch(2 * n);
    ddpm::p_sample(d, lib_x.data(), n, t, sched, lib_noise, ddpm::SamplerOptions::algorithm2(),
                   scratch.data());
    check.that(std::memcmp(x.data(), lib_x.data(), x.size() * sizeof(float)) == 0,
               "a guided reverse step by hand = lib's p_sample with that Denoiser, bit for bit");
}

// ---- 4. The sweep over w --------------------------------------------------------------------

// The share of samples whose nearest true point (of any class) is of class k: do they land on
// their own arc?
double on_class_share(const ddpm::Tensor& samples, const ddpm::LabelledData& truth, int k) {
    int hits = 0;
    for (int i = 0; i < samples.dim(0); ++i) {
        float best = 1e30f;
        int label = -1;
        for (int j = 0; j < truth.points.dim(0); ++j) {
            const float dx = samples.at(i, 0) - truth.points.at(j, 0);
            const float dy = samples.at(i, 1) - truth.points.at(j, 1);
            if (dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                label = truth.labels[j];
            }
        }
        hits += label == k;
    }
    return static_cast<double>(hits) / samples.dim(0);
}

// Algorithm 2 from the EMA weights (the improved recipe of lesson 10), n points of class k: the
// loop of section 3's step over every t (exercise 13 writes it out).
ddpm::Tensor sample_class(const ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, int k,
                          float w, int n, ddpm::Rng& rng) {
    const ddpm::SamplerOptions alg2 = ddpm::SamplerOptions::algorithm2();
    const ddpm::Denoiser d{&model, ddpm::Objective::eps, k, w};
    const ddpm::Tensor seq = ddpm::p_sample_loop(d, ddpm::randn(n, 2, rng), sched, rng, alg2);
    return seq.frame(sched.num_steps);
}

std::vector<SweepRow> guidance_sweep(const ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,
                                     const ddpm::LabelledData& truth,
                                     const ddpm::LabelledData& truth_b, int n) {
    std::vector<SweepRow> rows;
    ddpm::Rng rng(7);
    // Sliced Wasserstein weighs where along its arc the mass sits, which the k-NN measures (is
    // each sample near a real one, is each real one near a sample) do not see: over its floor,
    // two fresh sets of the class.
    double floor[kClasses];
    for (int k = 0; k < kClasses; ++k)
        floor[k] =
            ddpm::sliced_wasserstein(ddpm::class_points(truth_b, k), ddpm::class_points(truth, k));
    std::printf(
        "\nguidance sweep: %d samples per class; precision and recall (k-NN, k = 5) and sliced "
        "Wasserstein over its floor, against the class's own points\n"
        "        on its own arc (share)     precision, mean (by class)   recall, mean (by class)"
        "   SWD / floor, mean (by class)\n"
        "   w    %-6.6s  %-6.6s  %-6.6s\n",
        n, kClassName[0], kClassName[1], kClassName[2]);
    for (float w : kWeights) {
        SweepRow row;
        row.w = w;
        for (int k = 0; k < kClasses; ++k) {
            row.samples.push_back(sample_class(model, sched, k, w, n, rng));
            const ddpm::PrecisionRecall pr =
                ddpm::knn_precision_recall(row.samples[k], ddpm::class_points(truth, k));
            row.on_class[k] = on_class_share(row.samples[k], truth, k);
            row.precision[k] = pr.precision;
            row.recall[k] = pr.recall;
            row.swd_ratio[k] =
                ddpm::sliced_wasserstein(row.samples[k], ddpm::class_points(truth, k)) / floor[k];
        }
        std::printf(
            "%4.0f    %.2f    %.2f    %.2f      %.3f (%.2f %.2f %.2f)     %.3f (%.2f %.2f %.2f)"
            "     %5.1f (%.1f %.1f %.1f)\n",
            w, row.on_class[0], row.on_class[1], row.on_class[2], row.mean(row.precision),
            row.precision[0], row.precision[1], row.precision[2], row.mean(row.recall),
            row.recall[0], row.recall[1], row.recall[2], row.mean(row.swd_ratio), row.swd_ratio[0],
            row.swd_ratio[1], row.swd_ratio[2]);
        rows.push_back(row);
    }
    // What w = 0 can reach at best: a perfect unconditional model draws from the whole curve, so
    // against one class's points about a third of its samples look real.
    double ceiling[kClasses];
    const ddpm::Tensor whole = ddpm::make_dataset("s_curve", n, 2024);
    for (int k = 0; k < kClasses; ++k)
        ceiling[k] = ddpm::knn_precision_recall(whole, ddpm::class_points(truth, k)).precision;
    std::printf(
        "  the ceiling at w = 0: fresh points of the whole curve against each class's, precision "
        "%.3f (%.2f %.2f %.2f)\n",
        (ceiling[0] + ceiling[1] + ceiling[2]) / kClasses, ceiling[0], ceiling[1], ceiling[2]);
    return rows;
}

}  // namespace
