// The figures' text: the font is found where the system keeps fonts and nowhere else, the markup
// places sub- and superscripts, symbols, accents and radicals, and the SVG writer writes what the
// canvas drew, as well-formed XML (xmllint parses it).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "helpers.h"
#include "io/atomic_file.h"
#include "render/font.h"
#include "render/markup.h"
#include "render/plot.h"
#include "render/svg.h"

TEST_CASE("the font comes from the system's font folders, and links are followed before judging") {
    const ddpm::Font& font = ddpm::Font::get();
    CHECK(ddpm::in_system_font_folder(font.path()));
    CHECK(font.family() == "DejaVu Sans");
    CHECK_FALSE(ddpm::in_system_font_folder("/etc/passwd"));
    CHECK_FALSE(ddpm::in_system_font_folder("/no/such/font.ttf"));
    TempDir dir;
    // A link outside the folders that points into them is the system's font; the reverse is not.
    REQUIRE(symlink(font.path().c_str(), dir.file("linked.ttf").c_str()) == 0);
    CHECK(ddpm::in_system_font_folder(dir.file("linked.ttf")));
    CHECK(font.ascent(20) > 10);
    CHECK(font.descent(20) > 2);
    CHECK(font.advance('W', 20) > font.advance('i', 20));
}

TEST_CASE("a subscript is smaller and lower; a superscript smaller and higher; '-' is a minus") {
    const ddpm::TextLayout x = ddpm::layout_markup("x_{t-1}^2", 20);
    REQUIRE(x.glyphs.size() == 5);
    CHECK(x.glyphs[0].codepoint == 'x');
    CHECK(x.glyphs[0].size == 20);
    CHECK(x.glyphs[0].dy == 0);
    for (int i : {1, 2, 3}) {
        CHECK(x.glyphs[i].size == doctest::Approx(14));
        CHECK(x.glyphs[i].dy > 0);  // below the baseline
    }
    CHECK(x.glyphs[2].codepoint == 0x2212);
    CHECK(x.glyphs[4].dy < 0);  // above
    for (size_t i = 1; i < x.glyphs.size(); ++i) CHECK(x.glyphs[i].x > x.glyphs[i - 1].x);
    CHECK(x.width > x.glyphs[4].x);
}

TEST_CASE("Greek letters, accents and radicals are typeset as the lecture writes them") {
    const ddpm::TextLayout bar = ddpm::layout_markup("\\bar\\alpha_t", 20);
    REQUIRE(bar.glyphs.size() == 2);
    CHECK(bar.glyphs[0].codepoint == 0x3B1);
    REQUIRE(bar.strokes.size() == 1);  // the bar: over the alpha only, above its ink
    const ddpm::GlyphBox alpha = ddpm::Font::get().box(0x3B1, 20);
    CHECK(bar.strokes[0].y0 < alpha.top);
    CHECK(bar.strokes[0].x1 < bar.glyphs[1].x + 1);

    const ddpm::TextLayout eps = ddpm::layout_markup("\\epsilon_\\theta", 20);
    REQUIRE(eps.glyphs.size() == 2);
    CHECK(eps.glyphs[0].codepoint == 0x3B5);
    CHECK(eps.glyphs[1].codepoint == 0x3B8);

    const ddpm::TextLayout tilde = ddpm::layout_markup("\\tilde\\beta_t", 20);
    REQUIRE(tilde.glyphs.size() == 3);
    CHECK(tilde.glyphs[1].codepoint == 0x2DC);  // the tilde, centred over beta and above it
    CHECK(tilde.glyphs[1].dy < 0);

    const ddpm::TextLayout root = ddpm::layout_markup("\\sqrt{1 - \\bar\\alpha_t}", 20);
    CHECK(root.glyphs[0].codepoint == 0x221A);
    REQUIRE(root.strokes.size() == 2);  // the radical's bar reaches past the whole argument
    CHECK(root.strokes[1].x1 > root.glyphs.back().x);
    CHECK(root.ascent > ddpm::Font::get().ascent(20) * 0.9f);
}

TEST_CASE("plain text escapes to itself; unknown commands and odd braces still draw") {
    const std::string name = "s_curve {a^b} \\x";
    const ddpm::TextLayout t = ddpm::layout_markup(ddpm::markup_escape(name), 16);
    REQUIRE(t.glyphs.size() == name.size());
    for (size_t i = 0; i < name.size(); ++i) {
        CHECK(t.glyphs[i].codepoint == static_cast<unsigned char>(name[i]));
        CHECK(t.glyphs[i].dy == 0);
        CHECK(t.glyphs[i].size == 16);
    }
    CHECK(ddpm::layout_markup("\\nosuch", 16).glyphs.size() == 7);  // "\nosuch" as written
    CHECK(ddpm::layout_markup("{open", 16).glyphs.size() == 4);
    CHECK(ddpm::layout_markup("close}", 16).glyphs.size() == 6);
    CHECK(ddpm::layout_markup("x_", 16).glyphs.size() == 1);
}

TEST_CASE("the SVG holds what the canvas drew, at the same places, and is well-formed XML") {
    ddpm::Canvas c(300, 200);
    c.disc(10, 20, 3, ddpm::colors::red, ddpm::colors::white, 0.5f);
    c.disc(30, 40, 3, ddpm::colors::red, ddpm::colors::white, 0.5f);
    c.line(0, 0, 10, 10, ddpm::colors::blue, 2);
    c.line(10, 10, 20, 5, ddpm::colors::blue, 2);  // continues the first: one polyline
    c.text(5, 100, "q(x_{t} | x_0) & <p_\\theta>", ddpm::colors::black, 14);
    ddpm::Canvas chart(400, 300);
    ddpm::LineChart lc{"loss \\epsilon_\\theta", "epoch", "loss", {}, true};
    lc.series.push_back({"mean", {1, 2, 3}, {1.0f, 0.5f, 0.25f}, ddpm::colors::blue});
    ddpm::draw_line_chart(chart, {0, 0, 400, 300}, lc);
    c.paste(chart, 0, 0);
    const std::string svg = ddpm::encode_svg(c);
    auto count = [&](const std::string& what) {
        int n = 0;
        for (size_t at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
        return n;
    };
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(count("<circle") == 2);
    CHECK(svg.find("cx=\"30\" cy=\"40\"") != std::string::npos);
    CHECK(svg.find("points=\"0,0 10,10 20,5\"") != std::string::npos);
    CHECK(svg.find("&amp;") != std::string::npos);
    CHECK(svg.find("&lt;") != std::string::npos);
    CHECK(svg.find("(log scale)") != std::string::npos);
    CHECK(svg.find("font-family=\"DejaVu Sans") != std::string::npos);
    TempDir dir;
    ddpm::save_figure(c, dir.file("a.svg"));
    CHECK(ddpm::read_file(dir.file("a.svg")) == svg);
    const std::string cmd = "xmllint --noout " + dir.file("a.svg") + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);
    INFO("xmllint: " << out);
    CHECK(status == 0);  // xmllint is a test dependency (libxml2-utils): missing, this fails
    CHECK_THROWS_WITH(ddpm::save_figure(c, dir.file("a.jpg")), doctest::Contains(".png or .svg"));
}
