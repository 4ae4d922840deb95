// Pictures drawn as pictures: grey squares for values in [-1, 1] (io/fashion_mnist.h's scale,
// -1 black, 1 white), one picture or a grid of them, for lessons 15 and 16 and the tools.
#pragma once
#include <cstdint>
#include <string>
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

// A figure of pictures in rows of `columns`: a title (markup) above, and down the left each row's
// label from row_labels (missing or "" for none), as the tools draw samples. A picture of side 14
// is drawn 4 pixels a value, of 28, 2.
Canvas picture_grid_figure(const Tensor& pictures, int side, int columns,
                           const std::vector<std::string>& row_labels, const std::string& title);

// A trajectory of pictures (frames, n, side^2), x_T first, as an animated GIF of its grid (grey
// levels, `columns` a row, each value scale x scale pixels): every `every`-th frame shown for
// delay_cs hundredths of a second, and the last frame, the samples, for hold_cs. Returns the
// number of frames written.
int write_picture_gif(const Tensor& trajectory, int side, int columns, int scale, int every,
                      int delay_cs, int hold_cs, const std::string& path);

}  // namespace ddpm
