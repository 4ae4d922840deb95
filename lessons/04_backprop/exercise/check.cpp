// Checks for exercise 04, by value: each backward against central finite differences of its
// forward, written here (in double, so they agree to ~1e-8), and that gradients accumulate.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "core/gradcheck.h"
#include "core/rng.h"
#include "exercise.h"

static std::vector<double> randn(size_t n, ddpm::Rng& rng) {
    std::vector<double> v(n);
    for (double& x : v) x = rng.normal();
    return v;
}

// "row r, column c" of a (rows, cols) array, for FAIL lines.
static std::function<std::string(size_t)> entry_of(const std::string& name, int cols) {
    return [name, cols](size_t i) {
        return name + " row " + std::to_string(i / cols) + ", column " + std::to_string(i % cols);
    };
}

static void check_silu(exercise::Checker& check, ddpm::Rng& rng) {
    const int N = 40;
    std::vector<double> x = randn(N, rng), R = randn(N, rng), dx(N, 0.0);
    for (double& v : x) v *= 3;  // both tails and the dip near -1.28
    auto loss = [&] {
        double s = 0;
        for (int i = 0; i < N; ++i) s += R[i] * x[i] / (1 + std::exp(-x[i]));
        return s;
    };
    ex::silu_backward(dx.data(), R.data(), x.data(), N);
    auto num = ddpm::numerical_gradient(loss, x.data(), N, 1e-6);
    check.all_near("silu: din vs finite differences", dx.data(), num.data(), N, 1e-7);
    ex::silu_backward(dx.data(), R.data(), x.data(), N);
    std::vector<double> twice(N);
    for (int i = 0; i < N; ++i) twice[i] = 2 * num[i];
    check.all_near("silu: a second call adds (+=) to din", dx.data(), twice.data(), N, 1e-7);
}

static void check_block(exercise::Checker& check, ddpm::Rng& rng) {
    const int B = 6, C = 5, H = 7, steps = 4;
    const int t[B] = {0, 3, 3, 1, 3, 0};  // repeated steps must add up; step 2 is never used
    auto x = randn(B * C, rng), w = randn(H * C, rng), b = randn(H, rng);
    auto table = randn(steps * H, rng), R = randn(B * H, rng);
    // L = sum(h * R) for a fixed random R, so dL/dh = R; the forward written out in full.
    auto loss = [&] {
        double s = 0;
        for (int i = 0; i < B; ++i)
            for (int o = 0; o < H; ++o) {
                double pre = b[o] + table[t[i] * H + o];
                for (int c = 0; c < C; ++c) pre += x[i * C + c] * w[o * C + c];
                s += R[i * H + o] * std::max(pre, 0.0);
            }
        return s;
    };
    std::vector<double> dx(B * C, 0.0), dw(H * C, 0.0), db(H, 0.0), dtable(steps * H, 0.0);
    ex::block_backward(dx.data(), dw.data(), db.data(), dtable.data(), R.data(), x.data(), w.data(),
                       b.data(), table.data(), t, B, C, H);
    auto num_x = ddpm::numerical_gradient(loss, x.data(), x.size(), 1e-6);
    auto num_w = ddpm::numerical_gradient(loss, w.data(), w.size(), 1e-6);
    auto num_b = ddpm::numerical_gradient(loss, b.data(), b.size(), 1e-6);
    auto num_t = ddpm::numerical_gradient(loss, table.data(), table.size(), 1e-6);
    check.all_near("block: dx vs finite differences", dx.data(), num_x.data(), dx.size(), 1e-6,
                   entry_of("dx", C));
    check.all_near("block: dw vs finite differences", dw.data(), num_w.data(), dw.size(), 1e-6,
                   entry_of("dw", C));
    check.all_near("block: db vs finite differences", db.data(), num_b.data(), db.size(), 1e-6,
                   [](size_t i) { return "db unit " + std::to_string(i); });
    check.all_near("block: dtable vs finite differences (step 3 used three times, 2 never)",
                   dtable.data(), num_t.data(), dtable.size(), 1e-6, [=](size_t i) {
                       return "dtable step " + std::to_string(i / H) + ", unit " +
                              std::to_string(i % H);
                   });
    ex::block_backward(nullptr, dw.data(), db.data(), dtable.data(), R.data(), x.data(), w.data(),
                       b.data(), table.data(), t, B, C, H);
    std::vector<double> twice(dw.size());
    for (size_t i = 0; i < dw.size(); ++i) twice[i] = 2 * num_w[i];
    check.all_near("block: a second call adds (+=) to dw, and dx may be null", dw.data(),
                   twice.data(), dw.size(), 1e-6, entry_of("dw", C));
}

int main() {
    exercise::Checker check = exercise::start("04 backward passes: SiLU and a hidden block");
    ddpm::Rng rng(4);
    check_silu(check, rng);
    check_block(check, rng);
    return check.finish();
}
