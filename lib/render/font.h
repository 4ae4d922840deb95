// Font: DejaVu Sans (matplotlib's default font), read with stb_truetype and drawn anti-aliased.
//
// The font is loaded once, from the system's font folders only (/usr/share/fonts,
// /usr/local/share/fonts; on macOS /Library/Fonts, /System/Library/Fonts, ~/Library/Fonts):
// stb_truetype trusts the file it parses, so the course never opens a font from anywhere else. DDPM_FONT may name another .ttf inside those folders (a CJK font for
// Chinese titles, say). When no font can be found, drawing text throws an Error that names the
// package to install (Debian: fonts-dejavu-core) and the variable.
//
// Sizes are em sizes in pixels, as CSS and SVG's font-size mean them: matplotlib's 10-point labels
// at 100 dpi are 13.9 pixels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ddpm {

// A glyph's coverage, 0..255 a pixel, placed with its top-left corner at (x, y) from the pen
// position on the baseline.
struct GlyphBitmap {
    int x = 0, y = 0, w = 0, h = 0;
    std::vector<uint8_t> coverage;  // (h, w)
};

// A glyph's ink box, in pixels from the pen position (y grows downwards: top < 0 above the
// baseline).
struct GlyphBox {
    float left = 0, top = 0, right = 0, bottom = 0;
};

class Font {
public:
    // The course's font: DDPM_FONT if set, else DejaVu Sans from the usual system paths. Throws
    // Error (naming what to install) when neither can be loaded.
    static const Font& get();

    const std::string& path() const { return path_; }
    std::string family() const;  // "DejaVu Sans", for SVG's font-family

    bool has(uint32_t codepoint) const;
    float ascent(float size) const;   // above the baseline, > 0
    float descent(float size) const;  // below the baseline, > 0
    float advance(uint32_t codepoint, float size) const;
    float kern(uint32_t left, uint32_t right, float size) const;
    GlyphBox box(uint32_t codepoint, float size) const;
    // The glyph rasterised with the pen at a sub-pixel offset (shift_x, shift_y in [0, 1)).
    // Cached, and safe to call from several threads.
    const GlyphBitmap& bitmap(uint32_t codepoint, float size, float shift_x, float shift_y) const;

    Font(const Font&) = delete;
    Font& operator=(const Font&) = delete;
    ~Font();

private:
    Font() = default;
    void load(const std::string& path);  // throws Error naming the path and the reason
    struct Impl;
    Impl* impl_ = nullptr;
    std::string path_;
};

// Where Font::get looks, in order, when DDPM_FONT is not set.
std::vector<std::string> default_font_paths();
// Whether a path lies inside the folders fonts may be read from (after resolving links).
bool in_system_font_folder(const std::string& path);

}  // namespace ddpm
