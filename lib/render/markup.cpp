#include "render/markup.h"

#include <algorithm>
#include <cctype>

#include "render/font.h"

namespace ddpm {

namespace {

struct Symbol {
    const char* name;
    uint32_t codepoint;
};

// The lecture's letters and symbols. \epsilon is drawn as the lecture's ε (U+03B5).
const Symbol kSymbols[] = {
    {"alpha", 0x3B1},   {"beta", 0x3B2},       {"gamma", 0x3B3},   {"delta", 0x3B4},
    {"epsilon", 0x3B5}, {"varepsilon", 0x3B5}, {"zeta", 0x3B6},    {"eta", 0x3B7},
    {"theta", 0x3B8},   {"lambda", 0x3BB},     {"mu", 0x3BC},      {"pi", 0x3C0},
    {"sigma", 0x3C3},   {"tau", 0x3C4},        {"phi", 0x3C6},     {"omega", 0x3C9},
    {"Delta", 0x394},   {"Sigma", 0x3A3},      {"nabla", 0x2207},  {"cdot", 0x22C5},
    {"times", 0xD7},    {"le", 0x2264},        {"ge", 0x2265},     {"approx", 0x2248},
    {"to", 0x2192},     {"infty", 0x221E},     {"pm", 0xB1},       {"sim", 0x223C},
    {"mid", '|'},       {"ell", 0x2113},       {"propto", 0x221D}, {"sum", 0x2211},
};

enum class Accent { bar, tilde, hat };

// Reads one UTF-8 character at s[pos] (advancing pos); a malformed byte reads as U+FFFD.
uint32_t next_codepoint(const std::string& s, size_t& pos) {
    const unsigned char c = static_cast<unsigned char>(s[pos++]);
    if (c < 0x80) return c;
    const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
    if (extra < 0) return 0xFFFD;
    uint32_t cp = c & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (pos >= s.size() || (static_cast<unsigned char>(s[pos]) & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (static_cast<unsigned char>(s[pos++]) & 0x3F);
    }
    return cp;
}

// A recursive-descent reader of the markup that places glyphs as it reads.
class Layouter {
public:
    Layouter(const Font& font, const std::string& s, TextLayout& out)
        : font_(font), s_(s), out_(out) {}

    float pen() const { return x_; }

    // Reads until the end, or until the '}' that closes a group when in_group.
    void sequence(float size, float dy, bool math, bool in_group) {
        while (pos_ < s_.size()) {
            const char c = s_[pos_];
            if (c == '}' && in_group) {
                ++pos_;
                return;
            }
            if (c == '_' || c == '^') {
                ++pos_;
                const float shift = c == '_' ? 0.22f * size : -0.38f * size;
                atom(0.7f * size, dy + shift, true);
                previous_ = 0;  // no kerning across a change of size
            } else {
                atom(size, dy, math);
            }
        }
    }

private:
    // One character, one command, or one {group}.
    void atom(float size, float dy, bool math) {
        if (pos_ >= s_.size()) return;
        if (s_[pos_] == '{') {
            ++pos_;
            sequence(size, dy, math, true);
            return;
        }
        if (s_[pos_] == '\\') {
            command(size, dy, math);
            return;
        }
        uint32_t cp = next_codepoint(s_, pos_);
        if (math && cp == '-') cp = 0x2212;  // a minus sign, as TeX sets it
        glyph(cp, size, dy);
    }

    void command(float size, float dy, bool math) {
        ++pos_;  // the backslash
        size_t end = pos_;
        while (end < s_.size() && std::isalpha(static_cast<unsigned char>(s_[end]))) ++end;
        const std::string name = s_.substr(pos_, end - pos_);
        if (name.empty()) {  // \{ \} \_ \^ \\ and the thin space \,
            if (pos_ >= s_.size()) return glyph('\\', size, dy);
            const char c = s_[pos_++];
            if (c == ',') {
                x_ += 0.17f * size;
                return;
            }
            return glyph(static_cast<unsigned char>(c), size, dy);
        }
        pos_ = end;
        if (name == "bar" || name == "tilde" || name == "hat")
            return accented(name == "bar"     ? Accent::bar
                            : name == "tilde" ? Accent::tilde
                                              : Accent::hat,
                            size, dy, math);
        if (name == "sqrt") return radical(size, dy);
        for (const Symbol& sym : kSymbols)
            if (name == sym.name) return glyph(sym.codepoint, size, dy);
        glyph('\\', size, dy);  // unknown: drawn as written
        for (char c : name) glyph(static_cast<unsigned char>(c), size, dy);
    }

    void glyph(uint32_t cp, float size, float dy) {
        if (!font_.has(cp)) cp = font_.has(0xFFFD) ? 0xFFFD : '?';
        if (previous_) x_ += font_.kern(previous_, cp, size);
        out_.glyphs.push_back({cp, x_, dy, size});
        x_ += font_.advance(cp, size);
        previous_ = cp;
        extend(font_.ascent(size) - dy, font_.descent(size) + dy);
    }

    void extend(float ascent, float descent) {
        out_.ascent = std::max(out_.ascent, ascent);
        out_.descent = std::max(out_.descent, descent);
    }

    // The ink extent of glyphs [first, end): left, top, right (top < 0 is above the baseline).
    GlyphBox ink(size_t first, float size, float dy) const {
        GlyphBox b{x_, dy - 0.5f * size, x_, dy};
        bool any = false;
        for (size_t i = first; i < out_.glyphs.size(); ++i) {
            const PlacedGlyph& g = out_.glyphs[i];
            const GlyphBox gb = font_.box(g.codepoint, g.size);
            if (gb.right <= gb.left) continue;
            b.left = any ? std::min(b.left, g.x + gb.left) : g.x + gb.left;
            b.right = any ? std::max(b.right, g.x + gb.right) : g.x + gb.right;
            b.top = any ? std::min(b.top, g.dy + gb.top) : g.dy + gb.top;
            any = true;
        }
        return b;
    }

    // An accent over the next atom: a bar as a stroke, a tilde or hat as a glyph centred on it.
    void accented(Accent accent, float size, float dy, bool math) {
        const size_t first = out_.glyphs.size();
        atom(size, dy, math);
        const GlyphBox base = ink(first, size, dy);
        if (accent == Accent::bar) {
            const float w = 0.06f * size, y = base.top - 0.12f * size;
            out_.strokes.push_back({base.left, y, base.right, y, w});
            extend(-y + w, 0);
            return;
        }
        const uint32_t mark = accent == Accent::tilde ? 0x2DC : 0x2C6;
        const GlyphBox m = font_.box(mark, size);
        const float gx = (base.left + base.right) / 2 - (m.left + m.right) / 2;
        const float gdy = base.top - 0.06f * size - m.bottom;
        out_.glyphs.push_back({mark, gx, gdy, size});
        extend(-(gdy + m.top), 0);
    }

    // √ and its argument, with the bar from the sign's top over the argument.
    void radical(float size, float dy) {
        const GlyphBox sign = font_.box(0x221A, size);
        const float sign_x = x_;
        glyph(0x221A, size, dy);
        previous_ = 0;
        const float start = sign_x + sign.right - 0.03f * size;
        atom(size, dy, true);
        const float w = 0.055f * size, y = dy + sign.top + w / 2;
        out_.strokes.push_back({start, y, x_ + 0.05f * size, y, w});
        x_ += 0.1f * size;
        extend(-(y - w), 0);
    }

    const Font& font_;
    const std::string& s_;
    TextLayout& out_;
    size_t pos_ = 0;
    float x_ = 0;
    uint32_t previous_ = 0;  // the last glyph, for kerning
};

}  // namespace

std::string markup_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '_' || c == '^' || c == '{' || c == '}') out += '\\';
        out += c;
    }
    return out;
}

TextLayout layout_markup(const std::string& markup, float size) {
    const Font& font = Font::get();
    TextLayout out;
    out.ascent = font.ascent(size);  // an empty label still has a line's height
    out.descent = font.descent(size);
    Layouter layouter(font, markup, out);
    layouter.sequence(size, 0, false, false);
    out.width = layouter.pen();
    return out;
}

}  // namespace ddpm
