#include "render/pictures.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "io/fashion_mnist.h"
#include "render/gif.h"
#include "render/plot.h"

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

Canvas picture_grid_figure(const Tensor& pictures, int side, int columns,
                           const std::vector<std::string>& row_labels, const std::string& title) {
    const int scale = side <= 14 ? 4 : 2, gap = 4, cell = side * scale + gap, top = 40;
    const Canvas grid = picture_grid(pictures, side, columns, scale, gap);
    float label_width = 0;
    for (const std::string& label : row_labels)
        label_width = std::max(label_width, Canvas::text_width(label, text_size::tick));
    const int left = label_width > 0 ? static_cast<int>(label_width) + 16 : 8;
    const int title_width =
        static_cast<int>(Canvas::text_width(title, text_size::panel_title)) + 16;
    Canvas fig(std::max(left + grid.width() + 8, title_width), top + grid.height() + 8);
    fig.text(8, 10, title, colors::black, text_size::panel_title);
    fig.paste(grid, left, top);
    for (size_t r = 0; r < row_labels.size(); ++r)
        if (!row_labels[r].empty())
            fig.text(static_cast<float>(left - 6),
                     static_cast<float>(top + gap + static_cast<int>(r) * cell + cell / 2 - 9),
                     row_labels[r], colors::black, text_size::tick, Align::right);
    return fig;
}

int write_picture_gif(const Tensor& trajectory, int side, int columns, int scale, int every,
                      int delay_cs, int hold_cs, const std::string& path) {
    if (trajectory.ndim() != 3 || trajectory.dim(0) < 1 || every < 1)
        throw Error("picture GIF: expected a trajectory (frames, n, side^2), got " +
                    trajectory.shape_str());
    std::vector<Color> grey(256);  // palette index = grey level
    for (int v = 0; v < 256; ++v)
        grey[v] = Color{static_cast<uint8_t>(v), static_cast<uint8_t>(v), static_cast<uint8_t>(v)};
    const int frames = trajectory.dim(0), gap = 2;
    int width = 0, height = 0;
    picture_grid_grey(trajectory.frame(0), side, columns, scale, gap, &width, &height);
    GifWriter gif(path, width, height, grey);
    for (int f = 0; f < frames; f += every) {
        const bool last = f + every >= frames;  // the samples themselves end the animation
        const int frame = last ? frames - 1 : f;
        gif.add_frame(
            picture_grid_grey(trajectory.frame(frame), side, columns, scale, gap, &width, &height),
            last ? hold_cs : delay_cs);
    }
    gif.finish();
    return gif.frames();
}

}  // namespace ddpm
