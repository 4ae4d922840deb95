// Lesson 11's figures: the learned and the exact score fields over q(x_t), and the samplers'
// point sets side by side. Kept apart from main.cpp, which is about the score.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "diffusion/forward.h"
#include "fast/predict.h"
#include "likelihood/score.h"
#include "render/plot.h"

namespace {

// One column of the field figure: the learned and the exact score at step t on a grid of arrows,
// each over the exact density q(x_t), drawn at the same scale.
void field_column(ddpm::Canvas& fig, int col, int t, const ddpm::MLPDiffusion& model,
                  const ddpm::IdealDenoiser& ideal, const ddpm::Schedule& sched, ddpm::Rng& rng) {
    const ddpm::Limits lim = ddpm::limits_of(ddpm::q_x(ideal.points(), t, sched, rng), 0.08f);
    const int arrows = 15, cells = 60;
    ddpm::Tensor tails({arrows * arrows, 2}), centres({cells * cells, 2});
    for (int i = 0; i < arrows * arrows; ++i) {
        tails.at(i, 0) = lim.xmin + (i % arrows + 0.5f) * (lim.xmax - lim.xmin) / arrows;
        tails.at(i, 1) = lim.ymin + (i / arrows + 0.5f) * (lim.ymax - lim.ymin) / arrows;
    }
    for (int i = 0; i < cells * cells; ++i) {
        centres.at(i, 0) = lim.xmin + (i % cells + 0.5f) * (lim.xmax - lim.xmin) / cells;
        centres.at(i, 1) = lim.ymin + (i / cells + 0.5f) * (lim.ymax - lim.ymin) / cells;
    }
    std::vector<double> log_q(cells * cells), density(cells * cells);
    ideal.log_density(log_q.data(), centres.data(), cells * cells, t, sched);
    for (int i = 0; i < cells * cells; ++i) density[i] = std::exp(log_q[i]);
    // The two scores at the arrows' tails.
    const int m = arrows * arrows;
    std::vector<float> learned(2 * m), exact(2 * m), eps_star(2 * m);
    std::vector<float> eps(2 * m);
    const std::vector<int> steps(m, t);
    ddpm::fast::predict_noise(model, eps.data(), tails.data(), steps.data(), m);
    ideal.eps(eps_star.data(), tails.data(), m, t, sched);
    ddpm::score_from_eps(learned.data(), eps.data(), 2 * m, t, sched);
    ddpm::score_from_eps(exact.data(), eps_star.data(), 2 * m, t, sched);
    // One scale for both rows: the exact field's median arrow spans 0.6 of a grid cell, and no
    // arrow more than one cell (far from the data the exact score grows as distance / s^2).
    std::vector<double> lengths(m);
    for (int i = 0; i < m; ++i)
        lengths[i] = std::hypot(double(exact[2 * i]), double(exact[2 * i + 1]));
    std::nth_element(lengths.begin(), lengths.begin() + m / 2, lengths.end());
    const double cell = (lim.xmax - lim.xmin) / arrows, scale = 0.6 * cell / lengths[m / 2];
    for (int row = 0; row < 2; ++row) {
        ddpm::FieldPanel panel{
            lim, cells, density, tails, ddpm::Tensor({m, 2}), ddpm::colors::black};
        const std::vector<float>& s = row == 0 ? learned : exact;
        for (int i = 0; i < m; ++i) {
            const double len = scale * std::hypot(double(s[2 * i]), double(s[2 * i + 1]));
            const double shrink = len > cell ? cell / len : 1.0;
            panel.vectors[2 * i] = static_cast<float>(scale * shrink * s[2 * i]);
            panel.vectors[2 * i + 1] = static_cast<float>(scale * shrink * s[2 * i + 1]);
        }
        panel.color = row == 0 ? ddpm::Color{200, 40, 30} : ddpm::colors::black;
        const std::string title =
            (row == 0 ? "learned s_\\theta, t = " : "exact \\nabla log q(x_t), t = ") +
            std::to_string(t);
        ddpm::field_panel(fig, {10 + col * 250, 40 + row * 265, 240, 260}, panel, title);
    }
}

// The two fields at four steps, over the density q(x_t): section 3's figure.
void field_figure(const ddpm::MLPDiffusion& model, const ddpm::IdealDenoiser& ideal,
                  const ddpm::Schedule& sched, ddpm::Rng& rng) {
    ddpm::Canvas fig(1010, 580);
    fig.text(505, 8,
             "the score, learned (top) and exact for the training set (bottom), over q(x_t); "
             "arrows capped at one cell",
             ddpm::colors::black, ddpm::text_size::title, ddpm::Align::center);
    const int shown[4] = {5, 20, 50, 99};
    for (int col = 0; col < 4; ++col) field_column(fig, col, shown[col], model, ideal, sched, rng);
    lesson::save_figure(fig, "score_field", lesson::Svg::on_request);
    std::printf("wrote score_field.png\n");
}

// The five point sets of sections 1 and 5 side by side.
ddpm::Canvas samplers_figure(const std::vector<ddpm::Tensor>& sets, int train_points) {
    ddpm::ScatterStyle style;
    style.radius = 1.6f;
    style.edge_width = 0;
    const ddpm::Limits shared{-0.2f, 0.2f, -0.3f, 0.3f};
    return ddpm::panel_figure(
        sets,
        {"the " + std::to_string(train_points) + " training points", "ideal denoiser:\nits samples",
         "the network:\np\\_sample\\_loop", "Langevin, s_\\theta at t = 10", "annealed Langevin"},
        1, 5, style, &shared, 200, 240);
}

}  // namespace
