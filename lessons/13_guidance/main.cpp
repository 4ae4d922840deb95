// Lesson 13: conditioning, and classifier-free guidance.
//
// The network gets a third input, the class: a learned row per class added in every block, like
// the step's (lib/nn/model.h), and one more row that means "no class". Training drops each label to
// "no class" with probability 0.1 (label dropout), so one network learns both the conditional
// eps(x_t, t, c) and the unconditional eps(x_t, t). Sampling mixes the two
// (lib/diffusion/guidance.h):
//   eps = eps_uncond + w (eps_cond - eps_uncond)
// w = 0 ignores the class, w = 1 is the conditional model, w > 1 overshoots it. The sweep below
// measures what w buys and costs, class by class: precision (the samples lie on their class's
// part of the data) against recall (they cover all of it).
//
// The data: the notebook's S-curve, cut by its parameter into three arcs, three classes.
// Train longer with:  EPOCHS=4000 make
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "render/plot.h"

namespace {

const int kClasses = 3, kTrainPoints = 4000;
const std::vector<float> kWeights = {0, 1, 2, 4, 8};
const ddpm::Color kClassColor[kClasses] = {ddpm::colors::blue, ddpm::colors::orange,
                                           ddpm::colors::green};
const char* const kClassName[kClasses] = {"upper bend", "middle", "lower bend"};

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

// What one guidance weight gives, class by class.
struct SweepRow {
    float w = 0;
    double on_class[kClasses], precision[kClasses], recall[kClasses], swd_ratio[kClasses];
    std::vector<ddpm::Tensor> samples;  // one set per class
    double mean(const double* v) const { return (v[0] + v[1] + v[2]) / kClasses; }
};

// Algorithm 2 from the EMA weights (the improved recipe of lesson 10), n points of class k.
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

// The samples of each w, the three classes in their colours, and the trade-off as a chart.
ddpm::Canvas sweep_figure(const std::vector<SweepRow>& rows, const ddpm::LabelledData& truth) {
    const int panel = 200, n = static_cast<int>(rows.size());
    ddpm::Canvas fig(panel * n + 380, 300);  // the panels, then the chart
    const ddpm::Limits lim = ddpm::limits_of(truth.points, 0.15f);
    for (int i = 0; i < n; ++i) {
        char title[48];
        std::snprintf(title, sizeof title, "w = %g", rows[i].w);
        fig.text(i * panel + panel / 2.0f, 44, title, ddpm::colors::black,
                 ddpm::text_size::panel_title, ddpm::Align::center);
        for (int k = 0; k < kClasses; ++k) {
            ddpm::ScatterStyle style;
            style.radius = 1.4f;
            style.fill = kClassColor[k];
            style.edge = kClassColor[k];
            ddpm::scatter_panel(fig, {i * panel, 52, panel, 244}, rows[i].samples[k], lim, style,
                                "");
        }
    }
    fig.text(8, 18, "samples of the three classes (upper bend, middle, lower bend) by guidance w",
             ddpm::colors::black, ddpm::text_size::panel_title);
    ddpm::Series precision{"precision", {}, {}, ddpm::colors::blue};
    ddpm::Series recall{"recall", {}, {}, ddpm::colors::orange};
    for (const SweepRow& r : rows) {
        precision.x.push_back(r.w);
        precision.y.push_back(static_cast<float>(r.mean(r.precision)));
        recall.x.push_back(r.w);
        recall.y.push_back(static_cast<float>(r.mean(r.recall)));
    }
    ddpm::LineChart chart;
    chart.title = "the trade-off, mean over classes";
    chart.xlabel = "guidance w";
    chart.ylabel = "k-NN precision, recall";
    chart.series = {precision, recall};
    ddpm::draw_line_chart(fig, {panel * n, 0, 380, 300}, chart);
    return fig;
}

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
    ddpm::ModelConfig mc;
    mc.num_classes = kClasses;
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    cfg.p_uncond = 0.1f;
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
    const ddpm::MLPDiffusion model = ddpm::ema_model(tr);

    // 3. The sweep, against fresh labelled points.
    const ddpm::LabelledData truth =
        ddpm::make_labelled_dataset("s_curve", 3 * n_eval, kClasses, 99);
    const ddpm::LabelledData truth_b =
        ddpm::make_labelled_dataset("s_curve", 3 * n_eval, kClasses, 100);
    const std::vector<SweepRow> rows = guidance_sweep(model, tr.sched, truth, truth_b, n_eval);
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
