// Plots: scatter panels (the notebook's q(x_t) grids) and line charts with axes, ticks and a
// legend (loss curves, schedules). Everything draws onto a Canvas; render/png.h saves it.
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"
#include "render/canvas.h"

namespace ddpm {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

// Text sizes (em, in pixels): matplotlib's defaults at 100 dpi, 12-point titles and 10-point labels
// and ticks; panel titles are a little smaller, as in the notebook's 10-panel rows.
namespace text_size {
constexpr float title = 16.7f, label = 13.9f, tick = 12.5f, panel_title = 12.5f;
}

// The data range a panel shows. Fixed limits make the frames of an animation line up.
struct Limits {
    float xmin = -1, xmax = 1, ymin = -1, ymax = 1;
};
// The range of the points of a (..., 2) tensor, widened by `margin` of its size on each side.
Limits limits_of(const Tensor& points, float margin = 0.05f);
Limits merge(Limits a, Limits b);

// Maps data coordinates to pixels inside `area` (y grows upwards in data, downwards in pixels).
struct Axes {
    Rect area;
    Limits lim;
    float px(float x) const { return area.x + (x - lim.xmin) / (lim.xmax - lim.xmin) * area.w; }
    float py(float y) const {
        return area.y + area.h - (y - lim.ymin) / (lim.ymax - lim.ymin) * area.h;
    }
};

// The notebook's look: red points with a white edge, axes off. (Small points need a thin edge or
// none: a 1-pixel disc with a white ring is mostly ring and looks pale.)
struct ScatterStyle {
    float radius = 2.5f;
    Color fill = colors::red;
    Color edge = colors::white;
    float edge_width = 0.6f;
    // Centres on pixel centres: every point then has the same few pixels, which a GIF's LZW
    // compresses far better; at half a pixel the shift cannot be seen.
    bool snap_to_pixels = false;
};

// A scatter panel: the title (markup; lines split at '\n') centred on top, shrunk to fit the
// panel's width, and the points of `points` (n, 2) below it (those outside `lim` left out).
void scatter_panel(Canvas& c, Rect panel, const Tensor& points, Limits lim,
                   const ScatterStyle& style, const std::string& title,
                   float title_size = text_size::panel_title);

// A vector field on the plane (lesson 11's score fields): arrows from `tails` (m, 2) along
// `vectors` (m, 2), both in data units, over a density drawn as cells x cells shaded squares
// (`density`, row 0 at ymin; empty for none).
struct FieldPanel {
    Limits lim;
    int cells = 0;
    std::vector<double> density;
    Tensor tails, vectors;
    Color color = colors::black;
};
void field_panel(Canvas& c, Rect panel, const FieldPanel& field, const std::string& title,
                 float title_size = text_size::panel_title);

// A grid of equal panels, rows x cols, each w x h pixels, with a small gap.
struct Grid {
    int rows = 1, cols = 1, panel_w = 160, panel_h = 160, gap = 4;
    int width() const { return cols * panel_w + (cols + 1) * gap; }
    int height() const { return rows * panel_h + (rows + 1) * gap; }
    Rect panel(int i) const;  // row-major: panel 0 top-left, panel cols-1 top-right
};

// A figure of rows x cols scatter panels, one point set (n, 2) each, titled. Each panel fits its
// own points (as matplotlib does in the notebook) unless `shared` limits are given.
Canvas panel_figure(const std::vector<Tensor>& sets, const std::vector<std::string>& titles,
                    int rows, int cols, const ScatterStyle& style, const Limits* shared = nullptr,
                    int panel_w = 150, int panel_h = 170);

// The notebook's reverse-process figure: 10 panels x_seq[10], x_seq[20], ..., x_seq[100] of a
// trajectory (T + 1, n, 2), titled with the step they show (x_90 ... x_0) as samples of p_theta.
Canvas reverse_panels(const Tensor& x_seq, const std::string& heading = "");

struct Series {
    std::string label;
    std::vector<float> x, y;
    Color color = colors::blue;
    float bar_width = 0;  // > 0: a bar at each x, this wide in data units, instead of a line
};

// Where the legend goes; `best` picks the corner whose box covers the fewest data points.
enum class Corner { best, top_right, top_left, bottom_right, bottom_left };

struct LineChart {
    std::string title, xlabel, ylabel;  // markup
    std::vector<Series> series;
    bool log_y = false;  // a log scale on y (values <= 0 are skipped); the y label says so
    Corner legend = Corner::best;
};

// A line chart with axes, ticks that do not collide, labels and (if any series has a label) a
// legend.
void draw_line_chart(Canvas& c, Rect area, const LineChart& chart);

// The training-loss figure: each epoch's mean loss (light) and its centred moving average over
// 5% of the run (dark), on a log scale.
Canvas loss_chart(const std::vector<float>& epoch_loss, int width = 720, int height = 420);

// "Nice" tick positions (1, 2 or 5 times a power of ten) covering [lo, hi], about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

}  // namespace ddpm
