#include "render/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "error.h"

namespace ddpm {

Limits limits_of(const Tensor& points, float margin) {
    if (points.dim(-1) != 2 || points.size() == 0)
        throw Error("limits_of: expected a non-empty (..., 2) tensor, got " + points.shape_str());
    Limits l{INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (size_t i = 0; i + 1 < points.size(); i += 2) {
        l.xmin = std::min(l.xmin, points[i]);
        l.xmax = std::max(l.xmax, points[i]);
        l.ymin = std::min(l.ymin, points[i + 1]);
        l.ymax = std::max(l.ymax, points[i + 1]);
    }
    // A degenerate range (all points on one line) still needs a width to map onto pixels.
    float dx = std::max(l.xmax - l.xmin, 1e-6f), dy = std::max(l.ymax - l.ymin, 1e-6f);
    return {l.xmin - margin * dx, l.xmax + margin * dx, l.ymin - margin * dy, l.ymax + margin * dy};
}

Limits merge(Limits a, Limits b) {
    return {std::min(a.xmin, b.xmin), std::max(a.xmax, b.xmax), std::min(a.ymin, b.ymin),
            std::max(a.ymax, b.ymax)};
}

Rect Grid::panel(int i) const {
    int r = i / cols, c = i % cols;
    return {gap + c * (panel_w + gap), gap + r * (panel_h + gap), panel_w, panel_h};
}

void scatter_panel(Canvas& c, Rect panel, const Tensor& points, Limits lim,
                   const ScatterStyle& style, const std::string& title, int title_scale) {
    int title_h = title.empty() ? 0 : Canvas::text_height(title_scale) + 6;
    if (!title.empty())
        c.text(panel.x + (panel.w - Canvas::text_width(title, title_scale)) / 2, panel.y + 3, title,
               colors::black, title_scale);
    Axes ax{{panel.x, panel.y + title_h, panel.w, panel.h - title_h}, lim};
    // Keep the data's aspect ratio: an S-curve should not look squashed.
    float sx = ax.area.w / (lim.xmax - lim.xmin), sy = ax.area.h / (lim.ymax - lim.ymin);
    if (sx > sy) {
        int w = static_cast<int>((lim.xmax - lim.xmin) * sy);
        ax.area.x += (ax.area.w - w) / 2;
        ax.area.w = w;
    } else {
        int h = static_cast<int>((lim.ymax - lim.ymin) * sx);
        ax.area.y += (ax.area.h - h) / 2;
        ax.area.h = h;
    }
    for (size_t i = 0; i + 1 < points.size(); i += 2)
        c.disc(ax.px(points[i]), ax.py(points[i + 1]), style.radius, style.fill, style.edge,
               style.edge_width);
}

Canvas loss_chart(const std::vector<float>& epoch_loss, int width, int height) {
    const int n = static_cast<int>(epoch_loss.size()), half = std::max(1, n / 40);
    std::vector<float> epochs(n), smooth(n);
    for (int i = 0; i < n; ++i) {
        epochs[i] = static_cast<float>(i + 1);
        int a = std::max(0, i - half), b = std::min(n - 1, i + half);
        double sum = 0;
        for (int k = a; k <= b; ++k) sum += epoch_loss[k];
        smooth[i] = static_cast<float>(sum / (b - a + 1));
    }
    LineChart chart{"training loss (L_simple)", "epoch", "loss", {}, true};
    chart.series.push_back({"mean loss of each epoch", epochs, epoch_loss, Color{160, 190, 230}});
    chart.series.push_back({"smoothed", epochs, smooth, colors::blue});
    Canvas c(width, height);
    draw_line_chart(c, {0, 0, width, height}, chart);
    return c;
}

Canvas panel_figure(const std::vector<Tensor>& sets, const std::vector<std::string>& titles,
                    int rows, int cols, const ScatterStyle& style, const Limits* shared,
                    int panel_w, int panel_h) {
    Grid grid{rows, cols, panel_w, panel_h, 4};
    Canvas c(grid.width(), grid.height());
    for (size_t i = 0; i < sets.size() && static_cast<int>(i) < rows * cols; ++i)
        scatter_panel(c, grid.panel(static_cast<int>(i)), sets[i],
                      shared ? *shared : limits_of(sets[i]), style,
                      i < titles.size() ? titles[i] : "");
    return c;
}

Canvas reverse_panels(const Tensor& x_seq, const std::string& heading) {
    if (x_seq.ndim() != 3 || x_seq.dim(0) < 2)
        throw Error("reverse_panels: expected a trajectory (T + 1, n, 2), got " +
                    x_seq.shape_str());
    const int T = x_seq.dim(0) - 1;
    std::vector<Tensor> sets;
    std::vector<std::string> titles;
    for (int i = 1; i <= 10; ++i) {
        int k = i * T / 10;  // x_seq[k] is x_{T-k}: after k reverse steps
        sets.push_back(x_seq.frame(k));
        titles.push_back("p: x_" + std::to_string(T - k));
    }
    Canvas panels = panel_figure(sets, titles, 1, 10, ScatterStyle{1.5f});
    if (heading.empty()) return panels;
    Canvas c(panels.width(), panels.height() + 24);
    c.text(8, 6, heading, colors::black, 2);
    c.paste(panels, 0, 24);
    return c;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
    double raw = (hi - lo) / std::max(count, 1);
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

static std::string tick_label(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// y as the chart's axis shows it (log10 of y on a log scale), and whether a value can be drawn.
static float chart_y(const LineChart& chart, float y) {
    return chart.log_y ? std::log10(y) : y;
}
static bool drawable(const LineChart& chart, float y) {
    return std::isfinite(y) && (!chart.log_y || y > 0);
}

// The data range over all series, padded by 5% above and below.
static Limits chart_limits(const LineChart& chart) {
    Limits lim{INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (const Series& s : chart.series)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (drawable(chart, s.y[i])) {
                lim.xmin = std::min(lim.xmin, s.x[i]);
                lim.xmax = std::max(lim.xmax, s.x[i]);
                lim.ymin = std::min(lim.ymin, chart_y(chart, s.y[i]));
                lim.ymax = std::max(lim.ymax, chart_y(chart, s.y[i]));
            }
    if (!(lim.xmax >= lim.xmin)) lim = {0, 1, 0, 1};
    if (lim.xmax == lim.xmin) lim.xmax += 1;
    if (lim.ymax == lim.ymin) {
        lim.ymin -= 0.5f;
        lim.ymax += 0.5f;
    }
    const float pad = 0.05f * (lim.ymax - lim.ymin);
    lim.ymin -= pad;
    lim.ymax += pad;
    return lim;
}

// The y ticks, on the axis's scale. On a log scale: powers of ten when the range spans them,
// otherwise round numbers placed on the log axis.
static std::vector<double> y_ticks(const LineChart& chart, const Limits& lim) {
    if (!chart.log_y) return nice_ticks(lim.ymin, lim.ymax);
    std::vector<double> ticks;
    for (double e = std::ceil(lim.ymin); e <= lim.ymax; e += 1) ticks.push_back(e);
    if (ticks.size() >= 2) return ticks;
    ticks.clear();
    for (double v : nice_ticks(std::pow(10.0, lim.ymin), std::pow(10.0, lim.ymax), 5))
        if (v > 0) ticks.push_back(std::log10(v));
    return ticks;
}

// Grid lines and tick labels, the axis lines, and the axis labels.
static void draw_chart_axes(Canvas& c, Rect area, int top, const Axes& ax, const LineChart& chart) {
    for (double t : y_ticks(chart, ax.lim)) {
        const float y = ax.py(static_cast<float>(t));
        c.line(ax.area.x, y, ax.area.x + ax.area.w, y, colors::light_gray, 1);
        const std::string label = tick_label(chart.log_y ? std::pow(10.0, t) : t);
        c.text(ax.area.x - 6 - Canvas::text_width(label), static_cast<int>(y) - 3, label,
               colors::black);
    }
    for (double t : nice_ticks(ax.lim.xmin, ax.lim.xmax, 6)) {
        const float x = ax.px(static_cast<float>(t));
        c.line(x, ax.area.y, x, ax.area.y + ax.area.h, colors::light_gray, 1);
        const std::string label = tick_label(t);
        c.text(static_cast<int>(x) - Canvas::text_width(label) / 2, ax.area.y + ax.area.h + 6,
               label, colors::black);
    }
    const int bottom = ax.area.y + ax.area.h;
    c.line(ax.area.x, bottom, ax.area.x + ax.area.w, bottom, colors::black);
    c.line(ax.area.x, ax.area.y, ax.area.x, bottom, colors::black);
    if (!chart.xlabel.empty())
        c.text(ax.area.x + (ax.area.w - Canvas::text_width(chart.xlabel)) / 2, area.y + area.h - 14,
               chart.xlabel, colors::black);
    if (!chart.ylabel.empty()) c.text(area.x + 2, area.y + top - 12, chart.ylabel, colors::black);
}

// Each series as a polyline, broken where a value cannot be drawn.
static void draw_chart_series(Canvas& c, const Axes& ax, const LineChart& chart) {
    for (const Series& s : chart.series) {
        bool have_prev = false;
        float px = 0, py = 0;
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!drawable(chart, s.y[i])) {
                have_prev = false;
                continue;
            }
            const float x = ax.px(s.x[i]), y = ax.py(chart_y(chart, s.y[i]));
            if (have_prev) c.line(px, py, x, y, s.color, 2.0f);
            px = x;
            py = y;
            have_prev = true;
        }
    }
}

// The legend, in the chosen corner of the plot area: a line of each series' colour and its label.
static void draw_chart_legend(Canvas& c, const Axes& ax, const LineChart& chart) {
    int rows = 0, widest = 0;
    for (const Series& s : chart.series) {
        widest = std::max(widest, Canvas::text_width(s.label));
        rows += !s.label.empty();
    }
    const bool on_right = chart.legend == Corner::top_right || chart.legend == Corner::bottom_right;
    const bool on_bottom =
        chart.legend == Corner::bottom_right || chart.legend == Corner::bottom_left;
    const int x = on_right ? ax.area.x + ax.area.w - widest - 36 : ax.area.x + 10;
    const int y0 = on_bottom ? ax.area.y + ax.area.h - 8 - rows * 14 : ax.area.y + 8;
    int row = 0;
    for (const Series& s : chart.series) {
        if (s.label.empty()) continue;
        const int y = y0 + row * 14;
        c.fill_rect(x - 4, y - 4, widest + 36, 14, Color{250, 250, 250});
        c.line(x, y + 3, x + 20, y + 3, s.color, 2.0f);
        c.text(x + 26, y, s.label, colors::black);
        ++row;
    }
}

void draw_line_chart(Canvas& c, Rect area, const LineChart& chart) {
    // The frame: the title on top, the y label and ticks on the left, the x label and ticks below.
    const int left = 56, right = 12, top = chart.title.empty() ? 10 : 28, bottom = 40;
    const Axes ax{{area.x + left, area.y + top, area.w - left - right, area.h - top - bottom},
                  chart_limits(chart)};
    c.fill_rect(ax.area.x, ax.area.y, ax.area.w, ax.area.h, Color{250, 250, 250});
    if (!chart.title.empty())
        c.text(area.x + (area.w - Canvas::text_width(chart.title, 2)) / 2, area.y + 6, chart.title,
               colors::black, 2);
    draw_chart_axes(c, area, top, ax, chart);
    draw_chart_series(c, ax, chart);
    draw_chart_legend(c, ax, chart);
}

}  // namespace ddpm
