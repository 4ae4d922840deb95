// Checks for exercise 11, by value: the posterior's mean against the library's ideal denoiser
// (x0_hat = (x_t - s eps*) / a), its spread against Tweedie's second-order formula
// (tr Cov[x_0 | x_t] = s^2 / a^2 (D + s^2 tr of the Hessian of log q), the Hessian by finite
// differences of the library's score), cases worked by hand, a point far from the data, and the
// score against differences of log q(x_t).
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "core/gradcheck.h"
#include "data/datasets.h"
#include "diffusion/schedule.h"
#include "exercise.h"
#include "likelihood/score.h"

namespace {

const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);

void check_by_hand(exercise::Checker& check) {
    // One training point: the posterior is certain.
    const float one[2] = {0.1f, -0.2f}, x_t[2] = {0.5f, 0.5f};
    float x0[2];
    double spread = -1;
    ex::posterior_x0(x0, &spread, x_t, 1, one, 1, 0.8, 0.6);
    const double want[2] = {0.1, -0.2};
    check.all_near("one training point: x0_hat is that point", x0, want, 2, 1e-6);
    check.near("one training point: no spread", spread, 0.0, 1e-12);
    // Two points at the same distance from x_t / a: weights 1/2 each, spread |x1 - x2|^2 / 4.
    const float two[4] = {-0.1f, 0.0f, 0.1f, 0.0f}, mid[2] = {0.0f, 0.3f};
    ex::posterior_x0(x0, &spread, mid, 1, two, 2, 0.9, 0.2);
    const double centre[2] = {0.0, 0.0};
    check.all_near("two points equally likely: x0_hat is their midpoint", x0, centre, 2, 1e-6);
    check.near("two points equally likely: spread = |x1 - x2|^2 / 4", spread, 0.01, 1e-7);
    // Far from every point (exponents near -1e6): still the nearest point, not NaN.
    const float far[2] = {40.0f, 0.0f};
    ex::posterior_x0(x0, &spread, far, 1, two, 2, 0.9, 0.02);
    const double nearest[2] = {0.1, 0.0};
    check.all_near("x_t far from the data: the nearest point, no overflow", x0, nearest, 2, 1e-6);
}

// The ideal denoiser's x0_hat and Tweedie's spread at m noised points, step t.
void check_against_library(exercise::Checker& check, int t) {
    ddpm::Rng rng(5);
    const ddpm::Tensor train = ddpm::make_dataset("s_curve", 60, 3);
    const ddpm::IdealDenoiser ideal(train);
    const double a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    const int m = 12;
    std::vector<float> x(2 * m), eps(2 * m), x0(2 * m, NAN), want_x0(2 * m);
    for (int i = 0; i < m; ++i) {
        const int j = rng.randint(60);
        for (int d = 0; d < 2; ++d) x[2 * i + d] = a * train.at(j, d) + s * rng.normal();
    }
    ideal.eps(eps.data(), x.data(), m, t, sched);
    for (int i = 0; i < 2 * m; ++i) want_x0[i] = static_cast<float>((x[i] - s * eps[i]) / a);
    std::vector<double> spread(m, NAN), want_spread(m);
    ex::posterior_x0(x0.data(), spread.data(), x.data(), m, train.data(), 60, a, s);
    const std::string at = " at t = " + std::to_string(t);
    check.all_near("x0_hat = (x_t - s eps*) / a, the ideal denoiser's" + at, x0.data(),
                   want_x0.data(), 2 * m, 1e-5);
    // tr of the Hessian of log q: the divergence of the score -eps*/s, by central differences.
    const float h = static_cast<float>(1e-3 * s);
    for (int i = 0; i < m; ++i) {
        double trace = 0;
        for (int d = 0; d < 2; ++d) {
            float xp[2] = {x[2 * i], x[2 * i + 1]}, xm[2] = {x[2 * i], x[2 * i + 1]}, ep[2], em[2];
            xp[d] += h;
            xm[d] -= h;
            ideal.eps(ep, xp, 1, t, sched);
            ideal.eps(em, xm, 1, t, sched);
            trace += -(ep[d] - em[d]) / (2.0 * h) / s;
        }
        want_spread[i] = s * s / (a * a) * (2 + s * s * trace);
    }
    double scale = 0;
    for (double v : want_spread) scale = std::fmax(scale, v);
    check.all_near("spread = s^2 / a^2 (2 + s^2 tr Hessian log q), Tweedie's second moment" + at,
                   spread.data(), want_spread.data(), m, 2e-3 * scale + 1e-12);
    // The score from x0_hat against differences of log q.
    std::vector<float> score(2 * m, NAN);
    ex::score_from_x0(score.data(), x.data(), x0.data(), m, a, s);
    std::vector<double> numeric(2 * m);
    double size = 0;
    for (int i = 0; i < m; ++i) {
        float xi[2] = {x[2 * i], x[2 * i + 1]};
        auto log_q = [&] {
            double lp;
            ideal.log_density(&lp, xi, 1, t, sched);
            return lp;
        };
        const std::vector<double> g = ddpm::numerical_gradient(log_q, xi, 2, h);  // central
        for (int d = 0; d < 2; ++d) {
            numeric[2 * i + d] = g[d];
            size = std::fmax(size, std::fabs(g[d]));
        }
    }
    check.all_near("the score from x0_hat = the gradient of log q(x_t)" + at, score.data(),
                   numeric.data(), 2 * m, 1e-3 * size);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("11 the posterior of the ideal denoiser");
    check_by_hand(check);
    check_against_library(check, 20);
    check_against_library(check, 80);
    return check.finish();
}
