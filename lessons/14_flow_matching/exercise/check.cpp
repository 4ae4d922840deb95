// Checks for exercise 14, by value: the v target against the library's objective_target; the
// way back from v to eps and x_0 on points noised by q_x; the exact Gaussian flow at tau = 1, and
// integrated from N(0, I) to the data's mean and covariance.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "diffusion/forward.h"
#include "diffusion/objective.h"
#include "exercise.h"

namespace {

void check_v(exercise::Checker& check, int t) {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Rng rng(3);
    const int B = 50, n = 2 * B;
    std::vector<float> x_0(n), eps(n), x_t(n), v(n, 0), want(n), eps_back(n, 0), x0_back(n, 0);
    for (int i = 0; i < n; ++i) {
        x_0[i] = 0.1f * rng.normal();
        eps[i] = rng.normal();
    }
    const std::vector<int> steps(B, t);
    ddpm::q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), B, 2, sched);
    ddpm::objective_target(want.data(), x_0.data(), eps.data(), steps.data(), B, 2, sched,
                           ddpm::Objective::v);
    ex::v_target(v.data(), x_0.data(), eps.data(), n, t, sched);
    const std::string at = ", t = " + std::to_string(t);
    check.all_near("v = sqrt(abar) eps - sqrt(1 - abar) x_0" + at, v.data(), want.data(), n, 1e-6);
    ex::eps_and_x0_from_v(eps_back.data(), x0_back.data(), want.data(), x_t.data(), n, t, sched);
    check.all_near("eps from v and x_t" + at, eps_back.data(), eps.data(), n, 1e-5);
    check.all_near("x_0 from v and x_t" + at, x0_back.data(), x_0.data(), n, 1e-5);
}

// The exact field, checked two ways that do not need its formula: at tau = 1, x is eps itself, so
// v = x - m; and Heun's method on it, from N(0, I) at tau = 1 down to 0, must land on the data's
// own mean and covariance.
void check_gaussian_flow(exercise::Checker& check) {
    const double m[2] = {0.3, -0.2}, C[2][2] = {{0.05, 0.02}, {0.02, 0.03}};
    const std::vector<float> at = {0.4f, -1.3f, 2.0f, 0.1f};
    std::vector<float> v(4, 0.0f);
    ex::gaussian_flow_velocity(v.data(), at.data(), 2, 1.0, m, C);
    const std::vector<float> want = {0.4f - 0.3f, -1.3f + 0.2f, 2.0f - 0.3f, 0.1f + 0.2f};
    check.all_near("tau = 1: x is the noise itself, so v = x - m", v.data(), want.data(), 4, 1e-6);
    // Heun's method, 200 steps of tau, 20,000 points from N(0, I).
    const int n = 20000, steps = 200;
    ddpm::Rng rng(8);
    std::vector<float> x(2 * n), v0(2 * n), guess(2 * n), v1(2 * n);
    for (float& e : x) e = rng.normal();
    for (int k = 0; k < steps; ++k) {
        const double tau = 1.0 - double(k) / steps, next = 1.0 - double(k + 1) / steps;
        const double h = next - tau;
        ex::gaussian_flow_velocity(v0.data(), x.data(), n, tau, m, C);
        for (int i = 0; i < 2 * n; ++i) guess[i] = x[i] + float(h) * v0[i];
        if (next > 0) {
            ex::gaussian_flow_velocity(v1.data(), guess.data(), n, next, m, C);
            for (int i = 0; i < 2 * n; ++i) x[i] += float(h / 2) * (v0[i] + v1[i]);
        } else {
            x = guess;  // the last step ends on tau = 0: an Euler step
        }
    }
    double mean[2] = {0, 0}, cov[3] = {0, 0, 0};
    for (int p = 0; p < n; ++p)
        for (int d = 0; d < 2; ++d) mean[d] += x[2 * p + d] / n;
    for (int p = 0; p < n; ++p) {
        const double a = x[2 * p] - mean[0], b = x[2 * p + 1] - mean[1];
        cov[0] += a * a / n;
        cov[1] += a * b / n;
        cov[2] += b * b / n;
    }
    // 20,000 points of std 0.2: the mean within 0.005, the covariances within 0.003.
    check.near("the flow from N(0, I) lands on the data's mean, x", mean[0], m[0], 0.005);
    check.near("and y", mean[1], m[1], 0.005);
    check.near("its variance of x", cov[0], C[0][0], 0.003);
    check.near("its covariance", cov[1], C[0][1], 0.003);
    check.near("its variance of y", cov[2], C[1][1], 0.003);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("14 v, and the exact velocity of flow matching");
    for (int t : {0, 50, 99}) check_v(check, t);
    check_gaussian_flow(check);
    return check.finish();
}
