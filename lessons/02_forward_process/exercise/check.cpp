// Checks for exercise 02, by value: q_x's formula on random points, noise and steps (computed here
// in double), and the distribution it makes (at t = 99, x_0 fixed, x_t has the closed-form mean and
// standard deviation); the posterior mean against Bayes' rule worked out here as a product of two
// Gaussians in x_{t-1}, a different formula that must give the same numbers.
#include <cmath>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "exercise.h"

// q(x_{t-1} | x_t, x_0) is proportional to q(x_t | x_{t-1}) q(x_{t-1} | x_0): in x_{t-1}, a Gaussian
// N(x_t / sqrt(alpha_t), beta_t / alpha_t) times N(sqrt(abar_{t-1}) x_0, 1 - abar_{t-1}). The
// product's mean is the precision-weighted mean of the two; at t = 0 it is x_0 itself.
static double bayes_mean(double x_t, double x_0, int t, const std::vector<double>& abar,
                         const ddpm::Schedule& sched) {
    if (t == 0) return x_0;
    const double alpha = 1.0 - sched.betas[t], beta = sched.betas[t];
    const double prec_step = alpha / beta, prec_prior = 1.0 / (1.0 - abar[t - 1]);
    const double mean_step = x_t / std::sqrt(alpha), mean_prior = std::sqrt(abar[t - 1]) * x_0;
    return (prec_step * mean_step + prec_prior * mean_prior) / (prec_step + prec_prior);
}

static void check_posterior(exercise::Checker& check, const ddpm::Schedule& sched, ddpm::Rng& rng) {
    std::vector<double> abar(sched.num_steps);
    double p = 1;
    for (int s = 0; s < sched.num_steps; ++s) abar[s] = p *= 1.0 - sched.betas[s];
    const int B = 64;
    std::vector<float> x0(B * 2), xt(B * 2), mean(B * 2);
    std::vector<int> t(B);
    std::vector<double> want(B * 2);
    for (float& v : x0) v = rng.uniform(-1.0f, 1.0f);
    for (float& v : xt) v = rng.normal();
    for (int b = 0; b < B; ++b) t[b] = b == 0 ? 0 : b == 1 ? 1 : b == 2 ? 99 : rng.randint(100);
    for (int i = 0; i < B * 2; ++i) want[i] = bayes_mean(xt[i], x0[i], t[i / 2], abar, sched);
    ex::q_posterior_mean(mean.data(), xt.data(), x0.data(), t.data(), B, sched);
    check.all_near("posterior mean (Eq. 7) vs Bayes' rule on 64 random rows", mean.data(),
                   want.data(), B * 2, 1e-5, [&](size_t i) {
                       return "row " + std::to_string(i / 2) + " (t = " + std::to_string(t[i / 2]) +
                              ", " + (i % 2 ? "y" : "x") + ")";
                   });
    check.near("row 0 uses step 0: the mean is x_0 itself", mean[0], x0[0], 1e-6);
}

int main() {
    exercise::Checker check = exercise::start("02 q_x, the forward process in one shot");
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Rng rng(2);
    const int B = 64;
    std::vector<float> x0(B * 2), eps(B * 2), xt(B * 2);
    std::vector<int> t(B);
    std::vector<double> want(B * 2);
    for (float& v : x0) v = rng.uniform(-0.2f, 0.2f);
    for (float& v : eps) v = rng.normal();
    for (int b = 0; b < B; ++b) t[b] = b == 0 ? 0 : b == 1 ? 99 : rng.randint(100);
    for (int b = 0; b < B; ++b)
        for (int d = 0; d < 2; ++d)
            want[b * 2 + d] =
                std::sqrt(static_cast<double>(sched.alphas_prod[t[b]])) * x0[b * 2 + d] +
                std::sqrt(1.0 - sched.alphas_prod[t[b]]) * eps[b * 2 + d];
    ex::q_x(xt.data(), x0.data(), eps.data(), t.data(), B, sched);
    check.all_near("x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps on 64 random rows", xt.data(),
                   want.data(), B * 2, 1e-5);
    check.near("row 0 uses step 0: almost all x_0", xt[0], want[0], 1e-6);

    // The distribution: x_0 = (0.1, -0.2) for 20,000 rows at t = 99.
    const int n = 20000;
    std::vector<float> a(n * 2), e(n * 2), out(n * 2);
    std::vector<int> steps(n, 99);
    for (int i = 0; i < n; ++i) {
        a[2 * i] = 0.1f;
        a[2 * i + 1] = -0.2f;
    }
    for (float& v : e) v = rng.normal();
    ex::q_x(out.data(), a.data(), e.data(), steps.data(), n, sched);
    double m = 0, s = 0;
    for (int i = 0; i < n; ++i) m += out[2 * i];
    m /= n;
    for (int i = 0; i < n; ++i) s += (out[2 * i] - m) * (out[2 * i] - m);
    s = std::sqrt(s / n);
    check.near("mean of x at t = 99: sqrt(abar_99) * 0.1", m, 0.1 * std::sqrt(0.778003),
               5 * 0.471 / std::sqrt(n));
    check.near("std at t = 99: sqrt(1 - abar_99)", s, 0.471165, 0.01);
    check_posterior(check, sched, rng);
    return check.finish();
}
