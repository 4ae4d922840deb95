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
template <typename T>
static void check_shapes(double tol) {
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
        std::printf("%-7s fast vs plain linear (%s) B=%d C=%d OC=%d: forward %.1e, backward %.1e\n",
                    fwd <= tol && bwd <= tol ? "OK" : "NOT OK", sizeof(T) == 4 ? "float" : "double",
                    B, C, OC, fwd, bwd);
        CHECK(fwd <= tol);
        CHECK(bwd <= tol);
    }
}

TEST_CASE("fast linear kernels agree with the plain layers (float 1e-4, double 1e-12)") {
    check_shapes<float>(1e-4);
    check_shapes<double>(1e-12);
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
