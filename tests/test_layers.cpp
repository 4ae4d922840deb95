// Every layer's backward against central finite differences. In double the tolerance is 1e-7
// (the differences themselves are good to ~1e-9); in float, 1e-2 (float rounding over h = 1e-3).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/gradcheck.h"
#include "core/rng.h"
#include "nn/layers.h"

namespace {

template <typename T>
std::vector<T> random_vector(size_t n, ddpm::Rng& rng) {
    std::vector<T> v(n);
    for (T& x : v) x = rng.normal();
    return v;
}

// The scalar the checks differentiate: sum(out * R) for a fixed random R, so dout = R.
template <typename T>
double dot(const std::vector<T>& a, const std::vector<T>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

// The largest relative difference of a gradient from its finite differences, within tol; doctest
// prints what failed and by how much.
void report(const char* what, double err, double tol) {
    INFO(what << ": largest relative difference " << err << " (tolerance " << tol << ")");
    CHECK(err <= tol);
}

template <typename T>
void check_linear(double h, double tol, const char* label) {
    ddpm::Rng rng(21);
    const int B = 5, C = 7, OC = 4;
    auto in = random_vector<T>(B * C, rng), w = random_vector<T>(OC * C, rng),
         b = random_vector<T>(OC, rng), R = random_vector<T>(B * OC, rng);
    std::vector<T> out(B * OC), din(B * C, 0), dw(OC * C, 0), db(OC, 0);
    auto f = [&] {
        ddpm::linear_forward(out.data(), in.data(), w.data(), b.data(), B, C, OC);
        return dot(out, R);
    };
    ddpm::linear_backward(din.data(), dw.data(), db.data(), R.data(), in.data(), w.data(), B, C,
                          OC);
    std::string l = label;
    report(
        (l + " linear d/din").c_str(),
        ddpm::max_relative_error(din.data(), ddpm::numerical_gradient(f, in.data(), in.size(), h)),
        tol);
    report((l + " linear d/dw").c_str(),
           ddpm::max_relative_error(dw.data(), ddpm::numerical_gradient(f, w.data(), w.size(), h)),
           tol);
    report((l + " linear d/db").c_str(),
           ddpm::max_relative_error(db.data(), ddpm::numerical_gradient(f, b.data(), b.size(), h)),
           tol);
}

}  // namespace

TEST_CASE("linear forward is in · wᵀ + b") {
    // in (1, 2) = [1, 2]; w (2, 2) = [[1, 0], [3, -1]]; b = [0.5, 0]  ->  [1.5, 1]
    double in[2] = {1, 2}, w[4] = {1, 0, 3, -1}, b[2] = {0.5, 0}, out[2];
    ddpm::linear_forward(out, in, w, b, 1, 2, 2);
    CHECK(out[0] == 1.5);
    CHECK(out[1] == 1.0);
}

TEST_CASE("linear backward matches finite differences (double 1e-7, float 1e-2)") {
    check_linear<double>(1e-6, 1e-7, "double");
    check_linear<float>(1e-2, 1e-2, "float");
}

TEST_CASE("linear backward accumulates and accepts a null din") {
    double in[2] = {1, 2}, w[2] = {3, 4}, dout[1] = {1}, dw[2] = {10, 10}, db[1] = {1};
    ddpm::linear_backward<double>(nullptr, dw, db, dout, in, w, 1, 2, 1);
    CHECK(dw[0] == 11);
    CHECK(dw[1] == 12);
    CHECK(db[0] == 2);
}

TEST_CASE("relu and its backward (given the output) match finite differences") {
    ddpm::Rng rng(3);
    const int N = 50;
    auto in = random_vector<double>(N, rng), R = random_vector<double>(N, rng);
    std::vector<double> out(N), din(N, 0);
    auto f = [&] {
        ddpm::relu_forward(out.data(), in.data(), N);
        return dot(out, R);
    };
    f();
    ddpm::relu_backward(din.data(), R.data(), out.data(), N);
    report("double relu d/din",
           ddpm::max_relative_error(din.data(), ddpm::numerical_gradient(f, in.data(), N, 1e-6)),
           1e-7);
    f();  // out again for the unperturbed input
    for (int i = 0; i < N; ++i) CHECK(out[i] == (in[i] > 0 ? in[i] : 0));
}

TEST_CASE("embedding adds the step's row; its backward scatter-adds into that row") {
    ddpm::Rng rng(8);
    const int B = 6, C = 3, steps = 4;
    int t[B] = {0, 3, 3, 1, 0, 2};  // repeated steps: their gradients must add up
    auto table = random_vector<double>(steps * C, rng), R = random_vector<double>(B * C, rng);
    std::vector<double> out(B * C), dtable(steps * C, 0);
    auto f = [&] {
        std::fill(out.begin(), out.end(), 0.0);
        ddpm::embedding_forward(out.data(), t, table.data(), B, C);
        return dot(out, R);
    };
    f();
    CHECK(out[1 * C + 2] == table[3 * C + 2]);
    ddpm::embedding_backward(dtable.data(), R.data(), t, B, C);
    CHECK(dtable[3 * C] == doctest::Approx(R[1 * C] + R[2 * C]));
    report("double embedding d/dtable",
           ddpm::max_relative_error(dtable.data(),
                                    ddpm::numerical_gradient(f, table.data(), table.size(), 1e-6)),
           1e-7);
}

TEST_CASE("embedding at a continuous position interpolates two rows; its backward shares") {
    ddpm::Rng rng(9);
    const int B = 5, C = 3, rows = 4;
    const float s[B] = {0.0f, 3.0f, 1.25f, 1.75f, 2.5f};  // both ends, one pair of rows twice
    auto table = random_vector<double>(rows * C, rng), R = random_vector<double>(B * C, rng);
    std::vector<double> out(B * C), dtable(rows * C, 0);
    auto f = [&] {
        std::fill(out.begin(), out.end(), 0.0);
        ddpm::embedding_lerp_forward(out.data(), s, table.data(), rows, B, C);
        return dot(out, R);
    };
    f();
    CHECK(out[0] == table[0]);                  // a whole position is its row, bit for bit
    CHECK(out[1 * C + 1] == table[3 * C + 1]);  // the last row too
    CHECK(out[2 * C] == doctest::Approx(0.75 * table[1 * C] + 0.25 * table[2 * C]));
    ddpm::embedding_lerp_backward(dtable.data(), R.data(), s, rows, B, C);
    report("double embedding_lerp d/dtable",
           ddpm::max_relative_error(dtable.data(),
                                    ddpm::numerical_gradient(f, table.data(), table.size(), 1e-6)),
           1e-7);
}

TEST_CASE("mse is the mean of squares; its backward matches finite differences") {
    double pred[3] = {1, 2, 3}, target[3] = {1, 0, 0};
    CHECK(ddpm::mse_forward(pred, target, 3) == doctest::Approx((0 + 4 + 9) / 3.0));
    ddpm::Rng rng(5);
    auto p = random_vector<double>(10, rng), y = random_vector<double>(10, rng);
    std::vector<double> dp(10, 0);
    ddpm::mse_backward(dp.data(), p.data(), y.data(), 10);
    auto f = [&] { return static_cast<double>(ddpm::mse_forward(p.data(), y.data(), 10)); };
    report("double mse d/dpred",
           ddpm::max_relative_error(dp.data(), ddpm::numerical_gradient(f, p.data(), 10, 1e-6)),
           1e-7);
}
