#include "render/canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "render/font.h"
#include "render/markup.h"

namespace ddpm {

bool operator==(Color a, Color b) {
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

Color parse_color(const std::string& text) {
    struct Named {
        const char* name;
        Color c;
    };
    static const Named named[] = {{"white", colors::white}, {"black", colors::black},
                                  {"red", colors::red},     {"gray", colors::gray},
                                  {"blue", colors::blue},   {"orange", colors::orange},
                                  {"green", colors::green}, {"purple", colors::purple}};
    for (const Named& n : named)
        if (text == n.name) return n.c;
    if (text.size() == 7 && text[0] == '#' &&
        text.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos) {
        long v = std::strtol(text.c_str() + 1, nullptr, 16);
        return Color{uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    }
    throw UsageError("unknown colour '" + text + "' (a name such as red, or #rrggbb)");
}

Canvas::Canvas(int width, int height, Color background)
    : w_(width), h_(height), background_(background) {
    if (width < 1 || height < 1 || width > 16384 || height > 16384)
        throw UsageError("canvas size must be within 1..16384 pixels, got " +
                         std::to_string(width) + "x" + std::to_string(height));
    rgb_.resize(static_cast<size_t>(w_) * h_ * 3);
    for (size_t i = 0; i < rgb_.size(); i += 3) {
        rgb_[i] = background.r;
        rgb_[i + 1] = background.g;
        rgb_[i + 2] = background.b;
    }
}

Color Canvas::get(int x, int y) const {
    const uint8_t* p = &rgb_[(static_cast<size_t>(y) * w_ + x) * 3];
    return Color{p[0], p[1], p[2]};
}

void Canvas::blend(int x, int y, Color c, float alpha) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_ || alpha <= 0.0f) return;
    uint8_t* p = &rgb_[(static_cast<size_t>(y) * w_ + x) * 3];
    if (alpha >= 1.0f) {
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
        return;
    }
    auto mix = [alpha](uint8_t old, uint8_t add) {
        return static_cast<uint8_t>(std::lround(old + alpha * (add - old)));
    };
    p[0] = mix(p[0], c.r);
    p[1] = mix(p[1], c.g);
    p[2] = mix(p[2], c.b);
}

void Canvas::fill_rect(int x, int y, int w, int h, Color c) {
    shapes_.push_back(RectShape{float(x), float(y), float(w), float(h), c});
    for (int j = std::max(y, 0); j < std::min(y + h, h_); ++j)
        for (int i = std::max(x, 0); i < std::min(x + w, w_); ++i) blend(i, j, c, 1.0f);
}

static float coverage(float inside) {
    return std::clamp(inside, 0.0f, 1.0f);
}

void Canvas::disc(float cx, float cy, float radius, Color fill, Color edge, float edge_width) {
    shapes_.push_back(DiscShape{cx, cy, radius, edge_width, fill, edge});
    int x0 = static_cast<int>(std::floor(cx - radius - 1)), x1 = static_cast<int>(cx + radius + 1);
    int y0 = static_cast<int>(std::floor(cy - radius - 1)), y1 = static_cast<int>(cy + radius + 1);
    for (int y = std::max(y0, 0); y <= std::min(y1, h_ - 1); ++y)
        for (int x = std::max(x0, 0); x <= std::min(x1, w_ - 1); ++x) {
            // Distance from the pixel's centre to the disc's centre.
            float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
            if (edge_width > 0) blend(x, y, edge, coverage(radius + 0.5f - d));
            blend(x, y, fill, coverage(radius - edge_width + 0.5f - d));
        }
}

void Canvas::stroke(float x0, float y0, float x1, float y1, Color c, float width) {
    const float half = width / 2.0f, dx = x1 - x0, dy = y1 - y0;
    const float len2 = dx * dx + dy * dy;
    int xa = static_cast<int>(std::floor(std::min(x0, x1) - half - 1));
    int xb = static_cast<int>(std::max(x0, x1) + half + 1);
    int ya = static_cast<int>(std::floor(std::min(y0, y1) - half - 1));
    int yb = static_cast<int>(std::max(y0, y1) + half + 1);
    for (int y = std::max(ya, 0); y <= std::min(yb, h_ - 1); ++y)
        for (int x = std::max(xa, 0); x <= std::min(xb, w_ - 1); ++x) {
            // Distance from the pixel's centre to the segment.
            float px = x + 0.5f - x0, py = y + 0.5f - y0;
            float u = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
            float d = std::hypot(px - u * dx, py - u * dy);
            blend(x, y, c, coverage(half + 0.5f - d));
        }
}

void Canvas::line(float x0, float y0, float x1, float y1, Color c, float width) {
    shapes_.push_back(LineShape{x0, y0, x1, y1, width, c});
    stroke(x0, y0, x1, y1, c, width);
}

void Canvas::text(float x, float y, const std::string& markup, Color c, float size, Align align) {
    const Font& font = Font::get();
    const TextLayout layout = layout_markup(markup, size);
    const float left = align == Align::left     ? x
                       : align == Align::center ? x - layout.width / 2
                                                : x - layout.width;
    const float baseline = y + font.ascent(size);
    shapes_.push_back(TextShape{left, baseline, size, c, markup});
    for (const PlacedGlyph& g : layout.glyphs) {
        const float pen_x = left + g.x, pen_y = baseline + g.dy;
        const float ix = std::floor(pen_x), iy = std::floor(pen_y);
        const GlyphBitmap& bm = font.bitmap(g.codepoint, g.size, pen_x - ix, pen_y - iy);
        for (int j = 0; j < bm.h; ++j)
            for (int i = 0; i < bm.w; ++i)
                blend(static_cast<int>(ix) + bm.x + i, static_cast<int>(iy) + bm.y + j, c,
                      bm.coverage[static_cast<size_t>(j) * bm.w + i] / 255.0f);
    }
    for (const PlacedStroke& st : layout.strokes)
        stroke(left + st.x0, baseline + st.y0, left + st.x1, baseline + st.y1, c, st.width);
}

float Canvas::text_width(const std::string& markup, float size) {
    return layout_markup(markup, size).width;
}

float Canvas::text_height(float size) {
    const Font& font = Font::get();
    return font.ascent(size) + font.descent(size);
}

// Moves a shape by (dx, dy).
static Shape moved(Shape shape, float dx, float dy) {
    if (auto* r = std::get_if<RectShape>(&shape)) {
        r->x += dx;
        r->y += dy;
    } else if (auto* d = std::get_if<DiscShape>(&shape)) {
        d->cx += dx;
        d->cy += dy;
    } else if (auto* l = std::get_if<LineShape>(&shape)) {
        l->x0 += dx;
        l->y0 += dy;
        l->x1 += dx;
        l->y1 += dy;
    } else if (auto* t = std::get_if<TextShape>(&shape)) {
        t->x += dx;
        t->baseline += dy;
    }
    return shape;
}

void Canvas::paste(const Canvas& other, int x, int y) {
    // The other canvas's background first, so the SVG shows what the pixels show.
    shapes_.push_back(RectShape{float(x), float(y), float(other.width()), float(other.height()),
                                other.background()});
    for (const Shape& s : other.shapes()) shapes_.push_back(moved(s, float(x), float(y)));
    for (int j = 0; j < other.height(); ++j)
        for (int i = 0; i < other.width(); ++i) blend(x + i, y + j, other.get(i, j), 1.0f);
}

}  // namespace ddpm
