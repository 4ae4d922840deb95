// Checks for exercise 12, by value: the diagonal KL against the library's isotropic one, against a
// Monte Carlo estimate, and at equal Gaussians; the weight of Eq. 12 against the library's KL of a
// real step (posterior mean against the model's mean, minus the variances' constant), for both
// variances of lesson 07, at three steps.
#include <cmath>
#include <string>

#include "check.h"
#include "elbo.h"
#include "exercise.h"

namespace {

void check_kl(exercise::Checker& check) {
    const double m1[3] = {0.3, -0.2, 1.0}, m2[3] = {-0.1, 0.4, 0.5};
    const double iso1[3] = {0.5, 0.5, 0.5}, iso2[3] = {1.7, 1.7, 1.7};
    const float f1[3] = {0.3f, -0.2f, 1.0f}, f2[3] = {-0.1f, 0.4f, 0.5f};
    check.near("equal variances in every dimension: the library's gaussian_kl",
               ex::kl_diagonal(m1, iso1, m2, iso2, 3), ddpm::gaussian_kl(f1, 0.5, f2, 1.7, 3),
               1e-6);
    check.near("a Gaussian against itself: 0", ex::kl_diagonal(m1, iso1, m1, iso1, 3), 0.0, 1e-12);
    // Diagonal, by Monte Carlo: E_{x ~ p} [log p(x) - log q(x)].
    const double v1[3] = {0.2, 1.0, 3.0}, v2[3] = {0.6, 0.4, 2.0};
    ddpm::Rng rng(9);
    double sum = 0;
    const int n = 300000;
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) {
            const double x = m1[d] + std::sqrt(v1[d]) * rng.normal();
            sum += -0.5 * (x - m1[d]) * (x - m1[d]) / v1[d] - 0.5 * std::log(v1[d]) +
                   0.5 * (x - m2[d]) * (x - m2[d]) / v2[d] + 0.5 * std::log(v2[d]);
        }
    check.near("different variances per dimension: a Monte Carlo estimate of 300,000 draws",
               ex::kl_diagonal(m1, v1, m2, v2, 3), sum / n, 0.01);
}

// The library's KL of one real step, with the noise eps and a prediction pred, against
// lambda_t |eps - pred|^2 + the KL of the two variances alone. In double, from abar_t as the
// schedule has it and abar_{t-1} = abar_t / alpha_t: near t = 0, 1 - abar is a difference of
// nearly equal numbers, and in float the posterior's x_t terms would not cancel the model's.
void check_weight(exercise::Checker& check, int t, bool posterior) {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    const double beta = sched.betas[t], alpha = 1 - beta, abar = sched.alphas_prod[t];
    const double abar_prev = abar / alpha, s = std::sqrt(1 - abar);
    const double beta_tilde = (1 - abar_prev) / (1 - abar) * beta;
    const double sigma2 = posterior ? beta_tilde : beta;
    const double x_0[2] = {0.08, -0.12}, eps[2] = {0.9, -0.4}, pred[2] = {0.6, -0.1};
    float mu[2], mu_q[2];
    for (int d = 0; d < 2; ++d) {
        const double x_t = std::sqrt(abar) * x_0[d] + s * eps[d];
        mu[d] = static_cast<float>((x_t - beta / s * pred[d]) / std::sqrt(alpha));
        mu_q[d] = static_cast<float>(std::sqrt(abar_prev) * beta / (1 - abar) * x_0[d] +
                                     std::sqrt(alpha) * (1 - abar_prev) / (1 - abar) * x_t);
    }
    const double kl = ddpm::gaussian_kl(mu_q, beta_tilde, mu, sigma2, 2) -
                      ddpm::gaussian_kl(mu_q, beta_tilde, mu_q, sigma2, 2);
    const double err2 =
        (eps[0] - pred[0]) * (eps[0] - pred[0]) + (eps[1] - pred[1]) * (eps[1] - pred[1]);
    const double got = ex::elbo_weight(sched, t, sigma2) * err2;
    check.near("lambda_t |eps - eps_theta|^2 = the step's KL less its constant, t = " +
                   std::to_string(t) + (posterior ? ", sigma^2 = beta~" : ", sigma^2 = beta"),
               got, kl, 2e-3 * std::fabs(kl));
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("12 the ELBO's KL and its weights");
    check_kl(check);
    for (int t : {1, 50, 99})
        for (bool posterior : {false, true}) check_weight(check, t, posterior);
    return check.finish();
}
