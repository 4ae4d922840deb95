// Checks for exercise 09, by value: your LZW codes are wrapped into a one-frame GIF and decoded by
// stb_image (an independent decoder); the decoded pixels must be the indices you encoded. Cases:
// tiny images, one colour, random pixels (which fill the 4096-code table many times).
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include <string>
#include <vector>

#include "check.h"
#include "exercise.h"
#include "rng.h"

// A whole GIF around the codes: header, a grey-ramp colour table, one image, the trailer.
static std::string gif_around(const std::vector<uint8_t>& codes, int w, int h, int min_code_size) {
    auto put16 = [](std::string& s, int v) {
        s += char(v & 0xff);
        s += char(v >> 8);
    };
    std::string g = "GIF89a";
    put16(g, w);
    put16(g, h);
    const int k = min_code_size - 1;  // table of 2^(k+1) = 2^min_code_size colours
    g += char(0x80 | 0x70 | k);
    g += '\0';
    g += '\0';
    for (int i = 0; i < (2 << k); ++i) {
        g += char(i);
        g += char(i);
        g += char(i);
    }
    g += '\x2c';
    put16(g, 0);
    put16(g, 0);
    put16(g, w);
    put16(g, h);
    g += '\0';
    g += char(min_code_size);
    for (size_t i = 0; i < codes.size(); i += 255) {
        size_t len = std::min<size_t>(255, codes.size() - i);
        g += char(len);
        g.append(reinterpret_cast<const char*>(codes.data() + i), len);
    }
    return g + '\0' + ';';
}

// Encodes img with your lzw_encode, decodes the GIF with stb_image, and says what went wrong:
// "" when every pixel came back, else the first difference (or that nothing decoded).
static std::string round_trip(const std::vector<uint8_t>& img, int w, int h, int min_code_size) {
    std::vector<uint8_t> codes = ex::lzw_encode(img.data(), img.size(), min_code_size);
    std::string gif = gif_around(codes, w, h, min_code_size);
    int x, y, comp;
    unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(gif.data()),
                                              static_cast<int>(gif.size()), &x, &y, &comp, 1);
    if (!px)
        return "stb_image could not decode your " + std::to_string(codes.size()) +
               " bytes of codes: " + stbi_failure_reason();
    std::string wrong;
    if (x != w || y != h)
        wrong = "decoded a " + std::to_string(x) + " x " + std::to_string(y) + " image";
    for (int i = 0; wrong.empty() && i < w * h; ++i)
        if (px[i] != img[i])  // grey level i is index i
            wrong = "pixel " + std::to_string(i) + " (x " + std::to_string(i % w) + ", y " +
                    std::to_string(i / w) + "): expected index " + std::to_string(img[i]) +
                    ", decoded " + std::to_string(px[i]);
    stbi_image_free(px);
    return wrong;
}

static void report_round_trip(exercise::Checker& check, const std::string& wrong,
                              const std::string& what) {
    check.that(wrong.empty(), what, wrong);
}

int main() {
    exercise::Checker check = exercise::start("09 LZW code emission of the GIF writer");
    ddpm::Rng rng(9);
    report_round_trip(check, round_trip({1}, 1, 1, 2), "a 1 x 1 image");
    report_round_trip(check, round_trip(std::vector<uint8_t>(40 * 30, 3), 40, 30, 2),
                      "one colour, 40 x 30 (long runs)");
    std::vector<uint8_t> small(16 * 16);
    for (uint8_t& v : small) v = static_cast<uint8_t>(rng.randint(4));
    report_round_trip(check, round_trip(small, 16, 16, 2),
                      "random 2-bit pixels, 16 x 16 (codes grow 3 -> 5 bits)");
    std::vector<uint8_t> big(200 * 200);
    for (uint8_t& v : big) v = static_cast<uint8_t>(rng.randint(256));
    report_round_trip(check, round_trip(big, 200, 200, 8),
                      "random 8-bit pixels, 200 x 200 (the table fills: clear codes)");
    std::vector<uint8_t> ramp(300 * 100);
    for (int i = 0; i < 300 * 100; ++i) ramp[i] = static_cast<uint8_t>((i % 300) / 20);
    report_round_trip(check, round_trip(ramp, 300, 100, 4), "a ramp of 15 colours, 300 x 100");
    return check.finish();
}
