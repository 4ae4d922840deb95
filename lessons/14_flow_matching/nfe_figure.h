// Lesson 14's figure: each sampler's quality over network evaluations (NFE), two charts with one
// legend. Kept apart from main.cpp, which is about the objectives and the flow.
#pragma once
#include <string>
#include <vector>

#include "../figures.h"
#include "render/plot.h"

namespace {

// Samples against a fresh true sample: SWD over its noise floor (two fresh true samples of the
// same size), k-NN precision and recall.
struct Score {
    double swd_ratio = 0, precision = 0, recall = 0;
};
// One sampler's row of the NFE table: its samples at each budget.
struct SamplerRow {
    std::string name;
    std::vector<int> nfe;
    std::vector<Score> scores;
};

// Two charts over NFE, and one legend below them both (inside either chart it would cover lines).
ddpm::Canvas nfe_chart(const std::vector<SamplerRow>& rows) {
    const ddpm::Color colors[] = {ddpm::colors::gray, ddpm::colors::blue, ddpm::colors::purple,
                                  ddpm::colors::orange, ddpm::colors::green};
    ddpm::Canvas fig(1000, 470);
    for (int panel = 0; panel < 2; ++panel) {
        ddpm::LineChart chart;
        chart.title = panel == 0 ? "sliced Wasserstein / noise floor" : "k-NN precision";
        chart.xlabel = "network evaluations (NFE)";
        chart.ylabel = panel == 0 ? "SWD / floor" : "precision";
        chart.log_y = panel == 0;
        for (size_t r = 0; r < rows.size(); ++r) {
            ddpm::Series s{"", {}, {}, colors[r % 5]};
            for (size_t i = 0; i < rows[r].nfe.size(); ++i) {
                s.x.push_back(static_cast<float>(rows[r].nfe[i]));
                s.y.push_back(static_cast<float>(panel == 0 ? rows[r].scores[i].swd_ratio
                                                            : rows[r].scores[i].precision));
            }
            chart.series.push_back(s);
        }
        ddpm::draw_line_chart(fig, {panel * 500, 0, 500, 420}, chart);
    }
    float x = 20;
    for (size_t r = 0; r < rows.size(); ++r) {
        fig.line(x, 445, x + 24, 445, colors[r % 5], 2.5f);
        fig.text(x + 30, 437, rows[r].name, ddpm::colors::black, ddpm::text_size::tick);
        x += 40 + ddpm::Canvas::text_width(rows[r].name, ddpm::text_size::tick);
    }
    return fig;
}

}  // namespace
