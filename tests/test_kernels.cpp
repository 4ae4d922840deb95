// The fast kernels (kernels.h) against the plain layers (layers.h) they replace, on shapes that
// exercise the register tiles and every remainder path.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels.h"
#include "layers.h"
#include "rng.h"

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

// Sums of C products of N(0,1) values are ~sqrt(C) in size; float rounding of such a sum is
// about C * 6e-8 * sqrt(C) at worst, so 1e-4 (float) and 1e-12 (double) leave room for C <= 300.
// Sets about `share` of the values to 0, as a ReLU does to its input (so gemm_acc takes its
// zero-skipping path when share is large).
template <typename T>
static void zero_out(std::vector<T>& v, double share, ddpm::Rng& rng) {
    for (T& x : v)
        if (rng.uniform(0.0f, 1.0f) < share) x = 0;
}

template <typename T>
static void check_shapes(double tol, double zeros) {
    ddpm::Rng rng(17);
    const int shapes[][3] = {{128, 128, 128}, {128, 2, 128}, {128, 128, 2}, {16, 128, 128},
                             {7, 5, 3},       {1, 1, 1},     {13, 33, 71},  {4, 300, 40}};
    for (const auto& s : shapes) {
        const int B = s[0], C = s[1], OC = s[2];
        CAPTURE(B);
        CAPTURE(C);
        CAPTURE(OC);
        auto in = randn<T>(B * C, rng), w = randn<T>(OC * C, rng), b = randn<T>(OC, rng),
             dout = randn<T>(B * OC, rng);
        zero_out(in, zeros, rng);
        zero_out(dout, zeros, rng);
        std::vector<T> out_plain(B * OC), out_fast(B * OC), wT(C * OC), doutT(B * (OC + C));
        ddpm::linear_forward(out_plain.data(), in.data(), w.data(), b.data(), B, C, OC);
        ddpm::linear_forward_fast(out_fast.data(), in.data(), w.data(), b.data(), wT.data(), B, C,
                                  OC);
        double fwd = max_diff(out_plain, out_fast);
        // Backward accumulates: start both from the same non-zero gradients.
        auto din_p = randn<T>(B * C, rng), dw_p = randn<T>(OC * C, rng), db_p = randn<T>(OC, rng);
        auto din_f = din_p, dw_f = dw_p, db_f = db_p;
        ddpm::linear_backward(din_p.data(), dw_p.data(), db_p.data(), dout.data(), in.data(),
                              w.data(), B, C, OC);
        ddpm::linear_backward_fast(din_f.data(), dw_f.data(), db_f.data(), dout.data(), in.data(),
                                   w.data(), doutT.data(), B, C, OC);
        double bwd = std::max({max_diff(din_p, din_f), max_diff(dw_p, dw_f), max_diff(db_p, db_f)});
        std::printf(
            "%-7s fast vs plain linear (%s, %2.0f%% zeros) B=%d C=%d OC=%d: forward %.1e, "
            "backward %.1e\n",
            fwd <= tol && bwd <= tol ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double",
            100 * zeros, B, C, OC, fwd, bwd);
        CHECK(fwd <= tol);
        CHECK(bwd <= tol);
    }
}

TEST_CASE("fast linear kernels agree with the plain layers (float 1e-4, double 1e-12)") {
    for (double zeros : {0.0, 0.8}) {  // dense inputs, and mostly zeros (the skipping path)
        check_shapes<float>(1e-4, zeros);
        check_shapes<double>(1e-12, zeros);
    }
}

// Each C entry is the same sum in the same order on both paths, so the bits agree, not just
// the values.
template <typename T>
static void check_skip_zeros() {
    ddpm::Rng rng(23);
    const int shapes[][3] = {{128, 128, 128}, {13, 33, 71}, {5, 70, 300}, {3, 31, 7}, {1, 1, 1}};
    for (const auto& s : shapes)
        for (double zeros : {0.0, 0.5, 0.95, 1.0}) {
            const int M = s[0], K = s[1], N = s[2];
            auto A = randn<T>(M * K, rng), B = randn<T>(K * N, rng), C = randn<T>(M * N, rng);
            zero_out(A, zeros, rng);
            auto C_tiles = C, C_skip = C;
            ddpm::gemm_acc_tiles(C_tiles.data(), A.data(), B.data(), M, K, N);
            ddpm::gemm_acc_skip_zeros(C_skip.data(), A.data(), B.data(), M, K, N);
            long differ = 0;
            for (size_t i = 0; i < C.size(); ++i) differ += C_tiles[i] != C_skip[i];
            std::printf(
                "%-7s skip zeros vs tiles (%s) M=%d K=%d N=%d, %3.0f%% zeros: %ld of %zu differ\n",
                differ == 0 ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double", M, K, N,
                100 * zeros, differ, C.size());
            CHECK(differ == 0);
            if (zeros == 1.0) CHECK(max_diff(C_skip, C) == 0);  // all zeros: C unchanged
        }
}

TEST_CASE("skipping the zeros of A gives the same bits as the register tiles") {
    check_skip_zeros<float>();
    check_skip_zeros<double>();
}

TEST_CASE("gemm_acc accumulates into C and transpose transposes") {
    double A[2 * 3] = {1, 2, 3, 4, 5, 6}, B[3 * 1] = {1, 0, -1}, C[2] = {10, 20}, T[6];
    ddpm::gemm_acc(C, A, B, 2, 3, 1);
    CHECK(C[0] == 10 + 1 - 3);
    CHECK(C[1] == 20 + 4 - 6);
    ddpm::transpose(T, A, 2, 3);
    CHECK(T[1] == 4);
    CHECK(T[4] == 3);
}

template <typename T>
static void check_transpose() {
    ddpm::Rng rng(31);
    const int shapes[][2] = {{128, 128}, {37, 53}, {4, 4}, {3, 17}, {16, 1}, {1, 9}};
    for (const auto& s : shapes) {
        const int rows = s[0], cols = s[1];
        auto in = randn<T>(rows * cols, rng);
        std::vector<T> out(rows * cols, T(-99));
        ddpm::transpose(out.data(), in.data(), rows, cols);
        long wrong = 0;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) wrong += out[c * rows + r] != in[r * cols + c];
        std::printf("%-7s transpose (%s) %d x %d: %ld of %d wrong\n", wrong == 0 ? "OK" : "NOT OK",
                    sizeof(T) == 4 ? "float" : "double", rows, cols, wrong, rows * cols);
        CHECK(wrong == 0);
    }
}

TEST_CASE("transpose moves every element, in whole 4 x 4 pieces and the edges left over") {
    check_transpose<float>();
    check_transpose<double>();
}

TEST_CASE("add_embedding_relu: the same bits as embedding_forward then relu_forward") {
    ddpm::Rng rng(41);
    const int B = 37, C = 45, steps = 9;
    auto h = randn<float>(B * C, rng), table = randn<float>(steps * C, rng);
    std::vector<int> t(B);
    for (int& s : t) s = rng.randint(steps);
    auto fused = h, layers = h;
    ddpm::add_embedding_relu(fused.data(), t.data(), table.data(), B, C);
    ddpm::embedding_forward(layers.data(), t.data(), table.data(), B, C);
    ddpm::relu_forward(layers.data(), layers.data(), B * C);
    long differ = 0, zeros = 0;
    for (int i = 0; i < B * C; ++i) differ += fused[i] != layers[i], zeros += fused[i] == 0;
    std::printf("%-7s add_embedding_relu vs the two layers: %ld of %d differ (%ld zeros)\n",
                differ == 0 ? "OK" : "NOT OK", differ, B * C, zeros);
    CHECK(differ == 0);
    CHECK(zeros > B * C / 4);  // the ReLU did cut
}
