// The fast tier (lib/fast/) against the plain code it stands behind: the linear layer's products
// against the loops of lib/nn/layers.cpp, on shapes that exercise the register tiles and every
// remainder path; the model with the fast tier on and off; sampling in blocks against one
// forward pass; the blocked gradient norm against a plain sum; the layer norm's rows side by side
// against its loops; the normals drawn at once against rng.normal() one at a time.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "fast/gemm.h"
#include "fast/isa.h"
#include "fast/linear.h"
#include "fast/norm.h"
#include "fast/normal.h"
#include "fast/optim.h"
#include "fast/parallel.h"
#include "fast/predict.h"
#include "fast/reduce.h"
#include "nn/layers.h"
#include "nn/model.h"
#include "nn/optim.h"

template <typename T>
static std::vector<T> randn(size_t n, ddpm::Rng& rng) {
    std::vector<T> v(n);
    for (T& x : v) x = rng.normal();
    return v;
}

template <typename T>
static double max_diff(const std::vector<T>& a, const std::vector<T>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(double(a[i]) - double(b[i])));
    return d;
}

// How many entries of a and b differ in any bit.
template <typename T>
static long bits_differ(const std::vector<T>& a, const std::vector<T>& b) {
    long n = 0;
    for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
    return n;
}

// Sets about `share` of the values to 0, as a ReLU does to its input (so gemm_acc takes its
// zero-skipping path when share is large).
template <typename T>
static void zero_out(std::vector<T>& v, double share, ddpm::Rng& rng) {
    for (T& x : v)
        if (rng.uniform(0.0f, 1.0f) < share) x = 0;
}

// Runs check once for each set of loops this build carries: a portable x86-64 build (NATIVE=0) has
// its products, Adam's pass and the gradient norm's sum compiled for AVX beside its SSE2 ones
// (fast/isa.h), and runs them where the processor has AVX; every promise below must hold for both.
static void for_each_vector_set(const std::function<void()>& check) {
    ddpm::fast::allow_avx(true);
    const int first = ddpm::fast::vector_bytes();
    std::printf("the fast tier with %d-byte vectors:\n", first);
    check();
    ddpm::fast::allow_avx(false);
    if (ddpm::fast::vector_bytes() != first) {
        std::printf("the fast tier with %d-byte vectors:\n", ddpm::fast::vector_bytes());
        check();
    }
    ddpm::fast::allow_avx(true);
}

// One linear layer's forward and backward, by the plain loops (the fast tier off) or by the fast
// tier, from the same starting gradients (backward accumulates).
template <typename T>
struct LinearRun {
    std::vector<T> out, din, dw, db;
};

template <typename T>
static LinearRun<T> run_linear(bool fast, const std::vector<T>& in, const std::vector<T>& w,
                               const std::vector<T>& b, const std::vector<T>& dout,
                               const LinearRun<T>& start, int B, int C, int OC) {
    ddpm::fast::set_enabled(fast);
    LinearRun<T> r = start;
    r.out.assign(static_cast<size_t>(B) * OC, T(0));
    ddpm::linear_forward(r.out.data(), in.data(), w.data(), b.data(), B, C, OC);
    ddpm::linear_backward(r.din.data(), r.dw.data(), r.db.data(), dout.data(), in.data(), w.data(),
                          B, C, OC);
    ddpm::fast::set_enabled(true);
    return r;
}

// The backward products sum in the plain loops' order (din and db always; dw when C fills a
// register tile, through gemm_acc): there the bits must agree. The forward's sums run in the same
// order too, but the compiler may vectorise the plain dot product's multiplications and keep its
// additions in order, rounding each product before it is added, where the tiles fuse each
// multiply-add into one rounding; and the narrow products (OC or C below a tile) are dot products
// summed in vector lanes, another order of the same terms. Those agree to rounding: sums of C
// products of N(0,1) values are ~sqrt(C) in size, and float rounding of such a sum is about
// C * 6e-8 * sqrt(C) at worst, so 1e-4 (float) and 1e-12 (double) leave room for C <= 300.
template <typename T>
static void check_shapes(double tol, double zeros) {
    ddpm::Rng rng(17);
    // Among them widths that take the wide tiles, the one-vector tiles and the zero-padded last
    // columns at once (50, 20, 71, 196), for every vector width; every count of rows left over
    // after the tiles of rows; and sums longer than one block of k (300, 512).
    const int shapes[][3] = {{128, 128, 128}, {128, 2, 128}, {128, 128, 2},  {16, 128, 128},
                             {7, 5, 3},       {1, 1, 1},     {13, 33, 71},   {4, 300, 40},
                             {24, 64, 50},    {9, 20, 20},   {37, 200, 300}, {130, 196, 512},
                             {11, 71, 64},    {9, 64, 200},  {8, 50, 20}};
    for (const auto& s : shapes) {
        const int B = s[0], C = s[1], OC = s[2];
        CAPTURE(B);
        CAPTURE(C);
        CAPTURE(OC);
        auto in = randn<T>(B * C, rng), w = randn<T>(OC * C, rng), b = randn<T>(OC, rng),
             dout = randn<T>(B * OC, rng);
        zero_out(in, zeros, rng);
        zero_out(dout, zeros, rng);
        const LinearRun<T> start{
            {}, randn<T>(B * C, rng), randn<T>(OC * C, rng), randn<T>(OC, rng)};
        const LinearRun<T> plain = run_linear(false, in, w, b, dout, start, B, C, OC);
        const LinearRun<T> fast = run_linear(true, in, w, b, dout, start, B, C, OC);
        const bool same_order_dw = ddpm::fast::fills_a_tile<T>(C);
        const double fwd = max_diff(plain.out, fast.out);
        const double dw = max_diff(plain.dw, fast.dw);
        const long din_bits = bits_differ(plain.din, fast.din);
        const long db_bits = bits_differ(plain.db, fast.db);
        const long dw_bits = bits_differ(plain.dw, fast.dw);
        const bool ok = fwd <= tol && (same_order_dw ? dw_bits == 0 : dw <= tol) && din_bits == 0 &&
                        db_bits == 0;
        std::printf(
            "%-7s fast vs plain linear (%s, %2.0f%% zeros) B=%d C=%d OC=%d: forward %.1e, "
            "dw %s, din and db %ld bits differ\n",
            ok ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", 100 * zeros, B, C, OC, fwd,
            same_order_dw ? (std::to_string(dw_bits) + " bits differ").c_str()
                          : (std::to_string(dw) + " (lanes)").c_str(),
            din_bits + db_bits);
        CHECK(fwd <= tol);
        if (same_order_dw)
            CHECK(dw_bits == 0);
        else
            CHECK(dw <= tol);
        CHECK(din_bits == 0);
        CHECK(db_bits == 0);
    }
}

TEST_CASE("the fast linear layer: the plain loops' bits in backward, their values to rounding") {
    for_each_vector_set([] {
        for (double zeros : {0.0, 0.8}) {  // dense inputs, and mostly zeros (the skipping path)
            check_shapes<float>(1e-4, zeros);
            check_shapes<double>(1e-12, zeros);
        }
    });
}

// Each C entry is the same sum in the same order on both paths, so the bits agree, not just
// the values.
template <typename T>
static void check_skip_zeros() {
    ddpm::Rng rng(23);
    // Among them B wider than the skipping path's panel, in panels of their own (5, 70, 300) and
    // copied panel by panel (40, 100, 300; 128, 512, 512), with the narrow columns after them;
    // and a block of k with three groups of 32, the last alone in its word of 64 (11, 100, 7).
    const int shapes[][3] = {{128, 128, 128}, {13, 33, 71},   {5, 70, 300},    {3, 31, 7},
                             {1, 1, 1},       {37, 300, 200}, {128, 512, 196}, {40, 100, 300},
                             {128, 512, 512}, {11, 100, 7}};
    // The share of zeros sets the path's blocks of k (skip_block_rows): from 32 KB at half zeros
    // to all of K at 95%. dead: also every third row of A all zeros (a unit dead for the whole
    // batch, when A is a transposed gradient), which the path passes over without reading C.
    for (const auto& s : shapes)
        for (double zeros : {0.0, 0.5, 0.8, 0.95, 1.0})
            for (bool dead : {false, true}) {
                const int M = s[0], K = s[1], N = s[2];
                auto A = randn<T>(M * K, rng), B = randn<T>(K * N, rng), C = randn<T>(M * N, rng);
                zero_out(A, zeros, rng);
                if (dead)
                    for (int i = 1; i < M; i += 3)
                        std::fill(A.begin() + i * K, A.begin() + (i + 1) * K, T(0));
                auto C_tiles = C, C_skip = C;
                ddpm::fast::gemm_acc_tiles(C_tiles.data(), A.data(), B.data(), M, K, N);
                ddpm::fast::gemm_acc_skip_zeros(C_skip.data(), A.data(), B.data(), M, K, N);
                long differ = 0;
                for (size_t i = 0; i < C.size(); ++i) differ += C_tiles[i] != C_skip[i];
                std::printf(
                    "%-7s skip zeros vs tiles (%s) M=%d K=%d N=%d, %3.0f%% zeros%s: %ld of %zu "
                    "differ\n",
                    differ == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", M, K, N,
                    100 * zeros, dead ? ", every third row" : "", differ, C.size());
                CHECK(differ == 0);
                if (zeros == 1.0) CHECK(max_diff(C_skip, C) == 0);  // all zeros: C unchanged
            }
}

TEST_CASE("skipping the zeros of A gives the same bits as the register tiles") {
    for_each_vector_set([] {
        check_skip_zeros<float>();
        check_skip_zeros<double>();
    });
}

// What the skipping path takes for a zero is what != says: a NaN is not one, so its row of C
// becomes NaN, as the tiles make it; -0 is one, and skipped or not it changes no sum. Each
// instruction set finds the zeros with its own vector compares (nonzero_bits), so each is run:
// NaNs in several groups of 32 and in the last K % 32 values, -0 in half of the zeros.
template <typename T>
static void check_skip_nan_and_negative_zero() {
    ddpm::Rng rng(53);
    const int shapes[][3] = {{128, 128, 128}, {37, 300, 200}, {9, 70, 20}};
    for (const auto& s : shapes) {
        const int M = s[0], K = s[1], N = s[2];
        auto A = randn<T>(M * K, rng), B = randn<T>(K * N, rng), C = randn<T>(M * N, rng);
        zero_out(A, 0.6, rng);
        for (T& a : A)
            if (a == T(0) && rng.uniform() < 0.5f) a = -T(0);
        const int nan_rows[] = {0, M / 2, M - 1}, nan_cols[] = {3, K / 2 + 1, K - 1};
        for (int q = 0; q < 3; ++q) A[nan_rows[q] * K + nan_cols[q]] = std::nan("");
        auto C_tiles = C, C_skip = C;
        ddpm::fast::gemm_acc_tiles(C_tiles.data(), A.data(), B.data(), M, K, N);
        ddpm::fast::gemm_acc_skip_zeros(C_skip.data(), A.data(), B.data(), M, K, N);
        long nan_rows_kept = 0, differ = 0;
        for (int i = 0; i < M; ++i) {
            const bool nan_row = i == nan_rows[0] || i == nan_rows[1] || i == nan_rows[2];
            long nans = 0;
            for (int j = 0; j < N; ++j) {
                const T t = C_tiles[i * N + j], k = C_skip[i * N + j];
                nans += std::isnan(k) && std::isnan(t);
                if (!nan_row) differ += t != k;
            }
            if (nan_row) nan_rows_kept += nans == N;
        }
        const bool ok = nan_rows_kept == 3 && differ == 0;
        std::printf(
            "%-7s skip zeros vs tiles with NaN and -0 in A (%s) M=%d K=%d N=%d: %ld of 3 NaN rows "
            "NaN on both paths, %ld other entries differ\n",
            ok ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", M, K, N, nan_rows_kept,
            differ);
        CHECK(nan_rows_kept == 3);
        CHECK(differ == 0);
    }
}

TEST_CASE("the skipping path keeps a NaN of A as the tiles do, and -0 changes no sum") {
    for_each_vector_set([] {
        check_skip_nan_and_negative_zero<float>();
        check_skip_nan_and_negative_zero<double>();
    });
}

// One product's random operands (about `zeros` of A zero), and A's and B's transposes.
template <typename T>
struct Operands {
    int M, K, N;
    std::vector<T> A, B, C, At, Bt;
};

template <typename T>
static Operands<T> random_operands(int M, int K, int N, double zeros, ddpm::Rng& rng) {
    Operands<T> o{M,  K, N, randn<T>(M * K, rng), randn<T>(K * N, rng), randn<T>(M * N, rng),
                  {}, {}};
    zero_out(o.A, zeros, rng);
    o.At.resize(o.A.size());
    o.Bt.resize(o.B.size());
    ddpm::fast::transpose(o.At.data(), o.A.data(), M, K);
    ddpm::fast::transpose(o.Bt.data(), o.B.data(), K, N);
    return o;
}

// C + A·B three ways: gemm_acc; gemm_nt_acc, reading Bt; gemm_tn_acc, reading At.
template <typename T>
static std::array<std::vector<T>, 3> three_products(const Operands<T>& o) {
    std::array<std::vector<T>, 3> r{o.C, o.C, o.C};
    ddpm::fast::gemm_acc(r[0].data(), o.A.data(), o.B.data(), o.M, o.K, o.N);
    ddpm::fast::gemm_nt_acc(r[1].data(), o.A.data(), o.Bt.data(), o.M, o.K, o.N);
    ddpm::fast::gemm_tn_acc(r[2].data(), o.At.data(), o.B.data(), o.M, o.K, o.N);
    return r;
}

// gemm_nt_acc (B given transposed) and gemm_tn_acc (A given transposed) read the stored operand
// where it is; each must give gemm_acc's bits on an explicitly transposed copy, on both paths
// (dense A: the tiles; mostly zeros: the skipping path) and on 1 and 2 threads.
template <typename T>
static void check_transposed_operands() {
    ddpm::Rng rng(29);
    const int shapes[][3] = {{128, 128, 128}, {37, 300, 200}, {128, 196, 512},
                             {13, 33, 71},    {5, 70, 16},    {3, 31, 300}};
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        for (const auto& s : shapes)
            for (double zeros : {0.0, 0.9}) {
                const auto o = random_operands<T>(s[0], s[1], s[2], zeros, rng);
                const auto r = three_products(o);
                const long nt = bits_differ(r[0], r[1]), tn = bits_differ(r[0], r[2]);
                std::printf(
                    "%-7s transposed operands (%s) M=%d K=%d N=%d, %2.0f%% zeros, %d thread(s): "
                    "A·Btᵀ %ld, Atᵀ·B %ld of %zu differ from A·B\n",
                    nt == 0 && tn == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", o.M,
                    o.K, o.N, 100 * zeros, threads, nt, tn, o.C.size());
                CHECK(nt == 0);
                CHECK(tn == 0);
            }
    }
    ddpm::set_num_threads(1);
}

TEST_CASE("the products that read a transposed operand in place give gemm_acc's bits") {
    for_each_vector_set([] {
        check_transposed_operands<float>();
        check_transposed_operands<double>();
    });
}

// gemm_tn_dots (a narrow weight gradient, read where dout and the input are) against gemm_nt_acc's
// narrow dot products on explicitly transposed copies, which linear_backward made before: the
// same bits, for results 1 to 7 columns wide (those narrower than a vector in this build), sums
// with and without a last K % lanes terms (K = 7 has none in vectors), on 1 and 2 threads
// (4000 x 1000 x 3 is split between them).
template <typename T>
static void check_narrow_weight_gradient() {
    ddpm::Rng rng(41);
    const int shapes[][3] = {{128, 128, 2}, {37, 130, 3}, {5, 7, 1},      {1, 1, 1},
                             {300, 77, 7},  {64, 16, 5},  {4000, 1000, 3}};
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        for (const auto& s : shapes) {
            if (ddpm::fast::fills_a_tile<T>(s[2])) continue;  // not narrow in this build
            const auto o = random_operands<T>(s[0], s[1], s[2], 0.3, rng);
            auto dots = o.C, copies = o.C;
            ddpm::fast::gemm_tn_dots(dots.data(), o.At.data(), o.B.data(), o.M, o.K, o.N);
            ddpm::fast::gemm_nt_acc(copies.data(), o.A.data(), o.Bt.data(), o.M, o.K, o.N);
            const long differ = bits_differ(dots, copies);
            std::printf(
                "%-7s narrow Atᵀ·B (%s) M=%d K=%d N=%d, %d thread(s): %ld of %zu differ from "
                "the dot products of transposed copies\n",
                differ == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", o.M, o.K, o.N,
                threads, differ, o.C.size());
            CHECK(differ == 0);
            if (o.M * o.K >= 20) CHECK(max_diff(dots, o.C) > 0);  // the product added something
        }
    }
    ddpm::set_num_threads(1);
}

TEST_CASE("a narrow weight gradient read in place gives the bits of the transposed copies'") {
    for_each_vector_set([] {
        check_narrow_weight_gradient<float>();
        check_narrow_weight_gradient<double>();
    });
}

// C with fewer rows than columns is split among threads by bands of columns, each band reading
// its own columns of B (and its own copy of them on the skipping path): on 2 threads each of the
// three products must give its 1-thread bits, on both paths, with a band that ends in narrow
// columns (300, 1000) and bands of the narrowest width (512: four bands of 128 floats).
template <typename T>
static void check_column_bands() {
    ddpm::Rng rng(31);
    const int shapes[][3] = {{100, 400, 300}, {128, 512, 512}, {64, 256, 1000}};
    for (const auto& s : shapes)
        for (double zeros : {0.0, 0.9}) {
            const auto o = random_operands<T>(s[0], s[1], s[2], zeros, rng);
            const auto one = three_products(o);
            ddpm::set_num_threads(2);
            const auto two = three_products(o);
            ddpm::set_num_threads(1);
            const long ab = bits_differ(one[0], two[0]), nt = bits_differ(one[1], two[1]),
                       tn = bits_differ(one[2], two[2]);
            std::printf(
                "%-7s bands of columns (%s) M=%d K=%d N=%d, %2.0f%% zeros: on 2 threads A·B %ld, "
                "A·Btᵀ %ld, Atᵀ·B %ld of %zu differ from 1 thread\n",
                ab + nt + tn == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", o.M, o.K,
                o.N, 100 * zeros, ab, nt, tn, o.C.size());
            CHECK(ab == 0);
            CHECK(nt == 0);
            CHECK(tn == 0);
            CHECK(max_diff(one[0], o.C) > 0);  // the product did add something
        }
}

TEST_CASE("a product split among threads by bands of columns gives one thread's bits") {
    for_each_vector_set([] {
        check_column_bands<float>();
        check_column_bands<double>();
    });
}

// A hidden block in one product (gemm_nt's epilogue, fast/linear.h) against its steps one after
// another: the bias copied into out, gemm_nt_acc, the plain embedding_forward of each table, the
// plain relu_forward. Every piece of the epilogue and every path of the product: the skipping
// path's wide and narrow strips and zero-padded last columns, its blocks of k (K over 64), the
// tiles (dense A) and their blocks of k (K = 300), the narrow dot products (N below a vector),
// bands of columns on 2 threads (128 x 512 x 512), with and without a bias, tables and the ReLU.
template <typename T>
static void check_epilogue(int threads) {
    ddpm::Rng rng(37);
    const int shapes[][3] = {{128, 128, 128}, {512, 128, 128}, {128, 2, 128}, {13, 33, 71},
                             {5, 70, 300},    {3, 31, 7},      {1, 1, 1},     {37, 300, 200},
                             {4, 300, 40},    {128, 512, 512}, {9, 20, 20}};
    const int rows = 11;  // the tables' rows
    for (const auto& s : shapes)
        for (double zeros : {0.0, 0.5, 0.95})
            for (int variant = 0; variant < 6; ++variant) {
                const int M = s[0], K = s[1], N = s[2];
                // variant 0: bias, two tables, ReLU; 1: no bias, one table, ReLU; 2: bias,
                // ReLU; 3: bias only, no ReLU (linear_forward's own epilogue); 4: the gate only
                // (linear_input_relu_backward's); 5: bias and gate. A's first row is zero and the
                // bias's first entry -0, so C's first entry is -0 until the ReLU makes it +0 (as
                // relu_forward does), or the gate adds it to +0 (as relu_backward does).
                auto A = randn<T>(static_cast<size_t>(M) * K, rng);
                const auto W = randn<T>(static_cast<size_t>(N) * K, rng);
                auto bias = randn<T>(N, rng);
                bias[0] = -T(0);
                const auto t0 = randn<T>(static_cast<size_t>(rows) * N, rng);
                const auto t1 = randn<T>(static_cast<size_t>(rows) * N, rng);
                std::vector<int> i0(M), i1(M);
                for (int i = 0; i < M; ++i) {
                    i0[i] = rng.randint(rows);
                    i1[i] = rng.randint(rows);
                }
                // The gate: a block's output, about a third of it zeros, its first entry kept.
                auto gate = randn<T>(static_cast<size_t>(M) * N, rng);
                for (T& g : gate) g = rng.uniform() < 0.3 ? T(0) : std::fabs(g);
                gate[0] = 1;
                zero_out(A, zeros, rng);
                std::fill(A.begin(), A.begin() + K, T(0));
                const bool has_bias = variant != 1 && variant != 4, relu = variant <= 2;
                const bool gated = variant >= 4;
                const int tables = variant == 0 ? 2 : variant == 1 ? 1 : 0;
                // The steps one after another.
                std::vector<T> steps(static_cast<size_t>(M) * N);
                for (int i = 0; i < M; ++i)
                    for (int j = 0; j < N; ++j)
                        steps[static_cast<size_t>(i) * N + j] = has_bias ? bias[j] : T(0);
                ddpm::set_num_threads(threads);
                ddpm::fast::gemm_nt_acc(steps.data(), A.data(), W.data(), M, K, N);
                if (tables >= 1) ddpm::embedding_forward(steps.data(), i0.data(), t0.data(), M, N);
                if (tables >= 2) ddpm::embedding_forward(steps.data(), i1.data(), t1.data(), M, N);
                if (relu) ddpm::relu_forward(steps.data(), steps.data(), M * N);
                if (gated) {  // relu_backward into a zeroed gradient, as the model's backward
                    std::vector<T> din(steps.size(), T(0));
                    ddpm::relu_backward(din.data(), steps.data(), gate.data(), M * N);
                    steps = din;
                }
                // In one product, into an out that holds something else first.
                std::vector<T> fused(steps.size(), T(7));
                ddpm::fast::Epilogue<T> e;
                e.bias = has_bias ? bias.data() : nullptr;
                if (tables >= 1) {
                    e.table[0] = t0.data();
                    e.index[0] = i0.data();
                }
                if (tables >= 2) {
                    e.table[1] = t1.data();
                    e.index[1] = i1.data();
                }
                e.relu = relu;
                e.gate = gated ? gate.data() : nullptr;
                ddpm::fast::gemm_nt(fused.data(), A.data(), W.data(), M, K, N, e);
                ddpm::set_num_threads(1);
                const bool same =
                    std::memcmp(steps.data(), fused.data(), steps.size() * sizeof(T)) == 0;
                long positive = 0;
                for (T v : fused) positive += v > T(0);
                std::printf(
                    "%-7s epilogue vs steps (%s, %d thread%s) M=%d K=%d N=%d, %2.0f%% zeros, "
                    "%s%d table%s%s%s: %ld of %zu differ, %ld positive\n",
                    same ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", threads,
                    threads == 1 ? "" : "s", M, K, N, 100 * zeros, has_bias ? "bias, " : "", tables,
                    tables == 1 ? "" : "s", relu ? ", ReLU" : "", gated ? ", gate" : "",
                    bits_differ(steps, fused), steps.size(), positive);
                CHECK(same);
                // The ReLU and the gate really cut: some values positive, some not (every shape
                // has a few).
                if ((relu || gated) && M * N >= 20)
                    CHECK(positive < static_cast<long>(fused.size()));
                if (M * N >= 20) CHECK(positive > 0);
                // The -0 in C's first entry came out +0 (the ReLU, or the gate's +0 + -0).
                if (relu || gated) CHECK(!std::signbit(fused[0]));
            }
}

TEST_CASE("a hidden block in one product gives the bits of its steps one after another") {
    for_each_vector_set([] {
        for (int threads : {1, 2}) {
            check_epilogue<float>(threads);
            check_epilogue<double>(threads);
        }
    });
}

// B samples' random steps t and classes c, for a model with cfg.num_classes classes (c up to
// num_classes itself, "no class"), drawn step then class, sample after sample.
static void random_conditioning(std::vector<int>& t, std::vector<int>& c, int B,
                                const ddpm::ModelConfig& cfg, ddpm::Rng& rng) {
    t.resize(B);
    c.resize(B);
    for (int i = 0; i < B; ++i) {
        t[i] = rng.randint(cfg.num_steps);
        c[i] = rng.randint(cfg.num_classes + 1);
    }
}

// The model's hidden blocks, as MLP::forward runs them with the fast tier on (one product each),
// against the fast layers one step at a time: the same output bits, for a model with classes too.
TEST_CASE("the model's fused hidden blocks give the bits of its layers one after another") {
    for (int classes : {0, 3}) {
        ddpm::ModelConfig cfg;
        cfg.num_classes = classes;
        ddpm::MLPDiffusion model(cfg);
        ddpm::Rng rng(47);
        model.init(rng);
        const int B = 300, H = cfg.hidden, D = cfg.dim;
        const auto x = randn<float>(static_cast<size_t>(B) * D, rng);
        std::vector<int> t, c;
        random_conditioning(t, c, B, cfg, rng);
        const ddpm::Conditioning in{t.data(), nullptr, classes > 0 ? c.data() : nullptr};
        std::vector<float> fused(static_cast<size_t>(B) * D);
        model.forward(fused.data(), x.data(), in, B);
        // The same blocks by the fast layers one at a time: each block's three steps.
        std::vector<float> h(static_cast<size_t>(B) * H), prev(x.begin(), x.end());
        int width = D;
        for (int k = 0; k < cfg.depth; ++k) {
            const auto& w = model.info("linears." + std::to_string(2 * k) + ".weight");
            const auto& b = model.info("linears." + std::to_string(2 * k) + ".bias");
            const auto& e = model.info("step_embeddings." + std::to_string(k) + ".weight");
            ddpm::fast::linear_forward(h.data(), prev.data(), model.params.data() + w.offset,
                                       model.params.data() + b.offset, B, width, H);
            ddpm::embedding_forward(h.data(), t.data(), model.params.data() + e.offset, B, H);
            if (classes > 0) {
                const auto& ec = model.info("class_embeddings." + std::to_string(k) + ".weight");
                ddpm::embedding_forward(h.data(), c.data(), model.params.data() + ec.offset, B, H);
            }
            ddpm::relu_forward(h.data(), h.data(), B * H);
            prev = h;
            width = H;
        }
        const auto& w = model.info("linears." + std::to_string(2 * cfg.depth) + ".weight");
        const auto& b = model.info("linears." + std::to_string(2 * cfg.depth) + ".bias");
        std::vector<float> steps(fused.size());
        ddpm::fast::linear_forward(steps.data(), prev.data(), model.params.data() + w.offset,
                                   model.params.data() + b.offset, B, H, D);
        const long differ = bits_differ(steps, fused);
        std::printf(
            "%-7s model with %d classes, fused blocks vs steps: %ld of %zu outputs differ\n",
            differ == 0 ? "OK" : "NOT OK", classes, differ, fused.size());
        CHECK(differ == 0);
    }
}

// The model's backward with the fast tier on, each dh's product also taking the ReLU's backward
// below it (fast::linear_input_relu_backward), against the fast layers one step at a time as
// MLP::backward runs them without that: dh into zeros, relu_backward into zeros, the norm's
// backward, the embeddings' and the Linear's. The same bits in every gradient and in dx, for a
// model with classes too, with a layer norm (where the fused product writes the gradient at the
// norm's output), and for one whose upper blocks are mostly dead (their biases pushed negative),
// as a trained model's are, where the products skip whole rows.
TEST_CASE("the model's fused backward gives the bits of its layers one after another") {
    for (bool norm : {false, true})
        for (int classes : {0, 3})
            for (bool dead : {false, true}) {
                if (norm && dead) continue;  // a norm takes a bias's shift away: no dead units
                ddpm::ModelConfig cfg;
                cfg.num_classes = classes;
                cfg.norm = norm;
                ddpm::MLPDiffusion model(cfg);
                ddpm::Rng rng(71);
                model.init(rng);
                const int B = 300, H = cfg.hidden, D = cfg.dim, L = cfg.depth;
                auto param = [&](const std::string& name) {
                    return model.params.data() + model.info(name).offset;
                };
                if (dead)
                    for (int k = 1; k < L; ++k) {
                        float* bias = param("linears." + std::to_string(2 * k) + ".bias");
                        for (int i = 0; i < H; ++i) bias[i] -= 1.5f;
                    }
                const auto x = randn<float>(static_cast<size_t>(B) * D, rng);
                const auto dout = randn<float>(static_cast<size_t>(B) * D, rng);
                std::vector<int> t, c;
                random_conditioning(t, c, B, cfg, rng);
                const ddpm::Conditioning in{t.data(), nullptr, classes > 0 ? c.data() : nullptr};
                std::vector<float> out(static_cast<size_t>(B) * D), dx(out.size(), 0.0f);
                model.forward(out.data(), x.data(), in, B);
                model.zero_grad();
                model.backward(dout.data(), dx.data());
                // The blocks' outputs again (the forward's bits: the test above), kept for the steps.
                std::vector<std::vector<float>> h(L), y(L), rstd(L);  // y, rstd: the norm's
                std::vector<float> prev(x.begin(), x.end());
                long zeros = 0;
                for (int k = 0; k < L; ++k) {
                    h[k].resize(static_cast<size_t>(B) * H);
                    const std::string lin = "linears." + std::to_string(2 * k);
                    ddpm::fast::linear_forward(h[k].data(), prev.data(), param(lin + ".weight"),
                                               param(lin + ".bias"), B, k == 0 ? D : H, H);
                    ddpm::embedding_forward(
                        h[k].data(), t.data(),
                        param("step_embeddings." + std::to_string(k) + ".weight"), B, H);
                    if (classes > 0)
                        ddpm::embedding_forward(
                            h[k].data(), c.data(),
                            param("class_embeddings." + std::to_string(k) + ".weight"), B, H);
                    if (norm) {
                        y[k].resize(h[k].size());
                        rstd[k].resize(B);
                        ddpm::layer_norm_forward(y[k].data(), rstd[k].data(), h[k].data(), B, H);
                        ddpm::relu_forward(h[k].data(), y[k].data(), B * H);
                    } else {
                        ddpm::relu_forward(h[k].data(), h[k].data(), B * H);
                    }
                    if (k > 0)
                        for (float v : h[k]) zeros += v == 0.0f;
                    prev = h[k];
                }
                // The backward one step at a time, into grads of its own.
                std::vector<float> grads(model.num_params(), 0.0f);
                auto grad = [&](const std::string& name) {
                    return grads.data() + model.info(name).offset;
                };
                std::vector<float> dh(static_cast<size_t>(B) * H, 0.0f), da(dh.size());
                std::vector<float> dfeatures(out.size(), 0.0f);
                const std::string last = "linears." + std::to_string(2 * L);
                ddpm::fast::linear_backward(dh.data(), grad(last + ".weight"), grad(last + ".bias"),
                                            dout.data(), h[L - 1].data(), param(last + ".weight"),
                                            B, H, D);
                for (int k = L - 1; k >= 0; --k) {
                    std::fill(da.begin(), da.end(), 0.0f);
                    ddpm::relu_backward(da.data(), dh.data(), h[k].data(), B * H);
                    if (norm) {  // da is the gradient at the norm's output: back through the norm
                        const std::vector<float> dnorm = da;
                        std::fill(da.begin(), da.end(), 0.0f);
                        ddpm::layer_norm_backward(da.data(), dnorm.data(), y[k].data(),
                                                  rstd[k].data(), B, H);
                    }
                    ddpm::embedding_backward(
                        grad("step_embeddings." + std::to_string(k) + ".weight"), da.data(),
                        t.data(), B, H);
                    if (classes > 0)
                        ddpm::embedding_backward(
                            grad("class_embeddings." + std::to_string(k) + ".weight"), da.data(),
                            c.data(), B, H);
                    std::fill(dh.begin(), dh.end(), 0.0f);
                    const std::string lin = "linears." + std::to_string(2 * k);
                    ddpm::fast::linear_backward(k > 0 ? dh.data() : dfeatures.data(),
                                                grad(lin + ".weight"), grad(lin + ".bias"),
                                                da.data(), k > 0 ? h[k - 1].data() : x.data(),
                                                param(lin + ".weight"), B, k > 0 ? H : D, H);
                }
                auto bitwise = [](const float* a, const float* b, size_t n) {  // -0 is not +0 here
                    long count = 0;
                    for (size_t i = 0; i < n; ++i)
                        count += std::memcmp(a + i, b + i, sizeof(float));
                    return count;
                };
                const long differ = bitwise(grads.data(), model.grads.data(), grads.size());
                std::vector<float> dx_steps(dx.size(), 0.0f);  // dx = 0 + dfeatures
                for (size_t i = 0; i < dx.size(); ++i) dx_steps[i] += dfeatures[i];
                const long dx_differ = bitwise(dx_steps.data(), dx.data(), dx.size());
                std::printf(
                    "%-7s model with %d classes%s%s (%.0f%% of the upper blocks' h zero), fused "
                    "backward vs steps: %ld of %zu gradients and %ld of %zu of dx differ\n",
                    differ == 0 && dx_differ == 0 ? "OK" : "NOT OK", classes,
                    norm ? ", layer norm" : "", dead ? ", biases pushed negative" : "",
                    100.0 * zeros / (static_cast<double>(L - 1) * B * H), differ, grads.size(),
                    dx_differ, dx.size());
                CHECK(differ == 0);
                CHECK(dx_differ == 0);
                if (dead) CHECK(zeros > 0.8 * (L - 1) * B * H);  // a trained model's share of zeros
            }
}

TEST_CASE("gemm_acc accumulates into C and transpose transposes") {
    double A[2 * 3] = {1, 2, 3, 4, 5, 6}, B[3 * 1] = {1, 0, -1}, C[2] = {10, 20}, T[6];
    ddpm::fast::gemm_acc(C, A, B, 2, 3, 1);
    CHECK(C[0] == 10 + 1 - 3);
    CHECK(C[1] == 20 + 4 - 6);
    ddpm::fast::transpose(T, A, 2, 3);
    CHECK(T[1] == 4);
    CHECK(T[4] == 3);
}

template <typename T>
static void check_transpose_shape(int rows, int cols, ddpm::Rng& rng) {
    auto in = randn<T>(rows * cols, rng);
    std::vector<T> out(rows * cols, T(-99));
    ddpm::fast::transpose(out.data(), in.data(), rows, cols);
    long wrong = 0;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) wrong += out[c * rows + r] != in[r * cols + c];
    std::printf("%-7s transpose (%s) %d x %d on %d thread(s): %ld of %d wrong\n",
                wrong == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", rows, cols,
                ddpm::num_threads(), wrong, rows * cols);
    CHECK(wrong == 0);
}

template <typename T>
static void check_transpose() {
    ddpm::Rng rng(31);
    const int shapes[][2] = {{128, 128}, {37, 53}, {4, 4}, {3, 17}, {16, 1}, {1, 9}};
    for (const auto& s : shapes) check_transpose_shape<T>(s[0], s[1], rng);
}

TEST_CASE("transpose moves every element, in whole 4 x 4 pieces and the edges left over") {
    for_each_vector_set([] {
        check_transpose<float>();
        check_transpose<double>();
        // A wide layer's weights, on two threads: blocks of rows to each, an uneven last block.
        ddpm::set_num_threads(2);
        ddpm::Rng rng(32);
        check_transpose_shape<float>(600, 513, rng);
        ddpm::set_num_threads(1);
    });
}

// The products of one set, for the test below: gemm_acc, gemm_nt_acc and gemm_tn_acc, and a whole
// linear layer, on dense and on mostly-zero inputs.
template <typename T>
static std::vector<T> products_of(bool avx, int M, int K, int N, double zeros) {
    ddpm::fast::allow_avx(avx);
    ddpm::Rng rng(61);
    auto A = randn<T>(M * K, rng), B = randn<T>(K * N, rng), C = randn<T>(M * N, rng);
    zero_out(A, zeros, rng);
    std::vector<T> At(A.size()), Bt(B.size());
    ddpm::fast::transpose(At.data(), A.data(), M, K);
    ddpm::fast::transpose(Bt.data(), B.data(), K, N);
    std::vector<T> out = C;
    ddpm::fast::gemm_acc(out.data(), A.data(), B.data(), M, K, N);
    ddpm::fast::gemm_nt_acc(out.data(), A.data(), Bt.data(), M, K, N);
    ddpm::fast::gemm_tn_acc(out.data(), At.data(), B.data(), M, K, N);
    // The layer: in (M, K), w (N, K), dout (M, N) -> out (M, N), din (M, K), dw (N, K), db (N).
    std::vector<T> layer(static_cast<size_t>(M) * N), din(A.size(), T(0)), dw(B.size(), T(0)),
        db(N, T(0));
    const auto bias = randn<T>(N, rng);
    ddpm::fast::linear_forward(layer.data(), A.data(), Bt.data(), bias.data(), M, K, N);
    ddpm::fast::linear_backward(din.data(), dw.data(), db.data(), C.data(), A.data(), Bt.data(), M,
                                K, N);
    for (const auto* v : {&layer, &din, &dw, &db}) out.insert(out.end(), v->begin(), v->end());
    ddpm::fast::allow_avx(true);
    return out;
}

TEST_CASE("a portable build's AVX products give its own products' bits") {
    ddpm::fast::allow_avx(false);
    const int own = ddpm::fast::vector_bytes();
    ddpm::fast::allow_avx(true);
    const int avx = ddpm::fast::vector_bytes();
    if (own == avx) {
        std::printf(
            "OK      one set of products in this build (%d-byte vectors): nothing to "
            "compare\n",
            own);
        return;
    }
    // Results narrower than an AVX vector (2, 5, 7), just one (8), and wider with leftovers.
    const int shapes[][3] = {{128, 128, 2},   {37, 5, 7},    {9, 64, 5},     {13, 33, 8},
                             {128, 128, 128}, {37, 200, 71}, {130, 196, 512}};
    for (const auto& s : shapes)
        for (double zeros : {0.0, 0.9}) {
            const int M = s[0], K = s[1], N = s[2];
            const auto f_own = products_of<float>(false, M, K, N, zeros);
            const auto f_avx = products_of<float>(true, M, K, N, zeros);
            const auto d_own = products_of<double>(false, M, K, N, zeros);
            const auto d_avx = products_of<double>(true, M, K, N, zeros);
            const long differ = bits_differ(f_own, f_avx) + bits_differ(d_own, d_avx);
            std::printf(
                "%-7s %d-byte against %d-byte products M=%d K=%d N=%d, %2.0f%% zeros: %ld "
                "of %zu values differ\n",
                differ == 0 ? "OK" : "NOT OK", avx, own, M, K, N, 100 * zeros, differ,
                f_own.size() + d_own.size());
            CHECK(differ == 0);
        }
}

TEST_CASE("a portable x86-64 build runs its AVX loops where the processor has AVX") {
    bool expect_avx = false;  // a portable x86-64 build (SSE2's 16 bytes) on a processor with AVX
#if defined(__x86_64__)
    expect_avx = ddpm::fast::kVecBytes == 16 && __builtin_cpu_supports("avx");
#endif
    const int with = ddpm::fast::vector_bytes();
    const bool avx_with = ddpm::fast::avx_in_use();
    ddpm::fast::allow_avx(false);
    const int without = ddpm::fast::vector_bytes();
    const bool avx_without = ddpm::fast::avx_in_use();
    ddpm::fast::allow_avx(true);
    const bool ok = (expect_avx ? with == 32 && without == 16
                                : with == ddpm::fast::kVecBytes && without == with) &&
                    avx_with == expect_avx && !avx_without;
    std::printf(
        "%-7s the products' vectors: %d bytes, %d with AVX's turned off (build's own: %d); "
        "the AVX loops %s, %s with them turned off\n",
        ok ? "OK" : "NOT OK", with, without, ddpm::fast::kVecBytes, avx_with ? "run" : "do not run",
        avx_without ? "still run" : "not");
    CHECK(ok);
}

// The whole model with the fast tier on and off: the hidden layers' products agree to the bit, the
// narrow output layer (and dw of the 2-wide input layer) to float rounding, so the output and the
// gradients agree to a few ulps of their size.
TEST_CASE("the model with the fast tier on and off: the same output and gradients to rounding") {
    ddpm::Rng rng(43);
    ddpm::MLPDiffusion model;
    model.init(rng);
    const int B = 128;
    auto x = randn<float>(B * 2, rng), dout = randn<float>(B * 2, rng);
    std::vector<int> t(B);
    for (int& s : t) s = rng.randint(100);
    auto pass = [&](bool fast, std::vector<float>& out) {
        ddpm::fast::set_enabled(fast);
        out.assign(B * 2, 0.0f);
        model.zero_grad();
        model.forward(out.data(), x.data(), t.data(), B);
        model.backward(dout.data());
        ddpm::fast::set_enabled(true);
        return std::vector<float>(model.grads.begin(), model.grads.end());
    };
    std::vector<float> out_plain, out_fast;
    const auto g_plain = pass(false, out_plain), g_fast = pass(true, out_fast);
    double g_scale = 0;
    for (float g : g_plain) g_scale = std::max(g_scale, std::fabs(double(g)));
    const double d_out = max_diff(out_plain, out_fast), d_grad = max_diff(g_plain, g_fast);
    std::printf("%-7s model, fast tier on vs off: output %.1e, gradients %.1e (largest %.2f)\n",
                d_out <= 1e-5 && d_grad <= 1e-5 * g_scale ? "OK" : "NOT OK", d_out, d_grad,
                g_scale);
    CHECK(d_out <= 1e-5);
    CHECK(d_grad <= 1e-5 * g_scale);
    CHECK(d_grad > 0);  // the two paths really ran: the output layer sums in another order
}

// Sampling's blocks and threads (fast/predict.h): each point's prediction depends only on its own
// row, so blocks of 512 on 1 or 2 threads give the bits of one forward pass of all the points.
TEST_CASE("predict_noise: the bits of one forward pass, for 1 and 2 threads") {
    ddpm::Rng rng(47);
    ddpm::MLPDiffusion model;
    model.init(rng);
    const int n = 2 * ddpm::fast::kPointsPerBlock + 301;  // two whole blocks and a part
    auto x = randn<float>(n * 2, rng);
    std::vector<int> t(n);
    for (int& s : t) s = rng.randint(100);
    std::vector<float> whole(n * 2);
    model.forward(whole.data(), x.data(), t.data(), n);
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        std::vector<float> blocks(n * 2);
        ddpm::fast::predict_noise(model, blocks.data(), x.data(), t.data(), n);
        const long differ = bits_differ(whole, blocks);
        std::printf("%-7s predict_noise on %d thread%s vs one forward of %d points: %ld differ\n",
                    differ == 0 ? "OK" : "NOT OK", threads, threads > 1 ? "s" : "", n, differ);
        CHECK(differ == 0);
    }
    ddpm::set_num_threads(1);
}

// The same with continuous time and classes (flow matching, guidance): each block's rows of
// every input reach the right points.
TEST_CASE("fast::predict with positions and classes: the bits of one forward pass") {
    ddpm::Rng rng(48);
    ddpm::ModelConfig cfg;
    cfg.num_classes = 3;
    ddpm::MLPDiffusion model(cfg);
    model.init(rng);
    const int n = ddpm::fast::kPointsPerBlock + 77;
    auto x = randn<float>(n * 2, rng);
    std::vector<float> s(n);
    std::vector<int> c(n);
    for (int i = 0; i < n; ++i) {
        s[i] = 99.0f * rng.uniform();
        c[i] = rng.randint(4);  // 3 is "no class"
    }
    const ddpm::Conditioning in{nullptr, s.data(), c.data()};
    std::vector<float> whole(n * 2), blocks(n * 2);
    model.forward(whole.data(), x.data(), in, n);
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        ddpm::fast::predict(model, blocks.data(), x.data(), in, n);
        CHECK(bits_differ(whole, blocks) == 0);
    }
    ddpm::set_num_threads(1);
}

// A sampling thread's activations serve one model after another: a wider and deeper one after
// a small one must still get buffers of its size (and the same bits as its own forward pass).
TEST_CASE("predict_noise: models of different shapes one after another") {
    ddpm::Rng rng(59);
    const int n = 700;
    auto x = randn<float>(n * 2, rng);
    std::vector<int> t(n, 7);
    for (ddpm::ModelConfig cfg :
         {ddpm::ModelConfig{100, 16, 1, 2}, ddpm::ModelConfig{100, 256, 5, 2},
          ddpm::ModelConfig{100, 64, 2, 2, {}, 3}}) {
        ddpm::MLPDiffusion model(cfg);
        model.init(rng);
        std::vector<float> whole(n * 2), blocks(n * 2);
        model.forward(whole.data(), x.data(), t.data(), n);
        ddpm::fast::predict_noise(model, blocks.data(), x.data(), t.data(), n);
        CAPTURE(cfg.hidden);
        CHECK(bits_differ(whole, blocks) == 0);
    }
}

// The gradient norm's blocked sum (fast/reduce.h) against a plain sum in long double, and the same
// bits for 1 and 2 threads.
// The fast layer norm sums the same terms in the same order as the plain loops, 16 rows at once,
// for whole groups of 16 rows and the rows left over, on 1 and 2 threads. In float (the model's
// type) the bits agree. In double, where a square and its sum are both doubles, a compiler may
// fuse them into one multiply-add in one loop and not in the other (GCC does), so the two agree
// to rounding.
template <typename T>
static void check_layer_norm(double tolerance) {
    ddpm::Rng rng(61);
    const int shapes[][2] = {{128, 512}, {37, 196}, {16, 1}, {1, 3}, {300, 1100}};
    for (const auto& s : shapes) {
        const int B = s[0], C = s[1];
        auto x = randn<T>(static_cast<size_t>(B) * C, rng);
        for (T& v : x) v = 3 * v + 5;  // rows whose mean is far from 0
        const auto dout = randn<T>(x.size(), rng), din0 = randn<T>(x.size(), rng);
        // The plain loops: the fast tier off.
        std::vector<T> y_plain(x.size()), rstd_plain(B), din_plain = din0;
        ddpm::fast::set_enabled(false);
        ddpm::layer_norm_forward(y_plain.data(), rstd_plain.data(), x.data(), B, C);
        ddpm::layer_norm_backward(din_plain.data(), dout.data(), y_plain.data(), rstd_plain.data(),
                                  B, C);
        ddpm::fast::set_enabled(true);
        for (int threads : {1, 2}) {
            ddpm::set_num_threads(threads);
            std::vector<T> y(x.size()), rstd(B), din = din0;
            ddpm::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
            ddpm::layer_norm_backward(din.data(), dout.data(), y.data(), rstd.data(), B, C);
            const double diff = std::max(
                {max_diff(y, y_plain), max_diff(din, din_plain), max_diff(rstd, rstd_plain)});
            std::printf(
                "%-7s fast layer norm vs plain loops (%s) B=%d C=%d, %d thread%s: largest "
                "difference %.1e (at most %.0e)\n",
                diff <= tolerance ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", B, C,
                threads, threads > 1 ? "s" : "", diff, tolerance);
            CHECK(diff <= tolerance);
        }
    }
    ddpm::set_num_threads(1);
}

TEST_CASE(
    "the fast layer norm: the plain loops' bits in float, their values to rounding in double") {
    check_layer_norm<float>(0.0);
    check_layer_norm<double>(1e-13);
}

TEST_CASE("sum_of_squares: the plain sum to rounding, the same bits on 1 and 2 threads") {
    ddpm::Rng rng(53);
    // 4,096 values and more: blocks of 4,096, four at a time and then one at a time.
    for (size_t n : {size_t(1), size_t(7), size_t(4096), size_t(72066), size_t(3000001)}) {
        auto g = randn<float>(n, rng);
        long double plain = 0;
        for (float v : g) plain += static_cast<long double>(v) * v;
        ddpm::set_num_threads(1);
        ddpm::fast::allow_avx(false);  // the build's own loops (a portable build's SSE2)
        const double own = ddpm::fast::sum_of_squares(g.data(), n);
        ddpm::fast::allow_avx(true);  // and where the build carries them, AVX's
        const double one = ddpm::fast::sum_of_squares(g.data(), n);
        ddpm::set_num_threads(2);
        const double two = ddpm::fast::sum_of_squares(g.data(), n);
        const double rel = std::fabs(one - static_cast<double>(plain)) / static_cast<double>(plain);
        const bool ok = rel < 1e-12 && one == two && one == own;
        std::printf(
            "%-7s sum_of_squares of %zu values: relative error %.1e, 1 vs 2 threads %s, "
            "the build's own loops' sum %s\n",
            ok ? "OK" : "NOT OK", n, rel, one == two ? "equal" : "DIFFER",
            one == own ? "equal" : "DIFFERS");
        CHECK(rel < 1e-12);
        CHECK(one == two);
        CHECK(one == own);
    }
    ddpm::set_num_threads(1);
}

// adam_ema_step against Adam::step then EMA::update (the build's own loops, in nn/optim.cpp), for
// 1 and 2 threads.
static void check_adam_ema() {
    ddpm::Rng rng(59);
    // 300,001 parameters: enough for two threads to take a range each (kMinParallelElements).
    for (size_t n : {size_t(1), size_t(17), size_t(72066), size_t(300001)}) {
        for (int threads : {1, 2}) {
            ddpm::set_num_threads(threads);
            const std::vector<float> start = randn<float>(n, rng);
            std::vector<float> plain = start;
            std::vector<float> fused = start;
            ddpm::Adam adam_plain(n, ddpm::AdamConfig{2e-3f});
            ddpm::Adam adam_fused(n, ddpm::AdamConfig{2e-3f});
            ddpm::EMA ema_plain(start.data(), n, 0.05f);
            ddpm::EMA ema_fused(start.data(), n, 0.05f);
            long differ = 0;
            for (int t = 0; t < 60; ++t) {
                // Gradients of every size; some so small that their moments fall below the 1e-30
                // floor and are set to 0, and a third of them 0 from step 20 on.
                std::vector<float> g = randn<float>(n, rng);
                for (size_t i = 0; i < n; ++i) {
                    g[i] *= std::ldexp(1.0f, static_cast<int>(i % 13) - 8);
                    if (i % 5 == 1) g[i] *= 1e-28f;
                    if (t >= 20 && i % 3 == 0) g[i] = 0;
                }
                adam_plain.step(plain.data(), g.data());
                ema_plain.update(plain.data());
                ddpm::fast::adam_ema_step(adam_fused, ema_fused, fused.data(), g.data());
                differ += std::memcmp(plain.data(), fused.data(), n * sizeof(float)) != 0;
                differ += std::memcmp(ema_plain.shadow.data(), ema_fused.shadow.data(),
                                      n * sizeof(float)) != 0;
                differ +=
                    std::memcmp(adam_plain.m.data(), adam_fused.m.data(), n * sizeof(float)) != 0;
                differ +=
                    std::memcmp(adam_plain.v.data(), adam_fused.v.data(), n * sizeof(float)) != 0;
            }
            std::printf(
                "%-7s adam_ema_step, %zu parameters, %d thread(s), 60 steps: weights, "
                "EMA and moments %s\n",
                differ == 0 ? "OK" : "NOT OK", n, threads,
                differ == 0 ? "the same bits" : "DIFFER");
            CHECK(differ == 0);
            CHECK(adam_fused.t == adam_plain.t);
        }
    }
    ddpm::set_num_threads(1);
}

TEST_CASE("adam_ema_step: the bits of Adam::step then EMA::update, for 1 and 2 threads") {
    for_each_vector_set([] { check_adam_ema(); });
}

TEST_CASE("adam_ema_step refuses an EMA of another size") {
    std::vector<float> p(8, 1.0f);
    std::vector<float> g(8, 0.5f);
    ddpm::Adam adam(8);
    ddpm::EMA ema(p.data(), 7);
    CHECK_THROWS_AS(ddpm::fast::adam_ema_step(adam, ema, p.data(), g.data()), ddpm::Error);
}

// fill_normal against rng.normal() one at a time: the same values and the generator left in the
// same state, for counts odd and even, with and without a value cached from the last pair, below
// and above the split among threads and across the rounds of draws, on 1 and 2 threads.
TEST_CASE("fill_normal: the values of rng.normal() one after another, on 1 and 2 threads") {
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        for (size_t n : {size_t(0), size_t(1), size_t(2), size_t(7), size_t(256), size_t(20001),
                         size_t(2) * 65536 + 5})
            for (bool cached : {false, true}) {
                ddpm::Rng one(11, 3), all(11, 3);
                if (cached) {  // an odd draw before leaves the pair's second value in the cache
                    one.normal();
                    all.normal();
                }
                std::vector<float> expected(n), got(n, -99.0f);
                for (float& x : expected) x = one.normal();
                ddpm::fast::fill_normal(got.data(), n, all);
                const bool same =  // (an empty vector's data() may be null, which memcmp refuses)
                    n == 0 || std::memcmp(expected.data(), got.data(), n * sizeof(float)) == 0;
                const ddpm::Rng::State a = one.state(), b = all.state();
                // the whole state, down to the spent cache a checkpoint saves too
                const bool same_state = a.state == b.state && a.inc == b.inc &&
                                        a.has_cached == b.has_cached &&
                                        a.cached_normal == b.cached_normal;
                // and the next draws agree too
                const bool next_same = one.normal() == all.normal() && one.normal() == all.normal();
                std::printf("%-7s fill_normal, n = %zu%s, %d thread(s): values %s, state %s\n",
                            same && same_state && next_same ? "OK" : "NOT OK", n,
                            cached ? " after a cached value" : "", threads,
                            same ? "the same bits" : "DIFFER",
                            same_state && next_same ? "the same" : "DIFFERS");
                CHECK(same);
                CHECK(same_state);
                CHECK(next_same);
            }
    }
    ddpm::set_num_threads(1);
}
