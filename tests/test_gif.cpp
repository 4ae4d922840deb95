// The GIF writer, read back with stb_image's GIF decoder (an independent implementation): the
// same frames, the same delays, across the cases that stress LZW.
#include <doctest/doctest.h>

#include <stb/stb_image.h>

#include "core/rng.h"
#include "helpers.h"
#include "io/atomic_file.h"
#include "render/gif.h"

namespace {

struct Decoded {
    int w = 0, h = 0, frames = 0;
    std::vector<int> delays_ms;
    std::vector<uint8_t> rgba;  // frames * h * w * 4
};

Decoded decode(const std::string& path) {
    std::string bytes = ddpm::read_file(path);
    Decoded d;
    int* delays = nullptr;
    int comp;
    stbi_uc* px = stbi_load_gif_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                            static_cast<int>(bytes.size()), &delays, &d.w, &d.h,
                                            &d.frames, &comp, 4);
    REQUIRE(px != nullptr);
    d.rgba.assign(px, px + static_cast<size_t>(d.frames) * d.w * d.h * 4);
    d.delays_ms.assign(delays, delays + d.frames);
    stbi_image_free(px);
    stbi_image_free(delays);
    return d;
}

// Writes `frames` (each w*h palette indices) and checks every decoded pixel and delay.
void round_trip(int w, int h, const std::vector<ddpm::Color>& palette,
                const std::vector<std::vector<uint8_t>>& frames, int delay_cs) {
    TempDir dir;
    std::string path = dir.file("a.gif");
    ddpm::GifWriter gif(path, w, h, palette);
    for (const auto& f : frames) gif.add_frame(f, delay_cs);
    gif.finish();
    Decoded d = decode(path);
    REQUIRE(d.w == w);
    REQUIRE(d.h == h);
    REQUIRE(d.frames == static_cast<int>(frames.size()));
    int wrong = 0;
    for (size_t f = 0; f < frames.size(); ++f) {
        CHECK(d.delays_ms[f] == 10 * delay_cs);
        for (int i = 0; i < w * h; ++i) {
            const uint8_t* p = &d.rgba[(f * w * h + i) * 4];
            ddpm::Color want = palette[frames[f][i]];
            wrong += p[0] != want.r || p[1] != want.g || p[2] != want.b;
        }
    }
    CHECK(wrong == 0);
}

std::vector<ddpm::Color> random_palette(int n, ddpm::Rng& rng) {
    std::vector<ddpm::Color> p;
    for (int i = 0; i < n; ++i)
        p.push_back(
            {uint8_t(rng.randint(256)), uint8_t(rng.randint(256)), uint8_t(rng.randint(256))});
    return p;
}

}  // namespace

TEST_CASE("random images of every palette size decode to the same pixels") {
    ddpm::Rng rng(1);
    for (int colours : {2, 3, 4, 7, 16, 100, 256}) {
        CAPTURE(colours);
        std::vector<ddpm::Color> palette = random_palette(colours, rng);
        std::vector<std::vector<uint8_t>> frames;
        for (int f = 0; f < 3; ++f) {
            std::vector<uint8_t> img(37 * 23);
            for (uint8_t& v : img) v = static_cast<uint8_t>(rng.randint(colours));
            frames.push_back(img);
        }
        round_trip(37, 23, palette, frames, 7);
    }
}

TEST_CASE("a 1 x 1 image and a single-colour image") {
    ddpm::Rng rng(2);
    round_trip(1, 1, random_palette(2, rng), {{1}, {0}, {0}}, 2);
    round_trip(64, 48, random_palette(4, rng), {std::vector<uint8_t>(64 * 48, 3)}, 10);
}

TEST_CASE("an image long enough to fill the LZW table: clear codes past 4095 codes") {
    // Random pixels from 256 colours make new strings at nearly every pixel: 300 x 300 random
    // indices need ~90,000 codes, so the 4096-entry table fills and clears about 20 times.
    ddpm::Rng rng(3);
    std::vector<uint8_t> img(300 * 300);
    for (uint8_t& v : img) v = static_cast<uint8_t>(rng.randint(256));
    std::vector<uint8_t> codes = ddpm::lzw_encode(img.data(), img.size(), 8);
    CHECK(codes.size() > 4096 * 12 / 8);
    round_trip(300, 300, random_palette(256, rng), {img}, 5);
    // A smooth image makes long strings: few codes, and the size grows through every width.
    std::vector<uint8_t> smooth(300 * 300);
    for (int i = 0; i < 300 * 300; ++i) smooth[i] = static_cast<uint8_t>((i / 300 + i % 300) / 40);
    round_trip(300, 300, random_palette(16, rng), {smooth}, 5);
}

TEST_CASE("frames that change inside a rectangle, and frames that do not change") {
    ddpm::Rng rng(4);
    std::vector<ddpm::Color> palette = random_palette(8, rng);
    std::vector<uint8_t> a(50 * 40, 1), b = a, c = b;
    for (int y = 10; y < 20; ++y)
        for (int x = 30; x < 45; ++x) b[y * 50 + x] = static_cast<uint8_t>(rng.randint(8));
    round_trip(50, 40, palette, {a, b, c, a}, 3);
}

TEST_CASE("the loop block is present; delays under 2 cs are raised to 2") {
    TempDir dir;
    ddpm::GifWriter gif(dir.file("l.gif"), 2, 2, {ddpm::colors::white, ddpm::colors::red}, 3);
    gif.add_frame(std::vector<uint8_t>{0, 1, 1, 0}, 1);
    CHECK(gif.delay_raised());
    gif.finish();
    std::string bytes = ddpm::read_file(dir.file("l.gif"));
    CHECK(bytes.compare(0, 6, "GIF89a") == 0);
    size_t at = bytes.find("NETSCAPE2.0");
    REQUIRE(at != std::string::npos);
    CHECK(bytes[at + 11] == 3);  // sub-block length
    CHECK(bytes[at + 13] == 3);  // loop count, low byte
    CHECK(bytes.back() == ';');
    CHECK(decode(dir.file("l.gif")).delays_ms[0] == 20);
}

TEST_CASE("canvas frames map to the nearest palette colour; nothing is left half-written") {
    TempDir dir;
    std::vector<ddpm::Color> pal =
        ddpm::blend_palette({ddpm::colors::white, ddpm::colors::red, ddpm::colors::black});
    CHECK(pal.size() == 3 + 3 * 15);
    ddpm::Canvas c(20, 10);
    c.disc(10, 5, 3, ddpm::colors::red, ddpm::colors::white, 0.5f);
    {
        ddpm::GifWriter gif(dir.file("c.gif"), 20, 10, pal);
        gif.add_frame(c, 10);
        // destroyed without finish(): as if the program failed mid-animation
    }
    CHECK_THROWS(ddpm::read_file(dir.file("c.gif")));
    ddpm::GifWriter gif(dir.file("c.gif"), 20, 10, pal);
    gif.add_frame(c, 10);
    gif.finish();
    Decoded d = decode(dir.file("c.gif"));
    CHECK(d.rgba[(5 * 20 + 10) * 4] == 255);  // the disc's centre is red
    CHECK(d.rgba[(5 * 20 + 10) * 4 + 1] == 0);
    CHECK(d.rgba[0] == 255);  // the corner is white
    CHECK(d.rgba[1] == 255);
    CHECK_THROWS_WITH(gif.add_frame(ddpm::Canvas(5, 5), 10), doctest::Contains("5x5"));
}
