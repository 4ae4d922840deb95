#include "fast/reduce.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "fast/parallel.h"

namespace ddpm::fast {

// Eight floats, and eight doubles: the running sums below are vectors of these (GCC's and Clang's
// vector extensions), so that each 8 floats are widened to double by one instruction where the
// machine has 64-byte vectors. Left to the compiler as loops of scalars, they were widened 4 at a
// time, and the widening, not the multiply-adds, set the pace.
typedef float Floats8 __attribute__((vector_size(32)));
typedef double Doubles8 __attribute__((vector_size(64)));

// x = the 8 floats at g, in double. (Through a reference, not returned: a 64-byte vector passed by
// value is an ABI question on builds without AVX-512, which GCC warns of.)
static void widen(Doubles8& x, const float* g) {
#if defined(__AVX512F__)
    // (GCC makes the conversion below two 4-wide ones; the masked form has no undefined operand
    // for GCC 12 to warn of.)
    x = Doubles8(_mm512_maskz_cvtps_pd(0xff, _mm256_loadu_ps(g)));
#else
    Floats8 f;
    std::memcpy(&f, g, sizeof f);  // an unaligned load
    x = __builtin_convertvector(f, Doubles8);
#endif
}

// The sum of squares of g[0 .. n) in double, in 8 independent running sums (one vector; a single
// running sum would force one addition at a time).
static double sum_of_squares_serial(const float* g, size_t n) {
    Doubles8 lanes = {};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        Doubles8 x;
        widen(x, g + i);
        lanes += x * x;
    }
    double sq = 0;
    for (; i < n; ++i) sq += static_cast<double>(g[i]) * g[i];
    for (int k = 0; k < 8; ++k) sq += lanes[k];
    return sq;
}

// sum_of_squares of 4 consecutive blocks of `block` values (a multiple of 8) at once, into
// out[0 .. 4), with the same additions in the same order for each. One block alone waits for
// each addition to finish before the next (4 cycles per 8 values); four independent ones overlap.
static void sum_of_squares_x4(double* out, const float* g, size_t block) {
    Doubles8 lanes[4] = {};
    for (size_t i = 0; i < block; i += 8)
        for (int b = 0; b < 4; ++b) {
            Doubles8 x;
            widen(x, g + b * block + i);
            lanes[b] += x * x;
        }
    for (int b = 0; b < 4; ++b) {
        double sq = 0;
        for (int k = 0; k < 8; ++k) sq += lanes[b][k];
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
