#include "fast/reduce.h"

#include <algorithm>

#include "fast/parallel.h"

namespace ddpm::fast {

// The sum of squares of g[0 .. n) in double, in 8 independent running sums (the compiler keeps
// them in one vector register; a single running sum would force one addition at a time).
static double sum_of_squares_serial(const float* g, size_t n) {
    double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) lanes[k] += static_cast<double>(g[i + k]) * g[i + k];
    double sq = 0;
    for (; i < n; ++i) sq += static_cast<double>(g[i]) * g[i];
    for (double lane : lanes) sq += lane;
    return sq;
}

// sum_of_squares of 4 consecutive blocks of `block` values (a multiple of 8) at once, into
// out[0 .. 4), with the same additions in the same order for each. One block alone waits for
// each addition to finish before the next (4 cycles per 8 values); four independent ones overlap.
static void sum_of_squares_x4(double* out, const float* g, size_t block) {
    double lanes[4][8] = {};
    for (size_t i = 0; i < block; i += 8)
        for (int b = 0; b < 4; ++b)
            for (int k = 0; k < 8; ++k) {
                const double x = g[b * block + i + k];
                lanes[b][k] += x * x;
            }
    for (int b = 0; b < 4; ++b) {
        double sq = 0;
        for (double lane : lanes[b]) sq += lane;
        out[b] = sq;
    }
}

double sum_of_squares(const float* g, size_t n) {
    // Partial sums over at most 64 blocks, added in order. (A fixed array: a training step
    // allocates nothing.)
    constexpr size_t kMaxBlocks = 64;
    const size_t block = std::max<size_t>(4096, (n + kMaxBlocks - 1) / kMaxBlocks);
    const size_t blocks = (n + block - 1) / block;
    const long min_blocks = std::max<long>(1, kMinParallelElements / static_cast<long>(block));
    double partial[kMaxBlocks] = {};
    parallel_for(
        static_cast<int>(blocks),
        [&](int b0, int b1) {
            size_t b = b0;
            for (; block % 8 == 0 && b + 4 <= static_cast<size_t>(b1) && (b + 4) * block <= n;
                 b += 4)
                sum_of_squares_x4(partial + b, g + b * block, block);  // 4 whole blocks
            for (; b < static_cast<size_t>(b1); ++b)
                partial[b] = sum_of_squares_serial(g + b * block, std::min(block, n - b * block));
        },
        static_cast<int>(min_blocks));
    double sq = 0;
    for (size_t b = 0; b < blocks; ++b) sq += partial[b];
    return sq;
}

}  // namespace ddpm::fast
