// Pictures drawn as pictures: grey squares for values in [-1, 1] (io/fashion_mnist.h's scale,
// -1 black, 1 white), one picture or a grid of them, for lessons 15 and 16 and the tools.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"
#include "render/canvas.h"

namespace ddpm {

// One picture (side x side values, row by row) with its top-left corner at (x, y), each value a
// square of scale x scale pixels.
void draw_picture(Canvas& canvas, const float* values, int side, int x, int y, int scale);

// The pictures (n, side^2) in rows of `columns`, `gap` pixels apart on a white canvas.
Canvas picture_grid(const Tensor& pictures, int side, int columns, int scale, int gap);

// The same grid as grey levels 0 ... 255 (a GIF frame with a grey palette), gap pixels white.
std::vector<uint8_t> picture_grid_grey(const Tensor& pictures, int side, int columns, int scale,
                                       int gap, int* width, int* height);

}  // namespace ddpm
