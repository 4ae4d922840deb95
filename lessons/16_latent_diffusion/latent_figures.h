// Lesson 16's figures: the plane of 2-D latents (the test pictures' and the generated ones, in
// their classes' colours), and the pictures decoded from each latent space's samples.
#pragma once
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "io/fashion_mnist.h"
#include "render/canvas.h"
#include "render/pictures.h"
#include "render/plot.h"

// matplotlib's ten colours (tab10), one a class.
const ddpm::Color kTen[ddpm::kFashionClasses] = {
    {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

// Left: the test pictures' latents, coloured by class; right: the generated latents, per_class
// of each class in order. The same limits, and a legend of the classes.
inline ddpm::Canvas plane_figure(const ddpm::Tensor& test_latents, const std::vector<int>& labels,
                                 const ddpm::Tensor& samples, int per_class) {
    const int panel = 380, legend = 130;
    ddpm::Canvas fig(2 * panel + legend, panel + 40);
    const ddpm::Limits lim = ddpm::limits_of(test_latents, 0.05f);
    const char* titles[2] = {"the test pictures' latents (the encoder's mean)",
                             "generated latents, guided by class (w = 3)"};
    for (int side = 0; side < 2; ++side) {
        const ddpm::Rect area{side * panel, 30, panel, panel};
        fig.text(static_cast<float>(area.x + panel / 2), 8, titles[side], ddpm::colors::black,
                 ddpm::text_size::panel_title, ddpm::Align::center);
        for (int k = 0; k < ddpm::kFashionClasses; ++k) {
            std::vector<float> xy;
            if (side == 0) {
                for (size_t i = 0; i < labels.size(); ++i)
                    if (labels[i] == k) {
                        xy.push_back(test_latents.at(static_cast<int>(i), 0));
                        xy.push_back(test_latents.at(static_cast<int>(i), 1));
                    }
            } else {
                for (int i = k * per_class; i < (k + 1) * per_class; ++i) {
                    xy.push_back(samples.at(i, 0));
                    xy.push_back(samples.at(i, 1));
                }
            }
            ddpm::ScatterStyle style;
            style.radius = side == 0 ? 1.0f : 2.0f;
            style.fill = kTen[k];
            style.edge = kTen[k];
            style.edge_width = 0;
            const int count = static_cast<int>(xy.size() / 2);
            ddpm::scatter_panel(fig, area, ddpm::Tensor({count, 2}, xy), lim, style, "");
        }
    }
    for (int k = 0; k < ddpm::kFashionClasses; ++k) {
        const float y = 60.0f + 22 * k;
        fig.disc(2.0f * panel + 12, y + 7, 5, kTen[k], kTen[k], 0);
        fig.text(2.0f * panel + 22, y, ddpm::kFashionClassNames[k], ddpm::colors::black,
                 ddpm::text_size::tick);
    }
    return fig;
}

// The first ten samples of each class decoded, one row a class: from the 2-D latent beside the
// 16-D one.
inline ddpm::Canvas decoded_figure(const ddpm::Tensor& two, const ddpm::Tensor& wide, int side,
                                   int per_class) {
    auto first_ten = [&](const ddpm::Tensor& s) {
        ddpm::Tensor out({10 * ddpm::kFashionClasses, side * side});
        for (int k = 0; k < ddpm::kFashionClasses; ++k)
            std::copy(s.data() + static_cast<size_t>(k) * per_class * side * side,
                      s.data() + (static_cast<size_t>(k) * per_class + 10) * side * side,
                      out.data() + static_cast<size_t>(k) * 10 * side * side);
        return out;
    };
    const int scale = 4, gap = 4, cell = side * scale + gap, left = 100, top = 40;
    const ddpm::Canvas a = ddpm::picture_grid(first_ten(two), side, 10, scale, gap);
    const ddpm::Canvas b = ddpm::picture_grid(first_ten(wide), side, 10, scale, gap);
    ddpm::Canvas fig(left + a.width() + 30 + b.width() + 10, top + a.height() + 10);
    fig.text(static_cast<float>(left + a.width() / 2), 12, "decoded from the 2-D latent",
             ddpm::colors::black, ddpm::text_size::panel_title, ddpm::Align::center);
    fig.text(static_cast<float>(left + a.width() + 30 + b.width() / 2), 12,
             "decoded from the 16-D latent", ddpm::colors::black, ddpm::text_size::panel_title,
             ddpm::Align::center);
    fig.paste(a, left, top);
    fig.paste(b, left + a.width() + 30, top);
    for (int k = 0; k < ddpm::kFashionClasses; ++k)
        fig.text(static_cast<float>(left - 6),
                 static_cast<float>(top + gap + k * cell + cell / 2 - 8),
                 ddpm::kFashionClassNames[k], ddpm::colors::black, ddpm::text_size::tick,
                 ddpm::Align::right);
    return fig;
}
