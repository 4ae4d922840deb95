// Lesson 15's figures and the small helpers they share with main.cpp: the forward process on a
// picture of each class, the two grids (guided and unguided), and the guidance sweep (the GIF of
// the guided grid's way out of noise is lib's write_picture_gif). The drawing of a picture is lib's (render/pictures.h).
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "core/rng.h"
#include "io/fashion_mnist.h"
#include "diffusion/forward.h"
#include "diffusion/schedule.h"
#include "render/canvas.h"
#include "render/pictures.h"
#include "render/plot.h"

// What one guidance weight gives (section 5).
struct SweepResult {
    float w = 0;
    double accuracy = 0;        // samples classified as their class
    double judge_accuracy = 0;  // the classifier on real test pictures
    double fd = 0, fd_floor = 0;
    double precision = 0, recall = 0;
    double memorisation = 0;  // median nearest-training distance, over a test picture's
    double background = 0;    // the outer ring's mean distance from black
    ddpm::Tensor examples;    // (10, 196): the first sample of each class
};

// b's rows after a's (a may be empty: shape (0, 0)).
inline ddpm::Tensor append_rows(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    const int n = a.dim(0) + b.dim(0), d = b.dim(1);
    ddpm::Tensor out({n, d});
    std::copy(a.data(), a.data() + a.size(), out.data());
    std::copy(b.data(), b.data() + b.size(), out.data() + a.size());
    return out;
}

// Two trajectories (frames, n, d) side by side: (frames, n_a + n_b, d).
inline ddpm::Tensor append_trajectory(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    if (a.size() == 0) return b;
    const int frames = b.dim(0), na = a.dim(1), nb = b.dim(1), d = b.dim(2);
    ddpm::Tensor out({frames, na + nb, d});
    for (int f = 0; f < frames; ++f) {
        std::copy(a.data() + static_cast<size_t>(f) * na * d,
                  a.data() + static_cast<size_t>(f + 1) * na * d,
                  out.data() + static_cast<size_t>(f) * (na + nb) * d);
        std::copy(
            b.data() + static_cast<size_t>(f) * nb * d,
            b.data() + static_cast<size_t>(f + 1) * nb * d,
            out.data() + static_cast<size_t>(f) * (na + nb) * d + static_cast<size_t>(na) * d);
    }
    return out;
}

const int kScale = 4;  // pixels a picture's value is drawn as, each way
const int kGap = 4;

// The class names down the left of a grid whose rows start at y0, one row a class.
inline void class_names(ddpm::Canvas& fig, int x_right, int y0, int cell) {
    for (int k = 0; k < ddpm::kFashionClasses; ++k)
        fig.text(static_cast<float>(x_right), static_cast<float>(y0 + k * cell + cell / 2 - 8),
                 ddpm::kFashionClassNames[k], ddpm::colors::black, ddpm::text_size::tick,
                 ddpm::Align::right);
}

// Rows: a test picture of each class; columns: x_t at a few steps t (one draw of noise each).
inline ddpm::Canvas forward_figure(const ddpm::Tensor& pictures, const ddpm::Schedule& sched,
                                   int side) {
    const std::vector<int> steps = {0, 10, 25, 50, 75, sched.num_steps - 1};
    const int cell = side * kScale + kGap, left = 100, top = 50;
    ddpm::Canvas fig(left + static_cast<int>(steps.size()) * cell + 10,
                     top + ddpm::kFashionClasses * cell + 10);
    fig.text(8, 8, "the forward process q(x_t | x_0) on a test picture of each class",
             ddpm::colors::black, ddpm::text_size::panel_title);
    ddpm::Rng rng(3);
    for (size_t j = 0; j < steps.size(); ++j) {
        const ddpm::Tensor x_t = ddpm::q_x(pictures, steps[j], sched, rng);
        fig.text(static_cast<float>(left + j * cell + cell / 2), 30,
                 "t = " + std::to_string(steps[j]), ddpm::colors::black, ddpm::text_size::tick,
                 ddpm::Align::center);
        for (int k = 0; k < pictures.dim(0); ++k)
            ddpm::draw_picture(fig, x_t.data() + static_cast<size_t>(k) * side * side, side,
                               left + static_cast<int>(j) * cell, top + k * cell, kScale);
    }
    class_names(fig, left - 8, top, cell);
    return fig;
}

// The guided grid beside the unguided one: one row a class, ten samples a row.
inline ddpm::Canvas grids_figure(const ddpm::Tensor& guided, const ddpm::Tensor& unguided, int side,
                                 float w) {
    const ddpm::Canvas a = ddpm::picture_grid(guided, side, 10, kScale, kGap);
    const ddpm::Canvas b = ddpm::picture_grid(unguided, side, 10, kScale, kGap);
    const int left = 100, top = 50, cell = side * kScale + kGap;
    ddpm::Canvas fig(left + a.width() + 30 + b.width() + 10, top + a.height() + 10);
    char title[96];
    std::snprintf(title, sizeof title, "guided by the row's class (w = %g)", w);
    fig.text(static_cast<float>(left + a.width() / 2), 24, title, ddpm::colors::black,
             ddpm::text_size::panel_title, ddpm::Align::center);
    fig.text(static_cast<float>(left + a.width() + 30 + b.width() / 2), 24,
             "the same noise without a class (w = 0)", ddpm::colors::black,
             ddpm::text_size::panel_title, ddpm::Align::center);
    fig.paste(a, left, top);
    fig.paste(b, left + a.width() + 30, top);
    class_names(fig, left - 6, top + kGap, cell);
    return fig;
}

// One row a guidance weight: the first sample of each class, and the row's share classified as
// its class.
inline ddpm::Canvas sweep_figure(const std::vector<SweepResult>& rows, int side) {
    const int cell = side * kScale + kGap, left = 70, top = 60, right = 100;
    ddpm::Canvas fig(left + ddpm::kFashionClasses * cell + right,
                     top + static_cast<int>(rows.size()) * cell + 10);
    fig.text(8, 8, "one sample of each class by guidance weight w", ddpm::colors::black,
             ddpm::text_size::panel_title);
    for (int k = 0; k < ddpm::kFashionClasses; ++k)
        fig.text(static_cast<float>(left + k * cell + cell / 2), 36, ddpm::kFashionClassNames[k],
                 ddpm::colors::black, 9.5f, ddpm::Align::center);
    fig.text(static_cast<float>(left + ddpm::kFashionClasses * cell + 8), 36, "as its class",
             ddpm::colors::black, ddpm::text_size::tick);
    for (size_t r = 0; r < rows.size(); ++r) {
        const int y = top + static_cast<int>(r) * cell;
        char label[32];
        std::snprintf(label, sizeof label, "w = %g", rows[r].w);
        fig.text(static_cast<float>(left - 8), static_cast<float>(y + cell / 2 - 8), label,
                 ddpm::colors::black, ddpm::text_size::tick, ddpm::Align::right);
        for (int k = 0; k < ddpm::kFashionClasses; ++k)
            ddpm::draw_picture(fig, rows[r].examples.data() + static_cast<size_t>(k) * side * side,
                               side, left + k * cell, y, kScale);
        std::snprintf(label, sizeof label, "%.0f%%", 100 * rows[r].accuracy);
        fig.text(static_cast<float>(left + ddpm::kFashionClasses * cell + 8),
                 static_cast<float>(y + cell / 2 - 8), label, ddpm::colors::black,
                 ddpm::text_size::tick);
    }
    return fig;
}
