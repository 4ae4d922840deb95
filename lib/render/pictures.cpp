#include "render/pictures.h"

#include <string>

#include "core/error.h"
#include "io/fashion_mnist.h"

namespace ddpm {

static void check_pictures(const Tensor& pictures, int side, int columns) {
    if (pictures.ndim() != 2 || pictures.dim(0) < 1 || pictures.dim(1) != side * side ||
        columns < 1)
        throw Error("picture grid: expected pictures (n, " + std::to_string(side * side) +
                    ") in at least one column, got " + pictures.shape_str());
}

void draw_picture(Canvas& canvas, const float* values, int side, int x, int y, int scale) {
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c) {
            const uint8_t grey = static_cast<uint8_t>(value_to_pixel(values[r * side + c]));
            canvas.fill_rect(x + c * scale, y + r * scale, scale, scale, Color{grey, grey, grey});
        }
}

Canvas picture_grid(const Tensor& pictures, int side, int columns, int scale, int gap) {
    check_pictures(pictures, side, columns);
    const int n = pictures.dim(0), rows = (n + columns - 1) / columns, cell = side * scale + gap;
    Canvas canvas(columns * cell + gap, rows * cell + gap);
    for (int i = 0; i < n; ++i)
        draw_picture(canvas, pictures.data() + static_cast<size_t>(i) * side * side, side,
                     gap + (i % columns) * cell, gap + (i / columns) * cell, scale);
    return canvas;
}

std::vector<uint8_t> picture_grid_grey(const Tensor& pictures, int side, int columns, int scale,
                                       int gap, int* width, int* height) {
    check_pictures(pictures, side, columns);
    const int n = pictures.dim(0), rows = (n + columns - 1) / columns, cell = side * scale + gap;
    *width = columns * cell + gap;
    *height = rows * cell + gap;
    std::vector<uint8_t> grey(static_cast<size_t>(*width) * *height, 255);
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < side * scale; ++r)
            for (int c = 0; c < side * scale; ++c) {
                const float v = pictures.at(i, (r / scale) * side + c / scale);
                const int px = gap + (i % columns) * cell + c, py = gap + (i / columns) * cell + r;
                grey[static_cast<size_t>(py) * *width + px] =
                    static_cast<uint8_t>(value_to_pixel(v));
            }
    return grey;
}

}  // namespace ddpm
