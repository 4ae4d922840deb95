#include "fast/reduce.h"

#include <algorithm>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "fast/isa.h"
#include "fast/parallel.h"

namespace ddpm::fast {

// The sums below keep 8 running sums in double: lane k adds the squares of g[i + k] for i = 0, 8,
// 16, ..., and the lanes are added in order at the end. They live in vectors of W bytes: W / 8
// lanes each, 8 / (W / 8) vectors (one under AVX-512, two under AVX, four under SSE2). Every width
// gives the same sums, only fewer or more lanes at a time; each 8 floats are widened to double by
// one instruction per vector. (As one 64-byte vector on every machine, GCC's code for the narrower
// ones went through the stack at every step: under AVX, twice as slow as SSE2.)
template <int W>
struct Lanes {
    typedef double Doubles __attribute__((vector_size(W)));
    typedef float Floats __attribute__((vector_size(W / 2)));  // as many floats as Doubles has
    static constexpr int kPer = W / 8;                         // doubles in a vector
    static constexpr int kVecs = 8 / kPer;                     // vectors for the 8 lanes
    Doubles v[kVecs];
};

// x = the W / 8 floats at g, in double. (Through references, not returned: a vector wider than
// the build's own passed by value is an ABI question GCC warns of.)
template <int W>
[[gnu::always_inline]] static inline void widen(typename Lanes<W>::Doubles& x, const float* g) {
#if defined(__AVX512F__)
    if constexpr (W == 64) {
        // (GCC makes the conversion below two 4-wide ones; the masked form has no undefined
        // operand for GCC 12 to warn of.)
        x = typename Lanes<W>::Doubles(_mm512_maskz_cvtps_pd(0xff, _mm256_loadu_ps(g)));
        return;
    }
#endif
    typename Lanes<W>::Floats f;
    std::memcpy(&f, g, sizeof f);  // an unaligned load
    x = __builtin_convertvector(f, typename Lanes<W>::Doubles);
}

// lanes += the squares of the 8 floats at g, in double.
template <int W>
[[gnu::always_inline]] static inline void add_squares(Lanes<W>& lanes, const float* g) {
#pragma GCC unroll 4
    for (int q = 0; q < Lanes<W>::kVecs; ++q) {
        typename Lanes<W>::Doubles x;
        widen<W>(x, g + q * Lanes<W>::kPer);
        lanes.v[q] += x * x;
    }
}

// Lane 0 + lane 1 + ... + lane 7, added to sq in that order.
template <int W>
[[gnu::always_inline]] static inline double add_lanes(double sq, const Lanes<W>& lanes) {
    for (int q = 0; q < Lanes<W>::kVecs; ++q)
        for (int k = 0; k < Lanes<W>::kPer; ++k) sq += lanes.v[q][k];
    return sq;
}

// The sum of squares of g[0 .. n) in double, in the 8 running sums (a single running sum would
// force one addition at a time), then the last n % 8 one by one.
template <int W>
[[gnu::always_inline]] static inline double sum_of_squares_serial(const float* g, size_t n) {
    Lanes<W> lanes = {};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) add_squares(lanes, g + i);
    double sq = 0;
    for (; i < n; ++i) sq += static_cast<double>(g[i]) * g[i];
    return add_lanes(sq, lanes);
}

// sum_of_squares of 4 consecutive blocks of `block` values (a multiple of 8) at once, into
// out[0 .. 4), with the same additions in the same order for each. One block alone waits for
// each addition to finish before the next (4 cycles per 8 values); four independent ones overlap.
template <int W>
[[gnu::always_inline]] static inline void sum_of_squares_x4(double* out, const float* g,
                                                            size_t block) {
    Lanes<W> lanes[4] = {};
    for (size_t i = 0; i < block; i += 8)
        for (int b = 0; b < 4; ++b) add_squares(lanes[b], g + b * block + i);
    for (int b = 0; b < 4; ++b) out[b] = add_lanes(0.0, lanes[b]);
}

// partial[b] = the sum of squares of block b of g (n values, blocks of `block`), for b in
// [b0, b1): four whole blocks at a time, then one at a time.
template <int W>
[[gnu::always_inline]] static inline void block_sums(double* partial, const float* g, size_t n,
                                                     size_t block, size_t b0, size_t b1) {
    size_t b = b0;
    for (; block % 8 == 0 && b + 4 <= b1 && (b + 4) * block <= n; b += 4)
        sum_of_squares_x4<W>(partial + b, g + b * block, block);  // 4 whole blocks
    for (; b < b1; ++b)
        partial[b] = sum_of_squares_serial<W>(g + b * block, std::min(block, n - b * block));
}

// The build's own vectors, and in a portable x86-64 build AVX's (fast/isa.h): the same sums.
static void block_sums_own(double* partial, const float* g, size_t n, size_t block, size_t b0,
                           size_t b1) {
    block_sums<kVecBytes>(partial, g, n, block, b0, b1);
}

#if defined(DDPM_AVX_BESIDE)
[[gnu::target("avx")]] static void block_sums_avx(double* partial, const float* g, size_t n,
                                                  size_t block, size_t b0, size_t b1) {
    block_sums<32>(partial, g, n, block, b0, b1);
}
#endif

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
            auto* sums = block_sums_own;
#if defined(DDPM_AVX_BESIDE)
            if (avx_in_use()) sums = block_sums_avx;
#endif
            sums(partial, g, n, block, b0, b1);
        },
        static_cast<int>(min_blocks));
    double sq = 0;
    for (size_t b = 0; b < blocks; ++b) sq += partial[b];
    return sq;
}

}  // namespace ddpm::fast
