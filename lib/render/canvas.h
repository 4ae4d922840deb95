// Canvas: an RGB image in memory that the plots draw on. Shapes are anti-aliased by coverage
// (a pixel half inside a disc gets half its colour), which is all a scatter plot needs to look
// clean. Text is DejaVu Sans (render/font.h), typeset from a small TeX-like markup
// (render/markup.h), anti-aliased the same way.
//
// Beside the pixels the canvas keeps the list of shapes drawn on it, so the same figure can be
// written as SVG (render/svg.h) with the same layout.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ddpm {

struct Color {
    uint8_t r = 0, g = 0, b = 0;
};
bool operator==(Color a, Color b);

namespace colors {
constexpr Color white{255, 255, 255}, black{0, 0, 0}, red{255, 0, 0}, gray{128, 128, 128},
    light_gray{225, 225, 225}, blue{31, 119, 180}, orange{255, 127, 14}, green{44, 160, 44},
    purple{148, 103, 189};
}
// "red", "white", ... or "#rrggbb"; throws UsageError otherwise.
Color parse_color(const std::string& text);

// The shapes a figure is made of, in pixels (y grows downwards).
struct RectShape {
    float x, y, w, h;
    Color fill;
};
struct DiscShape {
    float cx, cy, radius, edge_width;
    Color fill, edge;
};
struct LineShape {
    float x0, y0, x1, y1, width;
    Color color;
};
struct TextShape {
    float x, baseline, size;  // the pen's start on the baseline; the em size
    Color color;
    std::string markup;
};
using Shape = std::variant<RectShape, DiscShape, LineShape, TextShape>;

// Where a text's x is: its left end, its centre or its right end.
enum class Align { left, center, right };

class Canvas {
public:
    Canvas(int width, int height, Color background = colors::white);

    int width() const { return w_; }
    int height() const { return h_; }
    Color background() const { return background_; }
    const std::vector<Shape>& shapes() const { return shapes_; }
    const uint8_t* pixels() const { return rgb_.data(); }  // (height, width, 3), row-major
    Color get(int x, int y) const;

    // Mixes `c` into pixel (x, y) with weight alpha in [0, 1]; pixels outside are ignored. (The
    // pixels only: a shape drawn this way is not in shapes().)
    void blend(int x, int y, Color c, float alpha);
    void fill_rect(int x, int y, int w, int h, Color c);
    // A filled disc with an edge ring of width edge_width (0 for none), centre (cx, cy) in pixels.
    void disc(float cx, float cy, float radius, Color fill, Color edge, float edge_width);
    // A straight line of the given width.
    void line(float x0, float y0, float x1, float y1, Color c, float width = 1.0f);
    // Text from markup at em size `size` in pixels, the top of its line at y and x its left end,
    // centre or right end. Throws Error when no font can be loaded (render/font.h says why).
    void text(float x, float y, const std::string& markup, Color c, float size,
              Align align = Align::left);
    static float text_width(const std::string& markup, float size);
    static float text_height(float size);  // the line's height: the font's ascent + descent
    // Copies another canvas, pixels and shapes, with its top-left corner at (x, y).
    void paste(const Canvas& other, int x, int y);

private:
    void stroke(float x0, float y0, float x1, float y1, Color c, float width);  // pixels only
    int w_, h_;
    Color background_;
    std::vector<uint8_t> rgb_;
    std::vector<Shape> shapes_;
};

}  // namespace ddpm
