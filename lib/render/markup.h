// Markup: the figures' labels written as the lecture writes them, from a small TeX-like syntax.
//
//   x_t  x_{t-1}  x^2           subscripts and superscripts (one character, or a {group})
//   \alpha \beta \epsilon ...   Greek letters and a few symbols (\sqrt, \cdot, \le, \to, ...)
//   \bar\alpha_t  \tilde\beta   accents over what follows (one character, command or {group})
//   \sqrt{1 - \bar\alpha_t}     a radical with a bar over its argument
//   \{ \} \_ \^ \\              the characters themselves
//
// Anything else is UTF-8 text, drawn as it is. layout_markup places every glyph with the font's
// metrics; the Canvas draws them and the SVG writer writes them, so both show one layout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ddpm {

// One glyph: its pen position (x from the start, dy from the baseline, down > 0) and em size.
struct PlacedGlyph {
    uint32_t codepoint = 0;
    float x = 0, dy = 0, size = 0;
};

// A straight stroke (the bar of an accent or a radical), in the same coordinates.
struct PlacedStroke {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0, width = 1;
};

struct TextLayout {
    std::vector<PlacedGlyph> glyphs;
    std::vector<PlacedStroke> strokes;
    float width = 0;                // the pen's advance over the whole text
    float ascent = 0, descent = 0;  // the line's extent above and below the baseline, > 0
};

// Plain text as markup that draws it as written: \ _ ^ { } escaped (for data set names, file
// names and other text that is not a formula).
std::string markup_escape(const std::string& text);

// Lays out `markup` at em size `size` in pixels. Unknown commands and unbalanced braces are drawn
// as written (a label should never fail to draw); characters the font lacks become U+FFFD or '?'.
TextLayout layout_markup(const std::string& markup, float size);

}  // namespace ddpm
