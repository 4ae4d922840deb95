// Lesson 13's results and their figure: what one guidance weight gives, class by class, and the
// samples of each weight in their classes' colours beside the precision-recall trade-off. Kept
// apart from main.cpp, which is about guidance.
#pragma once
#include <cstdio>
#include <vector>

#include "../figures.h"
#include "core/tensor.h"
#include "data/datasets.h"
#include "render/plot.h"

namespace {

const int kClasses = 3;
const ddpm::Color kClassColor[kClasses] = {ddpm::colors::blue, ddpm::colors::orange,
                                           ddpm::colors::green};
const char* const kClassName[kClasses] = {"upper bend", "middle", "lower bend"};

// What one guidance weight gives, class by class.
struct SweepRow {
    float w = 0;
    double on_class[kClasses], precision[kClasses], recall[kClasses], swd_ratio[kClasses];
    std::vector<ddpm::Tensor> samples;  // one set per class
    double mean(const double* v) const { return (v[0] + v[1] + v[2]) / kClasses; }
};

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
