#include "render/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

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
    // A degenerate range (all points on one line, or on one point) still needs a width to map
    // onto pixels, and one of the points' own scale: a width of 1e-6 around a point at 1e4 is
    // below float's spacing there and rounds away. In double: points near float's limit span
    // more than a float holds.
    auto width = [](float lo, float hi) {
        const double scale = std::max(std::fabs(double(lo)), std::fabs(double(hi)));
        return std::max({double(hi) - lo, 1e-6, 1e-3 * scale});
    };
    const double dx = width(l.xmin, l.xmax), dy = width(l.ymin, l.ymax);
    const Limits out{float(l.xmin - margin * dx), float(l.xmax + margin * dx),
                     float(l.ymin - margin * dy), float(l.ymax + margin * dy)};
    if (!std::isfinite(out.xmax - out.xmin) || !std::isfinite(out.ymax - out.ymin) ||
        !(out.xmax > out.xmin) || !(out.ymax > out.ymin)) {
        char span[32];
        std::snprintf(span, sizeof span, "%.3g", std::max(dx, dy));
        throw Error(std::string("the points span ") + span +
                    ", more than a float can hold; rescale them to draw them");
    }
    return out;
}

Limits merge(Limits a, Limits b) {
    return {std::min(a.xmin, b.xmin), std::max(a.xmax, b.xmax), std::min(a.ymin, b.ymin),
            std::max(a.ymax, b.ymax)};
}

Rect Grid::panel(int i) const {
    int r = i / cols, c = i % cols;
    return {gap + c * (panel_w + gap), gap + r * (panel_h + gap), panel_w, panel_h};
}

// Splits a title at '\n'.
static std::vector<std::string> title_lines(const std::string& title) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = title.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(title.substr(start, nl - start));
    lines.push_back(title.substr(start));
    return lines;
}

// The size at which every line of every title fits in `width` (no less than 7 pixels, no more
// than `size`).
static float fitted_size(const std::vector<std::string>& titles, int width, float size) {
    float widest = 0;
    for (const std::string& title : titles)
        for (const std::string& line : title_lines(title))
            widest = std::max(widest, Canvas::text_width(line, size));
    return widest > width - 4 ? std::max(7.0f, size * (width - 4) / widest) : size;
}

// The title's lines centred at the top of the panel, shrunk until the widest fits; returns the
// height they take.
static int draw_panel_title(Canvas& c, Rect panel, const std::string& title, float size) {
    if (title.empty()) return 0;
    const std::vector<std::string> lines = title_lines(title);
    size = fitted_size({title}, panel.w, size);
    const float line_h = Canvas::text_height(size);
    for (size_t i = 0; i < lines.size(); ++i)
        c.text(panel.x + panel.w / 2.0f, panel.y + 2 + i * line_h, lines[i], colors::black, size,
               Align::center);
    return static_cast<int>(std::ceil(lines.size() * line_h)) + 4;
}

// Axes for `lim` centred in `area`, keeping the data's aspect ratio: an S-curve should not look
// squashed. In double, and within the area, whatever the limits.
static Axes aspect_axes(Rect area, Limits lim) {
    Axes ax{area, lim};
    const double xr = double(lim.xmax) - lim.xmin, yr = double(lim.ymax) - lim.ymin;
    if (!(xr > 0 && yr > 0 && std::isfinite(xr) && std::isfinite(yr)))
        throw Error("a plot's limits must span a finite, non-zero range in x and y");
    const double sx = ax.area.w / xr, sy = ax.area.h / yr;
    if (sx > sy) {
        const int w = static_cast<int>(std::clamp(xr * sy, 1.0, double(ax.area.w)));
        ax.area.x += (ax.area.w - w) / 2;
        ax.area.w = w;
    } else {
        const int h = static_cast<int>(std::clamp(yr * sx, 1.0, double(ax.area.h)));
        ax.area.y += (ax.area.h - h) / 2;
        ax.area.h = h;
    }
    return ax;
}

void scatter_panel(Canvas& c, Rect panel, const Tensor& points, Limits lim,
                   const ScatterStyle& style, const std::string& title, float title_size) {
    const int title_h = draw_panel_title(c, panel, title, title_size);
    const Axes ax = aspect_axes({panel.x, panel.y + title_h, panel.w, panel.h - title_h}, lim);
    // Points outside the limits are left out (fixed limits may not hold every frame's noise): a
    // panel never draws over its neighbours or its title.
    const Rect inside{panel.x, panel.y + title_h, panel.w, panel.h - title_h};
    for (size_t i = 0; i + 1 < points.size(); i += 2) {
        const float x = ax.px(points[i]), y = ax.py(points[i + 1]);
        const bool within = x - style.radius >= inside.x &&
                            x + style.radius <= inside.x + inside.w &&
                            y - style.radius >= inside.y && y + style.radius <= inside.y + inside.h;
        if (!within) continue;  // NaN and infinite positions are not within anything
        if (style.snap_to_pixels)
            c.disc(std::round(x - 0.5f) + 0.5f, std::round(y - 0.5f) + 0.5f, style.radius,
                   style.fill, style.edge, style.edge_width);
        else
            c.disc(x, y, style.radius, style.fill, style.edge, style.edge_width);
    }
}

// White to steel blue, by the square root of the value's share of the largest: the low tails of
// a density stay visible.
static Color shade(double v, double largest) {
    const double f = largest > 0 ? std::sqrt(std::clamp(v / largest, 0.0, 1.0)) : 0.0;
    auto mix = [f](int from, int to) { return static_cast<uint8_t>(from + (to - from) * f); };
    return {mix(255, 70), mix(255, 130), mix(255, 180)};
}

void field_panel(Canvas& c, Rect panel, const FieldPanel& field, const std::string& title,
                 float title_size) {
    const int title_h = draw_panel_title(c, panel, title, title_size);
    const Axes ax =
        aspect_axes({panel.x, panel.y + title_h, panel.w, panel.h - title_h}, field.lim);
    const int k = field.cells;
    if (k > 0 && field.density.size() == static_cast<size_t>(k) * k) {
        const double largest = *std::max_element(field.density.begin(), field.density.end());
        for (int row = 0; row < k; ++row)  // row 0 at the bottom (ymin)
            for (int col = 0; col < k; ++col) {
                const int x0 = static_cast<int>(std::floor(ax.area.x + col * ax.area.w / k));
                const int x1 = static_cast<int>(std::floor(ax.area.x + (col + 1) * ax.area.w / k));
                const int y1 =
                    static_cast<int>(std::floor(ax.area.y + ax.area.h - row * ax.area.h / k));
                const int y0 =
                    static_cast<int>(std::floor(ax.area.y + ax.area.h - (row + 1) * ax.area.h / k));
                c.fill_rect(x0, y0, x1 - x0, y1 - y0, shade(field.density[row * k + col], largest));
            }
    }
    // Each arrow: a shaft from its tail and a head of two strokes at +-25 degrees.
    for (size_t i = 0; i + 1 < field.tails.size() && i + 1 < field.vectors.size(); i += 2) {
        const float x0 = ax.px(field.tails[i]), y0 = ax.py(field.tails[i + 1]);
        const float x1 = ax.px(field.tails[i] + field.vectors[i]),
                    y1 = ax.py(field.tails[i + 1] + field.vectors[i + 1]);
        const float len = std::hypot(x1 - x0, y1 - y0);
        if (!(len > 0.5f) || !std::isfinite(len)) continue;
        c.line(x0, y0, x1, y1, field.color, 1.0f);
        const float head = std::min(4.0f, 0.4f * len), ux = (x0 - x1) / len, uy = (y0 - y1) / len;
        for (float sign : {-1.0f, 1.0f}) {
            const float cs = std::cos(0.44f), sn = sign * std::sin(0.44f);
            c.line(x1, y1, x1 + head * (cs * ux - sn * uy), y1 + head * (sn * ux + cs * uy),
                   field.color, 1.0f);
        }
    }
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
    LineChart chart{"training loss L_{simple}", "epoch", "loss", {}, true};
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
    // One title size for every panel: the largest at which all of them fit.
    const float size = fitted_size(titles, panel_w, text_size::panel_title);
    for (size_t i = 0; i < sets.size() && static_cast<int>(i) < rows * cols; ++i)
        scatter_panel(c, grid.panel(static_cast<int>(i)), sets[i],
                      shared ? *shared : limits_of(sets[i]), style,
                      i < titles.size() ? titles[i] : "", size);
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
        titles.push_back("x_{" + std::to_string(T - k) + "}");
    }
    Canvas panels =
        panel_figure(sets, titles, 1, 10, ScatterStyle{1.5f, colors::red, colors::white, 0.4f});
    const std::string top =
        heading.empty() ? "samples of p_\\theta(x_{t-1} | x_t), from x_T to x_0" : heading;
    const int top_h = static_cast<int>(std::ceil(Canvas::text_height(text_size::label))) + 8;
    Canvas c(panels.width(), panels.height() + top_h);
    c.text(8, 4, top, colors::black, text_size::label);
    c.paste(panels, 0, top_h);
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

// Where a line chart's plot area sits inside its frame, and how its y ticks are labelled.
struct ChartFrame {
    Axes ax;
    std::vector<double> y_ticks, x_ticks;
};

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
            if (drawable(chart, s.y[i])) {  // a bar's whole width is inside
                lim.xmin = std::min(lim.xmin, s.x[i] - s.bar_width / 2);
                lim.xmax = std::max(lim.xmax, s.x[i] + s.bar_width / 2);
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

// The labels of a set of ticks (10^t on a log axis).
static std::vector<std::string> tick_labels(const std::vector<double>& ticks, bool log) {
    std::vector<std::string> labels;
    for (double t : ticks) labels.push_back(tick_label(log ? std::pow(10.0, t) : t));
    return labels;
}

// The x ticks: as many as fit with a gap of a label's height between neighbouring labels.
static std::vector<double> x_ticks(const Limits& lim, int width) {
    for (int count = 8; count > 1; --count) {
        std::vector<double> ticks = nice_ticks(lim.xmin, lim.xmax, count);
        float used = 0;
        for (const std::string& l : tick_labels(ticks, false))
            used += Canvas::text_width(l, text_size::tick) + text_size::tick;
        if (used <= width) return ticks;
    }
    return nice_ticks(lim.xmin, lim.xmax, 1);
}

// The plot area: room on the left for the widest y tick label, above for the title and the y
// label, below for the x ticks and the x label.
static ChartFrame chart_frame(Rect area, const LineChart& chart) {
    ChartFrame f;
    f.ax.lim = chart_limits(chart);
    f.y_ticks = y_ticks(chart, f.ax.lim);
    float widest = 0;
    for (const std::string& l : tick_labels(f.y_ticks, chart.log_y))
        widest = std::max(widest, Canvas::text_width(l, text_size::tick));
    const float line = Canvas::text_height(text_size::label);
    const int left = static_cast<int>(std::ceil(widest)) + 14, right = 16;
    const int top = static_cast<int>(std::ceil(
        (chart.title.empty() ? 0 : Canvas::text_height(text_size::title) + 6) + line + 8));
    const int bottom =
        static_cast<int>(std::ceil(Canvas::text_height(text_size::tick) + line)) + 14;
    f.ax.area = {area.x + left, area.y + top, area.w - left - right, area.h - top - bottom};
    f.x_ticks = x_ticks(f.ax.lim, f.ax.area.w);
    return f;
}

// Grid lines and tick labels, the axis lines, and the axis labels (the y label above its axis,
// saying when the axis is logarithmic).
static void draw_chart_axes(Canvas& c, Rect area, const ChartFrame& f, const LineChart& chart) {
    const Axes& ax = f.ax;
    const float tick_h = Canvas::text_height(text_size::tick);
    const std::vector<std::string> y_labels = tick_labels(f.y_ticks, chart.log_y);
    for (size_t i = 0; i < f.y_ticks.size(); ++i) {
        const float y = ax.py(static_cast<float>(f.y_ticks[i]));
        c.line(ax.area.x, y, ax.area.x + ax.area.w, y, colors::light_gray, 1);
        c.text(ax.area.x - 6, y - tick_h / 2, y_labels[i], colors::black, text_size::tick,
               Align::right);
    }
    const int bottom = ax.area.y + ax.area.h;
    const std::vector<std::string> x_labels = tick_labels(f.x_ticks, false);
    for (size_t i = 0; i < f.x_ticks.size(); ++i) {
        const float x = ax.px(static_cast<float>(f.x_ticks[i]));
        c.line(x, ax.area.y, x, bottom, colors::light_gray, 1);
        c.text(x, bottom + 4, x_labels[i], colors::black, text_size::tick, Align::center);
    }
    c.line(ax.area.x, bottom, ax.area.x + ax.area.w, bottom, colors::black);
    c.line(ax.area.x, ax.area.y, ax.area.x, bottom, colors::black);
    const float label_h = Canvas::text_height(text_size::label);
    if (!chart.xlabel.empty())
        c.text(ax.area.x + ax.area.w / 2.0f, area.y + area.h - label_h - 4, chart.xlabel,
               colors::black, text_size::label, Align::center);
    const std::string ylabel =
        chart.log_y ? (chart.ylabel.empty() ? "log scale" : chart.ylabel + " (log scale)")
                    : chart.ylabel;
    if (!ylabel.empty())
        c.text(area.x + 6, ax.area.y - label_h - 4, ylabel, colors::black, text_size::label);
}

// Each series as a polyline, broken where a value cannot be drawn.
// A series' bars: from 0 (or, on a log scale or with 0 out of sight, the plot's bottom edge) to
// each value, up or down.
static void draw_chart_bars(Canvas& c, const Axes& ax, const LineChart& chart, const Series& s) {
    const float top_edge = ax.area.y, bottom = ax.area.y + ax.area.h;
    const float base = chart.log_y ? bottom : std::clamp(ax.py(0.0f), top_edge, bottom);
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!drawable(chart, s.y[i])) continue;
        const float x0 = ax.px(s.x[i] - s.bar_width / 2), x1 = ax.px(s.x[i] + s.bar_width / 2);
        const float end = std::clamp(ax.py(chart_y(chart, s.y[i])), top_edge, bottom);
        const int left = static_cast<int>(std::round(x0)), right = static_cast<int>(std::round(x1));
        const int y0 = static_cast<int>(std::round(std::min(base, end)));
        const int y1 = static_cast<int>(std::round(std::max(base, end)));
        c.fill_rect(left, y0, std::max(1, right - left), std::max(1, y1 - y0), s.color);
    }
}

static void draw_chart_series(Canvas& c, const Axes& ax, const LineChart& chart) {
    for (const Series& s : chart.series) {
        if (s.bar_width > 0) {
            draw_chart_bars(c, ax, chart, s);
            continue;
        }
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

// The legend's box in one corner of the plot area.
static Rect legend_box(const Axes& ax, Corner corner, float widest, int rows) {
    const float row_h = Canvas::text_height(text_size::tick) + 2;
    const int w = static_cast<int>(std::ceil(widest)) + 40, h = static_cast<int>(rows * row_h) + 8;
    const bool right = corner == Corner::top_right || corner == Corner::bottom_right;
    const bool below = corner == Corner::bottom_right || corner == Corner::bottom_left;
    return {right ? ax.area.x + ax.area.w - w - 8 : ax.area.x + 8,
            below ? ax.area.y + ax.area.h - h - 8 : ax.area.y + 8, w, h};
}

// How many of the series' points fall inside a box, for choosing the legend's corner.
static int points_inside(const Axes& ax, const LineChart& chart, Rect box) {
    int n = 0;
    for (const Series& s : chart.series)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!drawable(chart, s.y[i])) continue;
            const float x = ax.px(s.x[i]), y = ax.py(chart_y(chart, s.y[i]));
            n += x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
        }
    return n;
}

// The legend: a line of each series' colour and its label, in the chosen corner (or the one that
// covers the fewest points).
static void draw_chart_legend(Canvas& c, const Axes& ax, const LineChart& chart) {
    int rows = 0;
    float widest = 0;
    for (const Series& s : chart.series) {
        if (s.label.empty()) continue;
        widest = std::max(widest, Canvas::text_width(s.label, text_size::tick));
        ++rows;
    }
    if (rows == 0) return;
    Corner corner = chart.legend;
    if (corner == Corner::best) {
        int fewest = -1;
        for (Corner k :
             {Corner::top_right, Corner::top_left, Corner::bottom_right, Corner::bottom_left}) {
            const int n = points_inside(ax, chart, legend_box(ax, k, widest, rows));
            if (fewest < 0 || n < fewest) {
                fewest = n;
                corner = k;
            }
        }
    }
    const Rect box = legend_box(ax, corner, widest, rows);
    c.fill_rect(box.x, box.y, box.w, box.h, Color{255, 255, 255});
    const float row_h = Canvas::text_height(text_size::tick) + 2;
    int row = 0;
    for (const Series& s : chart.series) {
        if (s.label.empty()) continue;
        const float y = box.y + 4 + row * row_h;
        c.line(box.x + 8, y + row_h / 2, box.x + 28, y + row_h / 2, s.color, 2.0f);
        c.text(box.x + 34, y, s.label, colors::black, text_size::tick);
        ++row;
    }
}

void draw_line_chart(Canvas& c, Rect area, const LineChart& chart) {
    const ChartFrame frame = chart_frame(area, chart);
    const Axes& ax = frame.ax;
    c.fill_rect(ax.area.x, ax.area.y, ax.area.w, ax.area.h, Color{250, 250, 250});
    if (!chart.title.empty())
        c.text(area.x + area.w / 2.0f, area.y + 4, chart.title, colors::black, text_size::title,
               Align::center);
    draw_chart_axes(c, area, frame, chart);
    draw_chart_series(c, ax, chart);
    draw_chart_legend(c, ax, chart);
}

}  // namespace ddpm
