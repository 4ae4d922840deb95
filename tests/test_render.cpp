#include <doctest/doctest.h>

#include <cmath>

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "core/error.h"
#include "core/rng.h"
#include "helpers.h"
#include "io/atomic_file.h"
#include "render/animation.h"
#include "render/plot.h"
#include "render/png.h"

TEST_CASE("a PNG written by the canvas reads back with stb_image as the same pixels") {
    ddpm::Canvas c(37, 23, ddpm::colors::white);
    ddpm::Rng rng(4);
    for (int i = 0; i < 200; ++i)
        c.blend(rng.randint(37), rng.randint(23),
                ddpm::Color{uint8_t(rng.randint(256)), uint8_t(rng.randint(256)),
                            uint8_t(rng.randint(256))},
                rng.uniform());
    c.disc(10, 10, 4, ddpm::colors::red, ddpm::colors::white, 1);
    c.text(2, 2, "q(x_5)", ddpm::colors::black, 10);
    TempDir dir;
    ddpm::save_png(c, dir.file("a.png"));
    int w, h, comp;
    unsigned char* px = stbi_load(dir.file("a.png").c_str(), &w, &h, &comp, 3);
    REQUIRE(px);
    CHECK(w == 37);
    CHECK(h == 23);
    int differing = 0;
    for (int i = 0; i < w * h * 3; ++i) differing += px[i] != c.pixels()[i];
    CHECK(differing == 0);
    stbi_image_free(px);
}

TEST_CASE("a disc covers its centre and leaves far pixels alone; edges are anti-aliased") {
    ddpm::Canvas c(20, 20, ddpm::colors::white);
    c.disc(10, 10, 4, ddpm::colors::red, ddpm::colors::black, 2);
    // Distances are from a pixel's centre (x + 0.5, y + 0.5) to the disc's centre (10, 10).
    CHECK(c.get(9, 9) == ddpm::colors::red);     // d = 0.7: inside the fill
    CHECK(c.get(0, 0) == ddpm::colors::white);   // far away
    CHECK(c.get(12, 9) == ddpm::colors::black);  // d = 2.55: on the edge ring (2.5 .. 4)
    ddpm::Color partial = c.get(13, 7);          // d = 4.3: a fifth covered
    CHECK(partial.r > 0);
    CHECK(partial.r < 255);
}

TEST_CASE("text draws anti-aliased ink within its measured width and height") {
    ddpm::Canvas c(120, 30, ddpm::colors::white);
    c.text(1, 1, "q(x_{95})", ddpm::colors::black, 14);
    const float w = ddpm::Canvas::text_width("q(x_{95})", 14);
    const float h = ddpm::Canvas::text_height(14);
    CHECK(w > 40);
    CHECK(w < 80);
    int dark = 0, grey = 0, outside = 0;
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 120; ++x) {
            const ddpm::Color p = c.get(x, y);
            if (p == ddpm::colors::white) continue;
            if (x > w + 2 || y > h + 2) ++outside;
            if (p.r < 128)
                ++dark;
            else
                ++grey;  // partly covered: the edges are anti-aliased
        }
    CHECK(dark > 20);
    CHECK(grey > 20);
    CHECK(outside == 0);
}

TEST_CASE("scatter panels place points by their data coordinates") {
    ddpm::Canvas c(100, 100, ddpm::colors::white);
    ddpm::Tensor pts({2, 2}, {-1, -1, 1, 1});
    ddpm::scatter_panel(c, {0, 0, 100, 100}, pts, {-1.25f, 1.25f, -1.25f, 1.25f},
                        {3, ddpm::colors::red, ddpm::colors::red, 0}, "");
    CHECK(c.get(10, 89) == ddpm::colors::red);  // (-1, -1) is bottom-left: pixel (10, 90)
    CHECK(c.get(89, 10) == ddpm::colors::red);  // (1, 1) is top-right
    CHECK(c.get(50, 50) == ddpm::colors::white);
}

TEST_CASE("nice ticks are round numbers covering the range") {
    std::vector<double> t = ddpm::nice_ticks(0, 99, 5);
    REQUIRE(t.size() >= 4);
    CHECK(t.front() == 0);
    CHECK(t[1] == doctest::Approx(20));
    CHECK(t.back() <= 99);
}

TEST_CASE("an output is written atomically: a failed write leaves the old file intact") {
    TempDir dir;
    std::string path = dir.file("x.png");
    ddpm::write_file_atomic(path, "old");
    {
        ddpm::AtomicFile f(path);
        f.write("half-writ");
        // destroyed without commit(), as when an exception unwinds
    }
    CHECK(ddpm::read_file(path) == "old");
    // Missing folders are made; a folder that cannot be (a file is in its place) is named.
    ddpm::write_file_atomic(dir.file("new/sub/folder/x.png"), "x");
    CHECK(ddpm::read_file(dir.file("new/sub/folder/x.png")) == "x");
    CHECK_THROWS_WITH(ddpm::write_file_atomic(dir.file("x.png/inside/y.png"), "y"),
                      doctest::Contains("x.png/inside"));
    CHECK_THROWS_WITH(ddpm::read_file(dir.file("missing.npy")), doctest::Contains("cannot read"));
}

TEST_CASE("a grid of frames always ends with the last frame, the result it is drawn for") {
    using V = std::vector<int>;
    CHECK(ddpm::grid_frames(101, 20, 5) ==
          V{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100});
    CHECK(ddpm::grid_frames(10, 20, 5) == V{0, 5, 9});  // room left: the last one added
    CHECK(ddpm::grid_frames(11, 3, 5) == V{0, 5, 10});  // already there
    CHECK(ddpm::grid_frames(1, 4, 3) == V{0});
    CHECK(ddpm::grid_frames(101, 3, 1) == V{0, 1, 100});
}

TEST_CASE("a frame of one point at any finite magnitude is drawn, or refused in one error") {
    // A point far from 0 once gave limits narrower than float's spacing there: the axes divided
    // by zero and a blank picture came out.
    for (float at : {1e4f, -2.5e7f, 3e38f}) {
        ddpm::Tensor one({3, 2}, {at, at, at, at, at, at});
        ddpm::Limits lim;
        try {
            lim = ddpm::limits_of(one);
        } catch (const ddpm::Error&) {
            CHECK(at > 1e38f);  // only near float's limit may there be no room around it
            continue;
        }
        CHECK(lim.xmax > lim.xmin);
        CHECK(lim.ymax > lim.ymin);
        CHECK(std::isfinite(lim.xmax - lim.xmin));
        CHECK(lim.xmin <= at);
        CHECK(at <= lim.xmax);
        ddpm::Canvas c(100, 100, ddpm::colors::white);
        ddpm::scatter_panel(c, {0, 0, 100, 100}, one, lim,
                            {3, ddpm::colors::red, ddpm::colors::red, 0}, "");
        int red = 0;
        for (int y = 0; y < 100; ++y)
            for (int x = 0; x < 100; ++x) red += c.get(x, y) == ddpm::colors::red;
        CHECK(red > 0);
    }
    ddpm::Canvas c(100, 100, ddpm::colors::white);
    ddpm::Tensor pts({1, 2}, {0, 0});
    CHECK_THROWS_AS(ddpm::scatter_panel(c, {0, 0, 100, 100}, pts, {1, 1, 0, 2}, {}, ""),
                    ddpm::Error);
}
