// Canvas: an RGB image in memory that the plots draw on. Shapes are anti-aliased by coverage
// (a pixel half inside a disc gets half its colour), which is all a scatter plot needs to look
// clean. Text uses stb_easy_font, a tiny public-domain bitmap font built from rectangles.
#pragma once
#include <cstdint>
#include <string>
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

class Canvas {
public:
    Canvas(int width, int height, Color background = colors::white);

    int width() const { return w_; }
    int height() const { return h_; }
    const uint8_t* pixels() const { return rgb_.data(); }  // (height, width, 3), row-major
    Color get(int x, int y) const;

    // Mixes `c` into pixel (x, y) with weight alpha in [0, 1]; pixels outside are ignored.
    void blend(int x, int y, Color c, float alpha);
    void fill_rect(int x, int y, int w, int h, Color c);
    // A filled disc with an edge ring of width edge_width (0 for none), centre (cx, cy) in pixels.
    void disc(float cx, float cy, float radius, Color fill, Color edge, float edge_width);
    // A straight line of the given width.
    void line(float x0, float y0, float x1, float y1, Color c, float width = 1.0f);
    // Text with its top-left corner at (x, y); scale 1 is about 7 pixels tall.
    void text(int x, int y, const std::string& s, Color c, int scale = 1);
    static int text_width(const std::string& s, int scale = 1);
    static int text_height(int scale = 1) { return 7 * scale; }
    // Copies another canvas with its top-left corner at (x, y).
    void paste(const Canvas& other, int x, int y);

private:
    int w_, h_;
    std::vector<uint8_t> rgb_;
};

}  // namespace ddpm
