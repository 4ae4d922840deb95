// Checks for exercise 09, by value: your decoder must give back exactly the indices that the
// library's encoder (lib/render/gif.cpp, itself checked against stb_image's decoder in tests/)
// compressed. Cases: nothing, one pixel, one colour (every code names the string it is adding),
// random pixels at several code sizes (the codes widen, the table fills and is cleared), a ramp.
#include <string>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "exercise.h"
#include "render/gif.h"

// Encodes with the library, decodes with yours; "" when every index came back, else the first
// difference.
static std::string round_trip(const std::vector<uint8_t>& indices, int min_code_size) {
    const std::vector<uint8_t> codes =
        ddpm::lzw_encode(indices.data(), indices.size(), min_code_size);
    const std::vector<uint8_t> got = ex::lzw_decode(codes.data(), codes.size(), min_code_size);
    for (size_t i = 0; i < indices.size() && i < got.size(); ++i)
        if (got[i] != indices[i])
            return "index " + std::to_string(i) + " of " + std::to_string(indices.size()) +
                   ": expected " + std::to_string(indices[i]) + ", decoded " +
                   std::to_string(got[i]);
    if (got.size() != indices.size())
        return "expected " + std::to_string(indices.size()) + " indices, decoded " +
               std::to_string(got.size());
    return "";
}

static void check_round_trip(exercise::Checker& check, const std::vector<uint8_t>& indices,
                             int min_code_size, const std::string& what) {
    const std::string wrong = round_trip(indices, min_code_size);
    check.that(wrong.empty(), what, wrong);
}

static std::vector<uint8_t> random_indices(size_t n, int colours, ddpm::Rng& rng) {
    std::vector<uint8_t> v(n);
    for (uint8_t& x : v) x = static_cast<uint8_t>(rng.randint(colours));
    return v;
}

int main() {
    exercise::Checker check = exercise::start("09 the LZW decoder of GIF");
    ddpm::Rng rng(9);
    check_round_trip(check, {}, 2, "no pixels: a clear code, then the end");
    check_round_trip(check, {1}, 2, "one pixel");
    check_round_trip(check, std::vector<uint8_t>(1200, 3), 2,
                     "one colour, 1200 pixels (each code names the string it adds)");
    check_round_trip(check, random_indices(256, 4, rng), 2,
                     "random 2-bit pixels, 256 (codes grow from 3 to 6 bits)");
    check_round_trip(check, random_indices(40000, 256, rng), 8,
                     "random 8-bit pixels, 40,000 (the table fills: clear codes)");
    check_round_trip(check, random_indices(30000, 8, rng), 3,
                     "random 3-bit pixels, 30,000 (several clears at 12 bits)");
    std::vector<uint8_t> ramp(300 * 100);
    for (int i = 0; i < 300 * 100; ++i) ramp[i] = static_cast<uint8_t>((i % 300) / 20);
    check_round_trip(check, ramp, 4, "a ramp of 15 colours, 300 x 100");
    return check.finish();
}
