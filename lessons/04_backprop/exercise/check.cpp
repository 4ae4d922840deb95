// Checks for exercise 04, by value: each backward against central finite differences of the
// layer's forward (in double, so they agree to ~1e-9), and that gradients accumulate.
#include <cmath>
#include <vector>

#include "check.h"
#include "exercise.h"
#include "gradcheck.h"
#include "layers.h"
#include "rng.h"

static std::vector<double> randn(size_t n, ddpm::Rng& rng) {
    std::vector<double> v(n);
    for (double& x : v) x = rng.normal();
    return v;
}
static double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

int main() {
    exercise::Checker check = exercise::start("04 backward passes of linear, relu and embedding");
    ddpm::Rng rng(4);
    const int B = 5, C = 7, OC = 3;
    // L = sum(out * R) for a fixed random R, so dL/dout = R.
    auto in = randn(B * C, rng), w = randn(OC * C, rng), b = randn(OC, rng), R = randn(B * OC, rng);
    std::vector<double> out(B * OC), din(B * C, 0), dw(OC * C, 0), db(OC, 0);
    auto linear_loss = [&] {
        ddpm::linear_forward(out.data(), in.data(), w.data(), b.data(), B, C, OC);
        return dot(out, R);
    };
    ex::linear_backward(din.data(), dw.data(), db.data(), R.data(), in.data(), w.data(), B, C, OC);
    auto num_in = ddpm::numerical_gradient(linear_loss, in.data(), in.size(), 1e-6);
    auto num_w = ddpm::numerical_gradient(linear_loss, w.data(), w.size(), 1e-6);
    auto num_b = ddpm::numerical_gradient(linear_loss, b.data(), b.size(), 1e-6);
    check.all_near("linear: din vs finite differences", din.data(), num_in.data(), din.size(),
                   1e-6);
    check.all_near("linear: dw vs finite differences", dw.data(), num_w.data(), dw.size(), 1e-6);
    check.all_near("linear: db vs finite differences", db.data(), num_b.data(), db.size(), 1e-6);
    std::vector<double> dw2 = dw;
    ex::linear_backward(nullptr, dw2.data(), db.data(), R.data(), in.data(), w.data(), B, C, OC);
    std::vector<double> twice(dw.size());
    for (size_t i = 0; i < dw.size(); ++i) twice[i] = 2 * num_w[i];
    check.all_near("linear: a second call adds (+=) to dw, and din may be null", dw2.data(),
                   twice.data(), dw.size(), 1e-6);

    auto x = randn(40, rng), R2 = randn(40, rng);
    std::vector<double> y(40), dx(40, 0);
    auto relu_loss = [&] {
        ddpm::relu_forward(y.data(), x.data(), 40);
        return dot(y, R2);
    };
    relu_loss();
    ex::relu_backward(dx.data(), R2.data(), y.data(), 40);
    auto num_x = ddpm::numerical_gradient(relu_loss, x.data(), 40, 1e-6);
    check.all_near("relu: din vs finite differences", dx.data(), num_x.data(), 40, 1e-6);

    const int steps = 6, E = 4, N = 8;
    int t[N] = {0, 5, 5, 2, 0, 5, 1, 3};  // repeated steps must add up
    auto table = randn(steps * E, rng), R3 = randn(N * E, rng);
    std::vector<double> e(N * E), dtable(steps * E, 0);
    auto emb_loss = [&] {
        std::fill(e.begin(), e.end(), 0.0);
        ddpm::embedding_forward(e.data(), t, table.data(), N, E);
        return dot(e, R3);
    };
    ex::embedding_backward(dtable.data(), R3.data(), t, N, E);
    auto num_t = ddpm::numerical_gradient(emb_loss, table.data(), table.size(), 1e-6);
    check.all_near("embedding: dtable vs finite differences (step 5 used three times)",
                   dtable.data(), num_t.data(), dtable.size(), 1e-6);
    return check.finish();
}
