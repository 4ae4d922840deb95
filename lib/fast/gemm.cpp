#include "fast/gemm.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__SSE__)
#include <immintrin.h>  // SSE's transposing macro, and AVX-512's compares when the build has them
#endif

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>  // WebAssembly's compares and bit masks (make web)
#endif

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>  // ARM64's compares and across-lane adds
#endif

#include "core/aligned.h"
#include "fast/gemm_instances.h"
#include "fast/parallel.h"

// This file is compiled once for the build's own instruction set, into namespace ddpm::fast::base,
// and on a portable x86-64 build (NATIVE=0) a second time for AVX (without FMA), into
// ddpm::fast::avx (the Makefile sets DDPM_GEMM_ISA). fast/gemm_dispatch.cpp defines gemm.h's
// functions: each calls the one set or the other.
#if !defined(DDPM_GEMM_ISA)
#define DDPM_GEMM_ISA base
#endif

namespace ddpm::fast::DDPM_GEMM_ISA {

// Vec<T> is kVecBytes (gemm.h) of T, and arithmetic on it is one instruction for all its lanes
// (GCC's and Clang's vector extensions).
template <typename T>
struct VecOf {
    typedef T type __attribute__((vector_size(kVecBytes)));
};
template <typename T>
using Vec = typename VecOf<T>::type;

// The register tile of C: kRows rows × kVecs vectors, chosen per instruction set by timing
// products with make bench: the tile must fit the vector registers (16 under SSE and AVX2, 32
// under AVX-512) with room for the loads. Under AVX-512, 6 rows × 4 vectors (24 of the 32
// registers) measured faster than 8 × 2 on the course's products: each step of k loads 4 vectors
// of B and broadcasts 6 values of A for 24 multiply-adds. A strip of columns narrower than the
// tile but at least one vector wide gets tiles of kRows rows × 1 vector.
#if defined(__AVX512F__)
constexpr int kRows = 6;
constexpr int kVecs = 4;
#elif defined(__AVX__)
constexpr int kRows = 6;
constexpr int kVecs = 2;
#else
constexpr int kRows = 4;
constexpr int kVecs = 2;
#endif

// The rows of B the tiles read in one pass (a block of k) fill at most this many bytes of a
// strip, so a strip stays in the L1 cache while every block of rows of A uses it.
constexpr int kStripBytes = 32768;

// Whether copying B's rows to contiguous ones pays for itself: when enough rows of A (two tiles'
// worth) will read the copy.
static bool copy_pays(int rows_of_A) {
    return rows_of_A >= 2 * kRows;
}

// The skipping path's panel of columns: 128 floats (one strip of 8 AVX-512 vectors, two of AVX),
// so that a block of 64 rows of B fills 32 KB of the L1 cache. Panels of 256 floats, 32 rows a
// block, were 4% slower on a 128 x 512 x 512 product with half of A zero: each row's setup (its
// zeros, its strip's loads and stores) was paid over half as many nonzeros.
constexpr int kSkipPanelBytes = 512;

template <typename T>
static Vec<T> load(const T* p) {
    Vec<T> v;
    std::memcpy(&v, p, sizeof v);  // an unaligned load
    return v;
}

template <typename T>
static void store(T* p, Vec<T> v) {
    std::memcpy(p, &v, sizeof v);
}

// The first n < lanes values of a vector, the rest zero; and back. AVX-512 loads and stores the n
// lanes under a mask: a copy of n values, whose length is known only when it runs, is a call to
// memcpy through the stack, and with it a tile of a product's last columns (the 4 after 192 of a
// 196-wide one) cost more than a tile of whole vectors.
template <typename T>
static Vec<T> load_part(const T* p, int n) {
#if defined(__AVX512F__)
    const __mmask16 lanes = static_cast<__mmask16>((1u << n) - 1);
    if constexpr (std::is_same_v<T, float>) return _mm512_maskz_loadu_ps(lanes, p);
    if constexpr (std::is_same_v<T, double>)
        return _mm512_maskz_loadu_pd(static_cast<__mmask8>(lanes), p);
#endif
    Vec<T> v{};
    std::memcpy(&v, p, n * sizeof(T));
    return v;
}

template <typename T>
static void store_part(T* p, Vec<T> v, int n) {
#if defined(__AVX512F__)
    const __mmask16 lanes = static_cast<__mmask16>((1u << n) - 1);
    if constexpr (std::is_same_v<T, float>) return _mm512_mask_storeu_ps(p, lanes, v);
    if constexpr (std::is_same_v<T, double>)
        return _mm512_mask_storeu_pd(p, static_cast<__mmask8>(lanes), v);
#endif
    std::memcpy(p, &v, n * sizeof(T));
}

// The epilogue (gemm.h) of the piece of C from row r0, column j0 (C's rows N wide): its bias,
// tables and gate start at column j0, and its row i is C's row r0 + i.
template <typename T>
static Epilogue<T> piece_of(const Epilogue<T>& e, int r0, int j0, int N) {
    Epilogue<T> p = e;
    if (p.bias) p.bias += j0;
    for (int q = 0; q < 2; ++q)
        if (p.table[q]) {
            p.table[q] += j0;
            p.index[q] += r0;
        }
    if (p.gate) p.gate += static_cast<long>(r0) * N + j0;
    return p;
}

// v where out > 0 and +0 elsewhere, on every lane: the compare's mask kept where it is set (a NaN
// in out is not above 0).
template <typename T>
static Vec<T> where_positive(Vec<T> v, Vec<T> out) {
    const auto positive = out > Vec<T>{};  // all ones where out > 0
    return __builtin_bit_cast(Vec<T>, __builtin_bit_cast(decltype(positive), v) & positive);
}

// relu_forward's v > 0 ? v : 0 on every lane, so a NaN and -0 give +0, as there.
template <typename T>
static Vec<T> relu(Vec<T> v) {
    return where_positive<T>(v, v);
}

// relu_backward's din += out > 0 ? g : 0 into a zeroed din, on every lane: g where out > 0, then
// added to +0, which turns a kept -0 into +0 as that sum does.
template <typename T>
static Vec<T> gated(Vec<T> g, Vec<T> out) {
    return Vec<T>{} + where_positive<T>(g, out);
}

// Where the epilogue's sums start for n columns of C from column j: the bias, or zeros.
template <typename T>
static Vec<T> start(const Epilogue<T>& e, int j, int n) {
    constexpr int lanes = kVecBytes / sizeof(T);
    if (!e.bias) return Vec<T>{};
    return n == lanes ? load(e.bias + j) : load_part(e.bias + j, n);
}

// The epilogue's end for row i's NV vectors from column j (n columns when n < lanes, then NV = 1),
// with every term in: each table's row added (as embedding_forward adds it), then the ReLU, then
// the gate. ldt: the tables' and the gate's rows' distance, C's width. Always inlined and its
// loops unrolled, so that the vectors stay in registers: left as loops, the tiles' epilogue went
// through a copy on the stack and a 512 x 2 -> 128 block took 12 µs instead of 9.
template <typename T, int NV>
[[gnu::always_inline]] static inline void finish_row(Vec<T>* acc, const Epilogue<T>& e, long ldt,
                                                     int i, int j, int n) {
    constexpr int lanes = kVecBytes / sizeof(T);
#pragma GCC unroll 2
    for (int q = 0; q < 2; ++q) {
        if (!e.table[q]) continue;
        const T* row = e.table[q] + e.index[q][i] * ldt + j;
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
            acc[v] += n < lanes ? load_part(row, n) : load(row + v * lanes);
    }
    if (e.relu)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[v] = relu<T>(acc[v]);
    if (e.gate) {
        const T* row = e.gate + i * ldt + j;
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
            acc[v] = gated<T>(acc[v], n < lanes ? load_part(row, n) : load(row + v * lanes));
    }
}

// start and finish_row as passes over a piece of C (M, N; rows ldc apart), a vector (or the last
// N % lanes columns) at a time, for a product with no block of k to start and end (K = 0).
template <typename T>
static void start_pass(T* C, long ldc, const Epilogue<T>& e, int M, int N) {
    constexpr int lanes = kVecBytes / sizeof(T);
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; j += lanes) {
            const int n = std::min(lanes, N - j);
            store_part(C + i * ldc + j, start(e, j, n), n);
        }
}

template <typename T>
static void finish_pass(T* C, long ldc, const Epilogue<T>& e, int M, int N) {
    constexpr int lanes = kVecBytes / sizeof(T);
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; j += lanes) {
            const int n = std::min(lanes, N - j);
            Vec<T> acc = load_part(C + i * ldc + j, n);
            finish_row<T, 1>(&acc, e, ldc, i, j, n);
            store_part(C + i * ldc + j, acc, n);
        }
}

// The last n < lanes columns of B (K, N; rows ldb apart), from column j0, as a strip one vector
// wide (K, lanes) with zeros after them: the tiles then do those columns too, each sum in the
// same order.
template <typename T>
static const T* tail_strip(const T* B, long ldb, int K, int N, int j0) {
    constexpr int lanes = kVecBytes / sizeof(T);
    thread_local std::vector<T> strip;
    strip.assign(static_cast<size_t>(K) * lanes, T(0));
    for (int k = 0; k < K; ++k)
        std::memcpy(strip.data() + static_cast<size_t>(k) * lanes, B + k * ldb + j0,
                    (N - j0) * sizeof(T));
    return strip.data();
}

// out gets the 4 x 4 piece of in at row r, column c, transposed: out[(c + x) * ldo + r + y] =
// in[(r + y) * ldi + c + x] for x, y < 4.
#if defined(__SSE__)
static void transpose_4x4(float* out, const float* in, int ldo, int ldi, int r, int c) {
    __m128 a = _mm_loadu_ps(in + (r + 0) * ldi + c);  // the SSE header's transposing macro
    __m128 b = _mm_loadu_ps(in + (r + 1) * ldi + c);
    __m128 d = _mm_loadu_ps(in + (r + 2) * ldi + c);
    __m128 e = _mm_loadu_ps(in + (r + 3) * ldi + c);
    _MM_TRANSPOSE4_PS(a, b, d, e);
    _mm_storeu_ps(out + (c + 0) * ldo + r, a);
    _mm_storeu_ps(out + (c + 1) * ldo + r, b);
    _mm_storeu_ps(out + (c + 2) * ldo + r, d);
    _mm_storeu_ps(out + (c + 3) * ldo + r, e);
}
#elif defined(__wasm_simd128__)
static void transpose_4x4(float* out, const float* in, int ldo, int ldi, int r, int c) {
    const v128_t a = wasm_v128_load(in + (r + 0) * ldi + c);  // rows a, b, d, e
    const v128_t b = wasm_v128_load(in + (r + 1) * ldi + c);
    const v128_t d = wasm_v128_load(in + (r + 2) * ldi + c);
    const v128_t e = wasm_v128_load(in + (r + 3) * ldi + c);
    const v128_t ab01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);  // a0 b0 a1 b1
    const v128_t ab23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);  // a2 b2 a3 b3
    const v128_t de01 = wasm_i32x4_shuffle(d, e, 0, 4, 1, 5);
    const v128_t de23 = wasm_i32x4_shuffle(d, e, 2, 6, 3, 7);
    wasm_v128_store(out + (c + 0) * ldo + r, wasm_i32x4_shuffle(ab01, de01, 0, 1, 4, 5));
    wasm_v128_store(out + (c + 1) * ldo + r, wasm_i32x4_shuffle(ab01, de01, 2, 3, 6, 7));
    wasm_v128_store(out + (c + 2) * ldo + r, wasm_i32x4_shuffle(ab23, de23, 0, 1, 4, 5));
    wasm_v128_store(out + (c + 3) * ldo + r, wasm_i32x4_shuffle(ab23, de23, 2, 3, 6, 7));
}
#endif

#if defined(__AVX512F__)
// The same for a 16 x 16 piece: pairs of rows interleaved, then pairs of pairs (each 128-bit lane
// a 4 x 4 piece transposed), then the 128-bit lanes moved between rows twice. Those last moves
// leave rows and columns 4-7 swapped with 8-11, so the rows are read in that order and the columns
// written in it.
static void transpose_16x16(float* out, const float* in, int ldo, int ldi, int r, int c) {
    static constexpr int order[16] = {0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15};
    // The shuffles under a mask of all 16 lanes: the same instructions, without the unmasked
    // forms' undefined pass-through value, which GCC 12 warns is used uninitialised.
    const __mmask16 all = 0xFFFF;
    __m512 x[16], y[16];
    for (int i = 0; i < 16; ++i) x[i] = _mm512_loadu_ps(in + (r + order[i]) * ldi + c);
    for (int i = 0; i < 16; i += 2) {
        y[i] = _mm512_maskz_unpacklo_ps(all, x[i], x[i + 1]);
        y[i + 1] = _mm512_maskz_unpackhi_ps(all, x[i], x[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        x[i] = _mm512_maskz_shuffle_ps(all, y[i], y[i + 2], 0x44);
        x[i + 1] = _mm512_maskz_shuffle_ps(all, y[i], y[i + 2], 0xEE);
        x[i + 2] = _mm512_maskz_shuffle_ps(all, y[i + 1], y[i + 3], 0x44);
        x[i + 3] = _mm512_maskz_shuffle_ps(all, y[i + 1], y[i + 3], 0xEE);
    }
    for (int i = 0; i < 8; ++i) {
        y[i] = _mm512_maskz_shuffle_f32x4(all, x[i], x[i + 8], 0x88);
        y[i + 8] = _mm512_maskz_shuffle_f32x4(all, x[i], x[i + 8], 0xDD);
    }
    for (int i = 0; i < 4; ++i) {
        x[i] = _mm512_maskz_shuffle_f32x4(all, y[i], y[i + 4], 0x88);
        x[i + 4] = _mm512_maskz_shuffle_f32x4(all, y[i], y[i + 4], 0xDD);
        x[i + 8] = _mm512_maskz_shuffle_f32x4(all, y[i + 8], y[i + 12], 0x88);
        x[i + 12] = _mm512_maskz_shuffle_f32x4(all, y[i + 8], y[i + 12], 0xDD);
    }
    for (int i = 0; i < 16; ++i) _mm512_storeu_ps(out + (c + order[i]) * ldo + r, x[i]);
}
#endif

constexpr int kTransposeBlock = 16;

// out[c * ldo + r] = in[r * ldi + c] for r < rows, c < cols: a rows × cols piece of one matrix
// (rows ldi apart) transposed into another (rows ldo apart).
template <typename T>
static void transpose_block(T* __restrict out, int ldo, const T* __restrict in, int ldi, int rows,
                            int cols) {
    // In 16 x 16 blocks, so both the rows read and the rows written stay in cache. The bounds
    // of a block are computed once, outside its loops, and __restrict says in and out never
    // overlap, so the compiler can keep the loops tight.
    constexpr int kBlock = kTransposeBlock;
    for (int r0 = 0; r0 < rows; r0 += kBlock)
        for (int c0 = 0; c0 < cols; c0 += kBlock) {
            const int r1 = std::min(rows, r0 + kBlock);
            const int c1 = std::min(cols, c0 + kBlock);
#if defined(__AVX512F__)
            if constexpr (std::is_same_v<T, float>) {
                if (r1 - r0 == 16 && c1 - c0 == 16) {  // a whole block in 16 vector registers
                    transpose_16x16(out, in, ldo, ldi, r0, c0);
                    continue;
                }
            }
#endif
            int r4 = r0;  // where the 4 x 4 pieces below stop
            int c4 = c0;
#if defined(__SSE__) || defined(__wasm_simd128__)
            if constexpr (std::is_same_v<T, float>) {
                // Whole 4 x 4 pieces in vector registers: four rows in, four rows out.
                r4 = r0 + (r1 - r0) / 4 * 4;
                c4 = c0 + (c1 - c0) / 4 * 4;
                for (int r = r0; r < r4; r += 4)
                    for (int c = c0; c < c4; c += 4) transpose_4x4(out, in, ldo, ldi, r, c);
            }
#endif
            // Element by element: the whole block, or what the 4 x 4 pieces left (the last
            // rows, then the last columns of the rows they covered).
            if (r4 < r1)
                for (int c = c0; c < c1; ++c)
                    for (int r = r4; r < r1; ++r) out[c * ldo + r] = in[r * ldi + c];
            if (c4 < c1)
                for (int c = c4; c < c1; ++c)
                    for (int r = r0; r < r4; ++r) out[c * ldo + r] = in[r * ldi + c];
        }
}

template <typename T>
void transpose(T* out, const T* in, int rows, int cols) {
    // A wide layer's weights (512 x 512 and more) are worth two cores: the threads take blocks
    // of 16 rows, at least kMinParallelElements values each. A copy, so any split gives the same
    // result.
    const int blocks = (rows + kTransposeBlock - 1) / kTransposeBlock;
    const long per_block = static_cast<long>(kTransposeBlock) * std::max(1, cols);
    const int min_blocks = static_cast<int>(std::max(1L, kMinParallelElements / per_block));
    parallel_for(
        blocks,
        [&](int b0, int b1) {
            const int r0 = b0 * kTransposeBlock;
            const int r1 = std::min(rows, b1 * kTransposeBlock);
            transpose_block(out + r0, rows, in + static_cast<long>(r0) * cols, cols, r1 - r0, cols);
        },
        min_blocks);
}

// One tile: C[i : i + R, j : j + NV vectors] (rows ldc apart) += A[i : i + R, k0 : k1] · the
// strip, whose rows (ldb apart) hold B[k0 : k1, j : ...] one after another. A's entry (i, k) is
// A[i * lda + k], or A[k * lda + i] when A comes transposed (AT). The tile stays in registers for
// the whole block of k: each step loads a row of the strip once and uses it for R rows of A.
// With n < lanes (NV = 1), only C's first n columns are read and written (the strip is
// zero-padded after them). The tile starts from the epilogue first instead of C (the first block
// of k), and ends with the epilogue last before it is stored (the last block), when given.
//
// With FILL, the tile makes the strip as it goes: it reads each row of it from B (src, rows lds
// apart) and stores the row into fill (rows ldb apart, where strip points), for the tiles after
// it to read. A copy made first, in a loop of its own, waits on every row it reads from the L2
// cache or further; here those reads wait beside the tile's multiply-adds (128 x 128 x 128 and
// 128 x 512 x 512 products 2 to 3% faster).
template <typename T, int R, int NV, bool AT, bool FILL = false>
static void tile(T* C, int ldc, const T* A, int lda, const T* strip, int ldb, int i, int j, int k0,
                 int k1, int n, const Epilogue<T>* first, const Epilogue<T>* last,
                 T* fill = nullptr, const T* src = nullptr, long lds = 0) {
    constexpr int lanes = kVecBytes / sizeof(T);
    Vec<T> acc[R][NV];
    // The loops unrolled, here and at the end, so that acc stays in registers throughout.
    if (first) {
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v)
                acc[r][v] = start(*first, j + v * lanes, std::min(n, lanes));
    } else {
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v)
                acc[r][v] = n < lanes ? load_part(C + (i + r) * ldc + j, n)
                                      : load(C + (i + r) * ldc + j + v * lanes);
    }
    for (int k = k0; k < k1; ++k) {
        Vec<T> b[NV];
        for (int v = 0; v < NV; ++v) {
            if constexpr (FILL) {
                b[v] = load(src + (k - k0) * lds + v * lanes);
                store(fill + (k - k0) * ldb + v * lanes, b[v]);
            } else {
                b[v] = load(strip + (k - k0) * ldb + v * lanes);
            }
        }
        for (int r = 0; r < R; ++r) {
            const T a = AT ? A[k * lda + i + r] : A[(i + r) * lda + k];
            for (int v = 0; v < NV; ++v) acc[r][v] += a * b[v];
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        if (last) finish_row<T, NV>(acc[r], *last, ldc, i + r, j, n);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
            if (n < lanes)
                store_part(C + (i + r) * ldc + j, acc[r][v], n);
            else
                store(C + (i + r) * ldc + j + v * lanes, acc[r][v]);
        }
    }
}

// The last rows of C (rows < kRows of them, from row i) as one tile of that many rows.
template <typename T, int NV, bool AT, int R>
static void rest_tile(T* C, int ldc, const T* A, int lda, const T* strip, int ldb, int i, int rows,
                      int j, int k0, int k1, int n, const Epilogue<T>* first,
                      const Epilogue<T>* last) {
    if constexpr (R > 0) {
        if (rows == R)
            tile<T, R, NV, AT>(C, ldc, A, lda, strip, ldb, i, j, k0, k1, n, first, last);
        else
            rest_tile<T, NV, AT, R - 1>(C, ldc, A, lda, strip, ldb, i, rows, j, k0, k1, n, first,
                                        last);
    }
}

// Every row of C (M of them) for one strip of NV vectors and one block of k: tiles of kRows rows,
// then one tile of the rows left over. With fill (and M at least kRows), the strip is not made
// yet: the first tile reads its rows from src (B's, lds apart) and copies them to fill, where
// strip points. Without, src and lds go unused.
template <typename T, int NV, bool AT>
static void strip_pass(T* C, int ldc, const T* A, int lda, const T* strip, int ldb, int j, int k0,
                       int k1, int M, int n, const Epilogue<T>* first, const Epilogue<T>* last,
                       T* fill, const T* src, long lds) {
    const int tiled_rows = M - M % kRows;
    for (int i = 0; i < tiled_rows; i += kRows)
        if (fill && i == 0)
            tile<T, kRows, NV, AT, true>(C, ldc, A, lda, strip, ldb, i, j, k0, k1, n, first, last,
                                         fill, src, lds);
        else
            tile<T, kRows, NV, AT>(C, ldc, A, lda, strip, ldb, i, j, k0, k1, n, first, last);
    rest_tile<T, NV, AT, kRows - 1>(C, ldc, A, lda, strip, ldb, tiled_rows, M - tiled_rows, j, k0,
                                    k1, n, first, last);
}

// C (M, N) += A (M, K) · B (K, N) by register tiles, strip by strip of columns: each strip of B,
// a block of k at a time, is copied to contiguous rows (when enough rows of A will read it) and
// every row of C takes its sums from it. A block of k ends with C's tiles stored and the next
// block loads them again, so each C entry still gets its terms in the order k = 0, 1, ..., K - 1.
// A comes transposed (K, M) when AT, rows lda apart either way; B comes transposed (N, K) when
// BT, and the copy of a strip is then where it gets transposed. B's rows (its columns when BT)
// are ldb apart and C's rows ldc apart: C and B may be a band of columns of larger matrices.
// With an epilogue e, the first block's tiles start from it and the last block's end with it.
template <typename T, bool AT, bool BT>
static void tiles(T* C, int ldc, const T* A, int lda, const T* B, int ldb, int M, int K, int N,
                  const Epilogue<T>* e) {
    constexpr int lanes = kVecBytes / sizeof(T);
    constexpr int cols = kVecs * lanes;
    constexpr int block = std::max(1, kStripBytes / (cols * static_cast<int>(sizeof(T))));
    const int wide_cols = N - N % cols;    // the wide tiles' columns, then one vector's
    const int tiled_cols = N - N % lanes;  // then the last N % lanes, from a zero-padded strip
    const bool copy = BT || copy_pays(M);  // B transposed is read only from the copy
    thread_local AlignedVector<T> buffer;
    if (buffer.size() < static_cast<size_t>(block) * cols) buffer.resize(block * cols);
    T* packed = buffer.data();
    for (int k0 = 0; k0 < K; k0 += block) {
        const int k1 = std::min(K, k0 + block);
        const Epilogue<T>* first = k0 == 0 ? e : nullptr;
        const Epilogue<T>* last = k1 == K ? e : nullptr;
        // The strip's rows k0 .. k1 - 1: w columns of B from column j, width apart (zeros after
        // the last column of B); or B itself when the copy does not pay. lds: its rows' distance.
        auto strip_of = [&](int j, int w, int width, int& lds) -> const T* {
            if (!copy && w == width) {
                lds = ldb;
                return B + static_cast<long>(k0) * ldb + j;
            }
            if (BT)  // B's columns j .. j + w - 1 are rows of the transposed B
                transpose_block(packed, width, B + static_cast<long>(j) * ldb + k0, ldb, w,
                                k1 - k0);
            for (int k = k0; k < k1; ++k) {
                T* row = packed + static_cast<size_t>(k - k0) * width;
                if (!BT) std::memcpy(row, B + static_cast<long>(k) * ldb + j, w * sizeof(T));
                std::fill(row + w, row + width, T(0));
            }
            lds = width;
            return packed;
        };
        int lds = 0;
        for (int j = 0; j < wide_cols; j += cols) {
            if (copy && !BT && M >= kRows) {  // the first tile copies B's rows as it reads them
                const T* rows = B + static_cast<long>(k0) * ldb + j;
                strip_pass<T, kVecs, AT>(C, ldc, A, lda, packed, cols, j, k0, k1, M, lanes, first,
                                         last, packed, rows, ldb);
                continue;
            }
            const T* strip = strip_of(j, cols, cols, lds);
            strip_pass<T, kVecs, AT>(C, ldc, A, lda, strip, lds, j, k0, k1, M, lanes, first, last,
                                     nullptr, strip, lds);
        }
        for (int j = wide_cols; j < tiled_cols; j += lanes) {
            const T* strip = strip_of(j, lanes, lanes, lds);
            strip_pass<T, 1, AT>(C, ldc, A, lda, strip, lds, j, k0, k1, M, lanes, first, last,
                                 nullptr, strip, lds);
        }
        if (tiled_cols < N) {
            const T* strip = strip_of(tiled_cols, N - tiled_cols, lanes, lds);
            strip_pass<T, 1, AT>(C, ldc, A, lda, strip, lds, tiled_cols, k0, k1, M, N - tiled_cols,
                                 first, last, nullptr, strip, lds);
        }
    }
}

template <typename T>
void gemm_acc_tiles(T* C, const T* A, const T* B, int M, int K, int N) {
    tiles<T, false, false>(C, N, A, K, B, N, M, K, N, nullptr);
}

// Bit l of the result says whether a[l] is not zero, for the 32 values a[0 .. 32): the plain loop
// at the end. GCC leaves that loop a compare, a shift and an or per value, so for floats each
// instruction set's vector compares write it out, a vector of values at a time (their not-equal
// is true for a NaN, as != is).
template <typename T>
static uint32_t nonzero_bits(const T* a) {
#if defined(__AVX512F__)
    if constexpr (std::is_same_v<T, float>) {  // the same, as two compares straight into masks
        const __m512 zero = _mm512_setzero_ps();
        const uint32_t lo = _mm512_cmpneq_ps_mask(_mm512_loadu_ps(a), zero);
        const uint32_t hi = _mm512_cmpneq_ps_mask(_mm512_loadu_ps(a + 16), zero);
        return lo | hi << 16;
    }
#elif defined(__AVX__)
    if constexpr (std::is_same_v<T, float>) {  // eight lanes at a time, each compare's sign bits
        uint32_t bits = 0;
        for (int q = 0; q < 4; ++q) {
            const __m256 nonzero =
                _mm256_cmp_ps(_mm256_loadu_ps(a + 8 * q), _mm256_setzero_ps(), _CMP_NEQ_UQ);
            bits |= static_cast<uint32_t>(_mm256_movemask_ps(nonzero)) << (8 * q);
        }
        return bits;
    }
#elif defined(__SSE__)
    if constexpr (std::is_same_v<T, float>) {  // four lanes at a time, each compare's sign bits
        uint32_t bits = 0;
        for (int q = 0; q < 8; ++q) {
            const __m128 nonzero = _mm_cmpneq_ps(_mm_loadu_ps(a + 4 * q), _mm_setzero_ps());
            bits |= static_cast<uint32_t>(_mm_movemask_ps(nonzero)) << (4 * q);
        }
        return bits;
    }
#elif defined(__wasm_simd128__)
    if constexpr (std::is_same_v<T, float>) {  // four lanes at a time, each compare's sign bits
        uint32_t bits = 0;
        for (int q = 0; q < 8; ++q) {
            const v128_t nonzero = wasm_f32x4_ne(wasm_v128_load(a + 4 * q), wasm_f32x4_splat(0));
            bits |= static_cast<uint32_t>(wasm_i32x4_bitmask(nonzero)) << (4 * q);
        }
        return bits;
    }
#elif defined(__aarch64__) && defined(__ARM_NEON)
    if constexpr (std::is_same_v<T, float>) {  // four lanes at a time, each lane's bit its weight
        const uint32x4_t weight = {1, 2, 4, 8};
        uint32_t bits = 0;
        for (int q = 0; q < 8; ++q) {
            // not (a == 0): all ones where a is not zero, a NaN too
            const uint32x4_t nonzero = vmvnq_u32(vceqzq_f32(vld1q_f32(a + 4 * q)));
            bits |= vaddvq_u32(vandq_u32(nonzero, weight)) << (4 * q);
        }
        return bits;
    }
#endif
    uint32_t bits = 0;
    for (int l = 0; l < 32; ++l) bits |= static_cast<uint32_t>(a[l] != T(0)) << l;
    return bits;
}

// One row's strip of V vectors: acc += a[k] · B's row k for every nonzero a[k] of the block
// [k0, k1). Its zeros come in words of 64 bits, each two of nonzero_bits' groups of 32 (bits 32-63
// zero after a last group without its pair): each loop over a word's set bits ends at a branch the
// processor cannot predict (how many values are not zero), and words of 64 halve those. B points at
// the strip's first column in row k0, and its rows are ldb apart. Always inlined, so that acc stays
// in registers: called out of line, its sums went through memory at every term, and the product ran
// a third slower.
template <typename T, int V>
[[gnu::always_inline]] static inline void skip_strip(Vec<T>* acc, const T* a, const T* B, long ldb,
                                                     const uint64_t* words, int k0, int k1) {
    constexpr int lanes = kVecBytes / sizeof(T);
    const int groups = (k1 - k0) / 32;  // the whole groups of 32, two to a word
    for (int w = 0; w < (groups + 1) / 2; ++w)
        for (uint64_t left = words[w]; left; left &= left - 1) {
            const int k = k0 + 64 * w + __builtin_ctzll(left);  // the next nonzero a
            const T* b = B + (k - k0) * ldb;
            for (int v = 0; v < V; ++v) acc[v] += a[k] * load(b + v * lanes);
        }
    for (int k = k0 + groups * 32; k < k1; ++k) {
        if (a[k] == T(0)) continue;
        const T* b = B + (k - k0) * ldb;
        for (int v = 0; v < V; ++v) acc[v] += a[k] * load(b + v * lanes);
    }
}

// The skipping path's wide strip (8 vectors) and its panel (kSkipPanelBytes, whole strips), in
// columns of T.
template <typename T>
constexpr int skip_strip_cols() {
    return 8 * kVecBytes / static_cast<int>(sizeof(T));
}

template <typename T>
constexpr int skip_panel_cols() {
    constexpr int strip = skip_strip_cols<T>();
    return std::max(strip, kSkipPanelBytes / static_cast<int>(sizeof(T)) / strip * strip);
}

// The rows of B in each of the skipping path's blocks, for K rows of row_bytes each and an A with
// this share of nonzero entries. A block should stay in the L1 cache while every row of A reads
// it, so at least 32 KB; but each row's pass over a block costs about the same however few terms
// it adds (C's row loaded and stored, its zeros found, a loop exit the processor mispredicts), so
// a sparser A pays for larger blocks, whose rows each pass reads fewer of: about kSkipReadBytes
// of them per pass, up to 256 KB a block. K is cut into equal blocks, each a multiple of 32 rows
// (the zeros are found 32 at a time). The blocks change only when C is stored and loaded between
// its sums' terms, never their order, so the bits are the same for any block.
constexpr double kSkipReadBytes = 14 * 1024;
constexpr double kSkipBlockBytesMin = 32 * 1024, kSkipBlockBytesMax = 256 * 1024;

static int skip_block_rows(int K, int row_bytes, double density) {
    const double bytes = std::clamp(kSkipReadBytes / std::max(density, 1e-6), kSkipBlockBytesMin,
                                    kSkipBlockBytesMax);
    const int most = std::max(32, static_cast<int>(bytes) / row_bytes / 32 * 32);
    const int blocks = std::max(1, (K + most - 1) / most);
    return ((K + blocks - 1) / blocks + 31) / 32 * 32;
}

// gemm_acc_tiles for an A that is mostly zeros. The i-k-j loop of the plain product, with the terms
// whose a = A[i][k] is 0 skipped: adding 0 · b changes no bit of a sum (b finite), so C gets
// exactly the same sums, in the same order, as from gemm_acc_tiles.
//
// One row of C at a time: a strip of columns (8 vectors, then 1, then the last N % lanes from a
// zero-padded copy) stays in registers while the nonzero a of row i each add a times row k of B.
// The zeros are found 32 at a time (nonzero_bits), two groups to a word of 64 bits, and the loop
// visits only the set bits. Each nonzero a loads a whole row of the strip from B, so B must come
// from the L1 cache: the columns go in panels of at most kSkipPanelBytes, and each panel's rows of
// B in blocks (skip_block_rows, from density, the share of A's entries that are not zero). C's
// rows are ldc apart and B's ldb apart: C and B may be a band of columns of larger matrices
// (product's threads).
// B comes transposed (N, K) when BT: then every block of a panel is copied, and the copy is where
// it gets transposed, as in tiles (no transposed copy of the whole B goes through memory first).
template <typename T, bool BT>
static void skip_zeros(T* C, long ldc, const T* A, const T* B, long ldb, int M, int K, int N,
                       const Epilogue<T>* e, double density) {
    constexpr int lanes = kVecBytes / sizeof(T);
    constexpr int strip = skip_strip_cols<T>();
    constexpr int panel = skip_panel_cols<T>();
    const int wide_cols = N - N % strip;
    const int tiled_cols = N - N % lanes;
    const T* tail = !BT && tiled_cols < N ? tail_strip(B, ldb, K, N, tiled_cols) : nullptr;
    thread_local std::vector<uint64_t> row_bits;  // row i's zeros in a block, for every strip
    thread_local AlignedVector<T> packed;         // a block of a panel's rows, copied
    for (int p0 = 0, p1 = 0; p0 < N; p0 = p1) {
        // The panel's columns [p0, p1): wide strips, and in the last panel the narrow rest.
        p1 = p0 + panel < wide_cols ? p0 + panel : N;
        const int wide_end = std::min(p1, wide_cols);
        const int block = skip_block_rows(K, (p1 - p0) * static_cast<int>(sizeof(T)), density);
        if (static_cast<int>(row_bits.size()) < block / 64 + 1) row_bits.resize(block / 64 + 1);
        for (int k0 = 0; k0 < K; k0 += block) {
            const int k1 = std::min(K, k0 + block);
            // The block's rows of the panel's wide strips: B's own (rows ldb apart), or when B
            // is wider than the panel and several rows of A will read them, a packed copy (rows
            // w apart). B's rows 2 KB or more apart fall on a quarter of the L1 cache's sets or
            // fewer, and a block of them no longer stays there.
            const T* panel_rows = B + k0 * ldb + p0;
            long lds = ldb;
            if constexpr (BT) {
                // The transposed B's rows p0 .. p1 - 1 (the panel's columns, the narrow rest
                // too), columns k0 .. k1 - 1, transposed into rows w apart: the narrow strips and
                // the last columns read them here too. Zeros up to a whole vector, so the lanes
                // past N, never stored, add zeros and not what the buffer held.
                const int w = (p1 - p0 + lanes - 1) / lanes * lanes;
                if (packed.size() < static_cast<size_t>(block) * w)
                    packed.resize(static_cast<size_t>(block) * w);
                transpose_block(packed.data(), w, B + p0 * ldb + k0, static_cast<int>(ldb), p1 - p0,
                                k1 - k0);
                for (int k = k0; k < k1; ++k) {
                    T* row = packed.data() + static_cast<size_t>(k - k0) * w;
                    std::fill(row + (p1 - p0), row + w, T(0));
                }
                panel_rows = packed.data();
                lds = w;
            } else if (ldb > p1 - p0 && copy_pays(M)) {
                const int w = wide_end - p0;
                if (packed.size() < static_cast<size_t>(block) * w)
                    packed.resize(static_cast<size_t>(block) * w);
                for (int k = k0; k < k1; ++k)
                    std::memcpy(packed.data() + static_cast<size_t>(k - k0) * w, B + k * ldb + p0,
                                w * sizeof(T));
                panel_rows = packed.data();
                lds = w;
            }
            // With an epilogue, the first block's sums start from it and the last one's end
            // with it; the blocks between load and store C.
            const bool first = e && k0 == 0, last = e && k1 == K;
            for (int i = 0; i < M; ++i) {
                const T* a = A + static_cast<long>(i) * K;
                T* c = C + i * ldc;
                const int groups = (k1 - k0) / 32;
                uint64_t any = 0;
                for (int g = 0; g < groups; g += 2) {
                    const uint64_t hi = g + 1 < groups ? nonzero_bits(a + k0 + 32 * g + 32) : 0;
                    row_bits[g / 2] = nonzero_bits(a + k0 + 32 * g) | hi << 32;
                    any |= row_bits[g / 2];
                }
                // A row of A all zeros in this block (a unit dead for the whole batch, in a
                // product with A transposed) adds nothing to C's row: without an epilogue to
                // start or end it, C's row stays as it is, unread.
                if (!any && !first && !last && groups * 32 == k1 - k0) continue;
                for (int j = p0; j < wide_end; j += strip) {
                    Vec<T> acc[8];
                    for (int v = 0; v < 8; ++v)
                        acc[v] = first ? start(*e, j + v * lanes, lanes) : load(c + j + v * lanes);
                    skip_strip<T, 8>(acc, a, panel_rows + (j - p0), lds, row_bits.data(), k0, k1);
                    if (last) finish_row<T, 8>(acc, *e, ldc, i, j, lanes);
                    for (int v = 0; v < 8; ++v) store(c + j + v * lanes, acc[v]);
                }
                if (p1 < N) continue;  // the narrow columns belong to the last panel
                for (int j = wide_cols; j < tiled_cols; j += lanes) {
                    Vec<T> acc = first ? start(*e, j, lanes) : load(c + j);
                    if constexpr (BT)
                        skip_strip<T, 1>(&acc, a, panel_rows + (j - p0), lds, row_bits.data(), k0,
                                         k1);
                    else
                        skip_strip<T, 1>(&acc, a, B + k0 * ldb + j, ldb, row_bits.data(), k0, k1);
                    if (last) finish_row<T, 1>(&acc, *e, ldc, i, j, lanes);
                    store(c + j, acc);
                }
                if (tiled_cols < N) {  // from the zero-padded copy (BT) or strip
                    const int n = N - tiled_cols;
                    Vec<T> acc = first ? start(*e, tiled_cols, n) : load_part(c + tiled_cols, n);
                    if constexpr (BT)
                        skip_strip<T, 1>(&acc, a, panel_rows + (tiled_cols - p0), lds,
                                         row_bits.data(), k0, k1);
                    else
                        skip_strip<T, 1>(&acc, a, tail + static_cast<long>(k0) * lanes, lanes,
                                         row_bits.data(), k0, k1);
                    if (last) finish_row<T, 1>(&acc, *e, ldc, i, tiled_cols, n);
                    store_part(c + tiled_cols, acc, n);
                }
            }
        }
    }
}

// Above this share of zeros in A (M, K), skipping them is faster than the register tiles, as
// measured in training (one core, AVX-512): the notebook's model, whose 128-wide products fill
// the skipping path's strips of 8 vectors, trains 5 to 8% faster skipping above 0.3 than above
// 0.5 (a ReLU's zeros come in whole dead units, cheaper to skip than scattered ones). A width that
// leaves narrower strips (lesson 15's 196) skips only above 0.75: there the tiles were twice as
// fast at 40% zeros. Both paths give the same bits.
constexpr double kSkipZerosAboveShare = 0.3;
constexpr double kSkipZerosAboveShareNarrowStrips = 0.75;

// The share of A's n entries that are zero, judged from its first kZerosSample entries (all of A
// when it has fewer). Which path runs changes no bit of the result, only its speed, and a ReLU's
// zeros are spread alike through its rows (its batch's samples), so a part of A tells as well as
// the whole: a sampling block's 64,000 entries were counted at every product, a pass over A
// before the product's own.
constexpr long kZerosSample = 4096;

template <typename T>
static double zeros_share(const T* A, long n) {
    const long counted = std::min(n, kZerosSample);
    int zeros = 0;  // an int count vectorises twice as well as a long one
    for (long i = 0; i < counted; ++i) zeros += A[i] == T(0);
    return counted > 0 ? static_cast<double>(zeros) / counted : 0.0;
}

template <typename T>
void gemm_acc_skip_zeros(T* C, const T* A, const T* B, int M, int K, int N) {
    skip_zeros<T, false>(C, N, A, B, N, M, K, N, nullptr,
                         1.0 - zeros_share(A, static_cast<long>(M) * K));
}

// A transposed copy of the rows × cols matrix m, in this thread's scratch (one copy at a time).
// Aligned to the vectors, as the skipping path loads whole vectors from its rows.
template <typename T>
static const T* transposed(const T* m, int rows, int cols) {
    thread_local AlignedVector<T> scratch;
    const size_t n = static_cast<size_t>(rows) * cols;  // in size_t: rows * cols may pass INT_MAX
    if (scratch.size() < n) scratch.resize(n);
    transpose(scratch.data(), m, rows, cols);
    return scratch.data();
}

// C (M, N) += A (M, K) · B (K, N), with A given transposed (K, M) when AT and B given transposed
// (N, K) when BT. When A is mostly zeros the skipping path runs, on a transposed copy of A when it
// came transposed; otherwise the tiles read A where it is. Both take B's blocks transposed as
// they copy them.
//
// Threads split C by blocks of kRows rows, or, when C has fewer rows than columns (a batch of
// 128 through a layer 512 wide), by bands of columns: then each thread copies, and keeps in its
// caches, only its own columns of B, where with rows each would copy all of B. A band is a
// whole number of the tiles' strips and the skipping path's panels, so each band sees the same
// strips as the whole: every element of C is computed by the same operations on whichever
// thread, and the result does not depend on the number of threads.
template <typename T, bool AT, bool BT>
static void product(T* C, const T* A, const T* B, int M, int K, int N, const Epilogue<T>* e) {
    const double share =
        N % skip_strip_cols<T>() == 0 ? kSkipZerosAboveShare : kSkipZerosAboveShareNarrowStrips;
    const double zeros = zeros_share(A, static_cast<long>(M) * K);
    const bool skip = zeros > share;
    static_assert(!(AT && BT), "no product here takes both transposed");
    if (skip && AT) A = transposed(A, K, M);
    const long ldb = BT ? K : N;
    // C's rows [r0, r1) and columns [j0, j1).
    auto part = [&](int r0, int r1, int j0, int j1) {
        T* c = C + static_cast<long>(r0) * N + j0;
        const T* b = B + (BT ? j0 * ldb : j0);
        const Epilogue<T> piece = e ? piece_of(*e, r0, j0, N) : Epilogue<T>{};
        const Epilogue<T>* ends = e ? &piece : nullptr;  // this piece's, or none
        if (skip) {
            skip_zeros<T, BT>(c, N, A + static_cast<long>(r0) * K, b, ldb, r1 - r0, K, j1 - j0,
                              ends, 1.0 - zeros);
            return;
        }
        if (e && K == 0) {  // no block of k for the tiles to start and end: C is the epilogue's
            start_pass(c, N, piece, r1 - r0, j1 - j0);
            finish_pass(c, N, piece, r1 - r0, j1 - j0);
        } else if (AT) {
            tiles<T, true, BT>(c, N, A + r0, M, b, ldb, r1 - r0, K, j1 - j0, ends);
        } else {
            tiles<T, false, BT>(c, N, A + static_cast<long>(r0) * K, K, b, ldb, r1 - r0, K, j1 - j0,
                                ends);
        }
    };
    constexpr int band = std::max(kVecs * kVecBytes / static_cast<int>(sizeof(T)),
                                  skip_panel_cols<T>());  // the columns of the narrowest band
    const int bands = N / band;  // the last band also takes the N % band columns after them
    if (M < N && bands >= 2) {
        const long band_work = static_cast<long>(M) * K * band;  // multiply-adds of a band
        parallel_for(
            bands, [&](int q0, int q1) { part(0, M, q0 * band, q1 == bands ? N : q1 * band); },
            static_cast<int>(std::max(1L, kMinParallelWork / std::max(1L, band_work))));
        return;
    }
    const int blocks = (M + kRows - 1) / kRows;
    const long block_work = static_cast<long>(kRows) * K * N;  // multiply-adds of a block
    parallel_for(
        blocks, [&](int b0, int b1) { part(b0 * kRows, std::min(M, b1 * kRows), 0, N); },
        static_cast<int>(std::max(1L, kMinParallelWork / std::max(1L, block_work))));
}

template <typename T>
void gemm_acc(T* C, const T* A, const T* B, int M, int K, int N) {
    product<T, false, false>(C, A, B, M, K, N, nullptr);
}

template <typename T>
void gemm_tn_acc(T* C, const T* At, const T* B, int M, int K, int N) {
    product<T, true, false>(C, At, B, M, K, N, nullptr);
}

template <typename T>
bool fills_a_tile(int N) {
    return N >= kVecBytes / static_cast<int>(sizeof(T));  // one vector: the narrow tiles
}

// The last terms of a narrow dot product: a[k] * b[k] for k < n added to sum, one after another.
// Not inlined, so that both narrow products (gemm_nt_serial, tn_dots_serial) run this one loop as
// compiled once: the compiler may round each product before adding it here (multiplying several
// at once) or multiply-add in one rounding, and both must make the same choice.
template <typename T>
[[gnu::noinline]] static T dot_tail(T sum, const T* a, const T* b, int n) {
    for (int k = 0; k < n; ++k) sum += a[k] * b[k];
    return sum;
}

// C (M, N) += A (M, K) · Btᵀ, or with e, C = the epilogue's start + A · Btᵀ and then its end, each
// entry a dot product of A's row i and Bt's row j: lane l of a vector gets the terms k = l,
// l + lanes, ... in order, then the lanes are added in order, then the last K % lanes terms
// (dot_tail). The entries go kGroup at a time, row after row: kSideBySide products side by side,
// each its own chain of multiply-adds, and then the group's lanes added together, kGroup
// independent sums at each step where one entry's would wait for each addition before the next.
// The same additions, in the same order, for each entry.
template <typename T>
static void gemm_nt_serial(T* C, const T* A, const T* Bt, int M, int K, int N,
                           const Epilogue<T>* e) {
    constexpr int lanes = kVecBytes / sizeof(T);
    constexpr int kGroup = 16, kSideBySide = 4;
    const int Kv = K - K % lanes;
    const long entries = static_cast<long>(M) * N;
    const Epilogue<T> none;
    const Epilogue<T>& end = e ? *e : none;
    T lane[kGroup][lanes];  // the group's running sums, entry by entry
    long row[kGroup];       // the group's entries (row[g], col[g]); past the last, the last again
    int col[kGroup];
    for (long q0 = 0, i = 0, j = 0; q0 < entries; q0 += kGroup) {
        for (int g = 0; g < kGroup; ++g) {
            row[g] = i;
            col[g] = static_cast<int>(j);
            if (q0 + g + 1 < entries && ++j == N) {
                j = 0;
                ++i;
            }
        }
        for (int g0 = 0; g0 < kGroup; g0 += kSideBySide) {
            Vec<T> acc[kSideBySide] = {};
            for (int k = 0; k < Kv; k += lanes)
                for (int u = 0; u < kSideBySide; ++u)
                    acc[u] += load(A + row[g0 + u] * K + k) * load(Bt + col[g0 + u] * K + k);
            for (int u = 0; u < kSideBySide; ++u) store(lane[g0 + u], acc[u]);
        }
        T sum[kGroup] = {};
        for (int l = 0; l < lanes; ++l)
#pragma GCC unroll 16
            for (int g = 0; g < kGroup; ++g) sum[g] += lane[g][l];
        const int G = static_cast<int>(std::min<long>(kGroup, entries - q0));
        for (int g = 0; g < G; ++g) {
            const long i = row[g];
            const int j = col[g];
            if (Kv < K) sum[g] = dot_tail(sum[g], A + i * K + Kv, Bt + j * K + Kv, K - Kv);
            T c = C[q0 + g];
            if (e) c = end.bias ? end.bias[j] : T(0);  // the epilogue's start, as start() gives
            c += sum[g];
            for (int q = 0; q < 2; ++q)  // and its end, as finish_row does it
                if (end.table[q]) c += end.table[q][end.index[q][i] * static_cast<long>(N) + j];
            if (end.relu) c = c > T(0) ? c : T(0);
            if (end.gate) c = T(0) + (end.gate[i * N + j] > T(0) ? c : T(0));
            C[q0 + g] = c;
        }
    }
}

// gemm_nt_serial's sums for A = Atᵀ and Bt = Bᵀ, read where At (K, M) and B (K, N) are stored:
// C's rows [i0, i1). gemm_nt_serial keeps entry (i, j)'s running sums in the lanes of one vector,
// lane l getting the terms k = l, l + lanes, ... in order; here the same running sums live in a
// table, part (N, lanes, i1 - i0), which each row k of At updates for all i at once. Then each
// entry's lanes are added in order, and the last K % lanes terms by the same dot_tail.
template <typename T>
static void tn_dots_serial(T* C, const T* At, const T* B, int M, int K, int N, int i0, int i1) {
    constexpr int lanes = kVecBytes / sizeof(T);
    const int Kv = K - K % lanes, W = i1 - i0;
    thread_local AlignedVector<T> part, sums;
    part.assign(static_cast<size_t>(N) * lanes * W, T(0));
    sums.resize(W);
    T a_tail[lanes], b_tail[lanes];  // the last K % lanes terms of one entry, side by side
    for (int k = 0; k < Kv; ++k) {
        const T* a = At + static_cast<long>(k) * M + i0;
        for (int j = 0; j < N; ++j) {
            const T b = B[static_cast<long>(k) * N + j];
            T* p = part.data() + (static_cast<size_t>(j) * lanes + k % lanes) * W;
            for (int i = 0; i < W; ++i) p[i] += a[i] * b;  // lane k % lanes of entries (i, j)
        }
    }
    for (int j = 0; j < N; ++j) {
        std::fill(sums.begin(), sums.end(), T(0));
        for (int l = 0; l < lanes; ++l) {
            const T* p = part.data() + (static_cast<size_t>(j) * lanes + l) * W;
            for (int i = 0; i < W; ++i) sums[i] += p[i];
        }
        for (int k = Kv; k < K; ++k) b_tail[k - Kv] = B[static_cast<long>(k) * N + j];
        for (int i = 0; i < W && Kv < K; ++i) {
            for (int k = Kv; k < K; ++k) a_tail[k - Kv] = At[static_cast<long>(k) * M + i0 + i];
            sums[i] = dot_tail(sums[i], a_tail, b_tail, K - Kv);
        }
        for (int i = 0; i < W; ++i) C[static_cast<long>(i0 + i) * N + j] += sums[i];
    }
}

template <typename T>
void gemm_tn_dots(T* C, const T* At, const T* B, int M, int K, int N) {
    const int min_rows =
        static_cast<int>(std::max(1L, kMinParallelWork / std::max(1L, static_cast<long>(K) * N)));
    parallel_for(
        M, [&](int r0, int r1) { tn_dots_serial(C, At, B, M, K, N, r0, r1); }, min_rows);
}

// gemm_nt_acc, and gemm_nt when e is not null.
template <typename T>
static void nt_product(T* C, const T* A, const T* Bt, int M, int K, int N, const Epilogue<T>* e) {
    if (fills_a_tile<T>(N)) {
        product<T, false, true>(C, A, Bt, M, K, N, e);
        return;
    }
    const int min_rows =
        static_cast<int>(std::max(1L, kMinParallelWork / std::max(1L, static_cast<long>(K) * N)));
    parallel_for(
        M,
        [&](int r0, int r1) {
            T* c = C + static_cast<long>(r0) * N;
            const Epilogue<T> piece = e ? piece_of(*e, r0, 0, N) : Epilogue<T>{};
            gemm_nt_serial(c, A + static_cast<long>(r0) * K, Bt, r1 - r0, K, N,
                           e ? &piece : nullptr);
        },
        min_rows);
}

template <typename T>
void gemm_nt_acc(T* C, const T* A, const T* Bt, int M, int K, int N) {
    nt_product<T>(C, A, Bt, M, K, N, nullptr);
}

template <typename T>
void gemm_nt(T* C, const T* A, const T* Bt, int M, int K, int N, const Epilogue<T>& e) {
    nt_product(C, A, Bt, M, K, N, &e);
}

template <typename T>
void gemm(T* C, const T* A, const T* B, int M, int K, int N, const Epilogue<T>& e) {
    product<T, false, false>(C, A, B, M, K, N, &e);
}

int vector_bytes() {
    return kVecBytes;
}

DDPM_GEMM_INSTANTIATE(float)
DDPM_GEMM_INSTANTIATE(double)

}  // namespace ddpm::fast::DDPM_GEMM_ISA
