#include "render/svg.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/utf8.h"
#include "io/atomic_file.h"
#include "io/points.h"
#include "render/font.h"
#include "render/markup.h"
#include "render/png.h"

namespace ddpm {

namespace {

// A coordinate with at most two decimals, without trailing zeros ("12", "3.5", "0.25").
std::string num(float v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    std::string s = b;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string hex(Color c) {
    char b[8];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", c.r, c.g, c.b);
    return b;
}

// A codepoint as UTF-8, with XML's special characters escaped.
std::string xml_char(uint32_t cp) {
    if (cp == '&') return "&amp;";
    if (cp == '<') return "&lt;";
    if (cp == '>') return "&gt;";
    std::string s;
    append_utf8(s, cp);
    return s;
}

std::string svg_rect(const RectShape& r) {
    return "<rect x=\"" + num(r.x) + "\" y=\"" + num(r.y) + "\" width=\"" + num(r.w) +
           "\" height=\"" + num(r.h) + "\" fill=\"" + hex(r.fill) + "\"/>\n";
}

// Canvas::disc fills radius - edge_width and rings the rest: a stroke centred on the ring.
std::string svg_disc(const DiscShape& d) {
    std::string s = "<circle cx=\"" + num(d.cx) + "\" cy=\"" + num(d.cy) + "\" r=\"" +
                    num(d.radius - d.edge_width / 2) + "\" fill=\"" + hex(d.fill) + "\"";
    if (d.edge_width > 0)
        s += " stroke=\"" + hex(d.edge) + "\" stroke-width=\"" + num(d.edge_width) + "\"";
    return s + "/>\n";
}

std::string svg_line(float x0, float y0, float x1, float y1, float width, Color c) {
    return "<line x1=\"" + num(x0) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(x1) + "\" y2=\"" +
           num(y1) + "\" stroke=\"" + hex(c) + "\" stroke-width=\"" + num(width) +
           "\" stroke-linecap=\"round\"/>\n";
}

// A line, and the lines after it that continue it (same colour and width, each starting where
// the last ended), as one polyline: a chart's series is one element, not hundreds. A vertex
// closer than half a pixel to the one before is left out (4000 epochs on 700 pixels), except
// the last. Advances i to the last line it took.
std::string svg_polyline(const std::vector<Shape>& shapes, size_t& i) {
    const LineShape& first = std::get<LineShape>(shapes[i]);
    std::string points =
        num(first.x0) + "," + num(first.y0) + " " + num(first.x1) + "," + num(first.y1);
    LineShape last = first;
    float kept_x = first.x1, kept_y = first.y1;  // the last vertex written
    while (i + 1 < shapes.size()) {
        const auto* next = std::get_if<LineShape>(&shapes[i + 1]);
        if (!next || !(next->color == last.color) || next->width != last.width ||
            next->x0 != last.x1 || next->y0 != last.y1)
            break;
        last = *next;
        ++i;
        const bool final_vertex = i + 1 >= shapes.size() || !std::get_if<LineShape>(&shapes[i + 1]);
        if (std::hypot(last.x1 - kept_x, last.y1 - kept_y) < 0.5f && !final_vertex) continue;
        points += " " + num(last.x1) + "," + num(last.y1);
        kept_x = last.x1;
        kept_y = last.y1;
    }
    return "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + hex(first.color) +
           "\" stroke-width=\"" + num(first.width) +
           "\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n";
}

// The text laid out as the PNG's: a <text> for each run of glyphs of one size and height that
// follow each other, the strokes of bars and radicals as lines.
std::string svg_text(const TextShape& t) {
    const Font& font = Font::get();
    const TextLayout layout = layout_markup(t.markup, t.size);
    std::string s;
    size_t i = 0;
    while (i < layout.glyphs.size()) {
        const PlacedGlyph& first = layout.glyphs[i];
        std::string chars = xml_char(first.codepoint);
        float pen = first.x + font.advance(first.codepoint, first.size);
        size_t j = i + 1;
        for (; j < layout.glyphs.size(); ++j) {
            const PlacedGlyph& g = layout.glyphs[j];
            if (g.size != first.size || g.dy != first.dy || std::fabs(g.x - pen) > 1.0f) break;
            chars += xml_char(g.codepoint);
            pen = g.x + font.advance(g.codepoint, g.size);
        }
        s += "<text x=\"" + num(t.x + first.x) + "\" y=\"" + num(t.baseline + first.dy) +
             "\" font-size=\"" + num(first.size) + "\" fill=\"" + hex(t.color) + "\">" + chars +
             "</text>\n";
        i = j;
    }
    for (const PlacedStroke& st : layout.strokes)
        s += svg_line(t.x + st.x0, t.baseline + st.y0, t.x + st.x1, t.baseline + st.y1, st.width,
                      t.color);
    return s;
}

}  // namespace

std::string encode_svg(const Canvas& c) {
    const std::string w = std::to_string(c.width()), h = std::to_string(c.height());
    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\">\n";
    s += "<g font-family=\"" + Font::get().family() +
         ", Verdana, sans-serif\" xml:space=\"preserve\">\n";
    s += svg_rect(RectShape{0, 0, float(c.width()), float(c.height()), c.background()});
    const std::vector<Shape>& shapes = c.shapes();
    for (size_t i = 0; i < shapes.size(); ++i) {
        if (const auto* r = std::get_if<RectShape>(&shapes[i])) s += svg_rect(*r);
        if (const auto* d = std::get_if<DiscShape>(&shapes[i])) s += svg_disc(*d);
        if (const auto* t = std::get_if<TextShape>(&shapes[i])) s += svg_text(*t);
        if (std::get_if<LineShape>(&shapes[i])) s += svg_polyline(shapes, i);
    }
    return s + "</g>\n</svg>\n";
}

void save_svg(const Canvas& c, const std::string& path) {
    write_file_atomic(path, encode_svg(c));
}

std::string figure_bytes(const Canvas& c, const std::string& path) {
    if (has_extension(path, ".png")) return encode_png(c);
    if (has_extension(path, ".svg")) return encode_svg(c);
    throw UsageError("figure " + path + ": the name must end in .png or .svg");
}

void save_figure(const Canvas& c, const std::string& path) {
    write_file_atomic(path, figure_bytes(c, path));
}

}  // namespace ddpm
