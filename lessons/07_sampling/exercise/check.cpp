// Checks for exercise 07, by value: the posterior variance against Bayes' rule (the product of two
// Gaussians in x_{t-1} has precision alpha_t / beta_t + 1 / (1 - abar_{t-1})), worked out here in
// double from the betas; the step's formula in double with the same noise, for both variances at a
// middle step, at the last step T-1 and at t = 0; the generator's state after each step; and, over
// 20,000 draws, the spread that the step adds.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "exercise.h"

static std::vector<double> bayes_variances(const ddpm::Schedule& sched) {
    std::vector<double> var(sched.num_steps, 0.0);
    double abar_prev = 1;  // abar_{t-1}
    for (int t = 0; t < sched.num_steps; ++t) {
        const double beta = sched.betas[t];
        if (t > 0) var[t] = 1.0 / ((1 - beta) / beta + 1 / (1 - abar_prev));
        abar_prev *= 1 - beta;
    }
    return var;
}

static void check_variance(exercise::Checker& check, const ddpm::Schedule& sched,
                           const std::vector<double>& bayes) {
    std::vector<double> ratio(sched.num_steps), one(sched.num_steps, 1.0);
    for (int t = 1; t < sched.num_steps; ++t)
        ratio[t] = ex::posterior_variance(t, sched) / bayes[t];
    check.near("posterior_variance(0): nothing to add at the last step",
               ex::posterior_variance(0, sched), 0.0, 1e-12);
    check.all_near("posterior_variance(t) / Bayes' rule, t = 1 ... 99", ratio.data() + 1,
                   one.data() + 1, sched.num_steps - 1, 1e-5,
                   [](size_t i) { return "t = " + std::to_string(i + 1); });
}

static void check_step(exercise::Checker& check, const ddpm::Schedule& sched,
                       const std::vector<double>& bayes, int t, ex::Sigma sigma) {
    ddpm::Rng data(t + 1);
    const int n = 40;
    std::vector<float> x(n), eps(n);
    for (float& v : x) v = data.normal() * 0.3f;
    for (float& v : eps) v = data.normal();
    const double beta = sched.betas[t], s = sched.one_minus_alphas_bar_sqrt[t];
    const double sd = std::sqrt(sigma == ex::Sigma::beta ? beta : bayes[t]);
    std::vector<double> want(n);
    ddpm::Rng z(7), rng(7);
    for (int i = 0; i < n; ++i) {
        const double mean = (x[i] - beta / s * eps[i]) / std::sqrt(1 - beta);
        want[i] = sd > 0 ? mean + sd * z.normal() : mean;
    }
    ex::p_sample(x.data(), eps.data(), n, t, sched, rng, sigma);
    const std::string at = std::string(sigma == ex::Sigma::beta ? "sigma^2 = beta" : "posterior") +
                           ", t = " + std::to_string(t);
    check.all_near("x_{t-1}, " + at, x.data(), want.data(), n, 1e-5, [](size_t i) {
        return "value " + std::to_string(i) + " (point " + std::to_string(i / 2) + ", " +
               (i % 2 ? "y" : "x") + ")";
    });
    const ddpm::Rng::State got = rng.state(), expected = z.state();
    const bool same = got.state == expected.state && got.has_cached == expected.has_cached;
    check.that(same, "the draws from rng, " + at,
               "expected exactly " + std::to_string(sd > 0 ? n : 0) +
                   " rng.normal() calls; the generator is elsewhere");
}

// The same x and eps for 20,000 values: the results' spread is sigma_t alone.
static void check_spread(exercise::Checker& check, const ddpm::Schedule& sched,
                         const std::vector<double>& bayes) {
    const int n = 20000, t = 10;
    std::vector<float> x(n, 0.5f), eps(n, -1.0f);
    ddpm::Rng rng(11);
    ex::p_sample(x.data(), eps.data(), n, t, sched, rng, ex::Sigma::posterior);
    double m = 0, ss = 0;
    for (float v : x) m += v;
    m /= n;
    for (float v : x) ss += (v - m) * (v - m);
    const double sd = std::sqrt(ss / n), want = std::sqrt(bayes[t]);
    check.near("spread of 20,000 steps from one point, posterior, t = 10", sd, want,
               5 * want / std::sqrt(2.0 * n));
}

int main() {
    exercise::Checker check =
        exercise::start("07 p_sample with the notebook's and the posterior variance");
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    const std::vector<double> bayes = bayes_variances(sched);
    check_variance(check, sched, bayes);
    for (ex::Sigma sigma : {ex::Sigma::beta, ex::Sigma::posterior})
        for (int t : {50, 99, 1, 0}) check_step(check, sched, bayes, t, sigma);
    check_spread(check, sched, bayes);
    return check.finish();
}
