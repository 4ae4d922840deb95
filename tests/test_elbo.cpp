// The ELBO (lib/likelihood/elbo.h): the Gaussian KL against a Monte Carlo estimate, each step's KL
// against DDPM's Eq. 12 (the weighted noise error it reduces to), and the bound itself: never below
// the data's own entropy, whatever the model.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/train.h"
#include "likelihood/elbo.h"

TEST_CASE("elbo: the closed-form Gaussian KL matches a Monte Carlo estimate") {
    const float m1[2] = {0.3f, -0.2f}, m2[2] = {-0.1f, 0.4f};
    const double v1 = 0.5, v2 = 1.7;
    ddpm::Rng rng(3);
    double sum = 0;
    const int n = 400000;
    for (int i = 0; i < n; ++i) {  // E_{x ~ N(m1, v1)} [log N(x; m1, v1) - log N(x; m2, v2)]
        double log_ratio = 0;
        for (int d = 0; d < 2; ++d) {
            const double x = m1[d] + std::sqrt(v1) * rng.normal();
            log_ratio += -0.5 * (x - m1[d]) * (x - m1[d]) / v1 - 0.5 * std::log(v1) +
                         0.5 * (x - m2[d]) * (x - m2[d]) / v2 + 0.5 * std::log(v2);
        }
        sum += log_ratio;
    }
    CHECK(ddpm::gaussian_kl(m1, v1, m2, v2, 2) == doctest::Approx(sum / n).epsilon(5e-3));
    CHECK(ddpm::gaussian_kl(m1, v1, m1, v1, 2) == doctest::Approx(0.0));
}

TEST_CASE("elbo: each step's KL is the weighted noise error of Eq. 12, plus a constant") {
    // With x_t = a x_0 + s eps, the posterior mean minus the model's is
    //   beta / (sqrt(alpha) s) (eps_theta - eps),
    // so KL = beta^2 / (2 sigma^2 alpha s^2) |eps - eps_theta|^2 + the variances' constant.
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::MLPDiffusion model(ddpm::ModelConfig{100, 16, 2, 2});
    ddpm::Rng init(1);
    model.init(init);
    const int t = 40;
    const float x_0[2] = {0.05f, -0.1f}, eps[2] = {0.7f, -1.2f};
    float x_t[2], pred[2];
    const int steps[2] = {t, t};
    ddpm::q_x(x_t, x_0, eps, steps, 1, 2, sched);
    model.forward(pred, x_t, steps, 1);
    const double beta = sched.betas[t], abar = sched.alphas_prod[t],
                 abar_prev = sched.alphas_prod_p[t], s = sched.one_minus_alphas_bar_sqrt[t];
    float mu[2], mu_q[2];
    for (int d = 0; d < 2; ++d) {
        mu[d] = static_cast<float>((x_t[d] - beta / s * pred[d]) / std::sqrt(1 - beta));
        mu_q[d] = static_cast<float>(std::sqrt(abar_prev) * beta / (1 - abar) * x_0[d] +
                                     std::sqrt(1 - beta) * (1 - abar_prev) / (1 - abar) * x_t[d]);
    }
    const double beta_tilde = (1 - abar_prev) / (1 - abar) * beta;
    const double kl = ddpm::gaussian_kl(mu_q, beta_tilde, mu, beta, 2);
    const double constant = ddpm::gaussian_kl(mu_q, beta_tilde, mu_q, beta, 2);
    double err2 = 0;
    for (int d = 0; d < 2; ++d) err2 += (eps[d] - pred[d]) * (eps[d] - pred[d]);
    const double weight = beta * beta / (2 * beta * (1 - beta) * s * s);
    CHECK(kl - constant == doctest::Approx(weight * err2).epsilon(1e-3));
}

TEST_CASE("elbo: the bound is never below the data's entropy, and training lowers it") {
    // Gaussian data: its entropy, E[-log q(x_0)], is 1 + log(2 pi) + log(det C) / 2. Any model's
    // ELBO bounds its own -log p, which is at least that on average (cross-entropy >= entropy).
    const double entropy = ddpm::gaussian_entropy();
    ddpm::Rng data_rng(4);
    const ddpm::Tensor data = ddpm::make_gaussian(2000, data_rng),
                       held_out = ddpm::make_gaussian(1000, data_rng);
    ddpm::TrainConfig cfg;
    cfg.epochs = 60;
    ddpm::Trainer tr(ddpm::ModelConfig{100, 32, 2, 2}, cfg, ddpm::Schedule::cosine(100), 5);
    ddpm::Rng rng(6);
    ddpm::SamplerOptions posterior;
    posterior.variance = ddpm::SamplerOptions::Variance::posterior;
    const double before = ddpm::elbo(tr.model, held_out, tr.sched, posterior, rng).total();
    tr.train(data, [](const ddpm::EpochReport&) { return true; });
    const ddpm::ElboTerms after = ddpm::elbo(tr.model, held_out, tr.sched, posterior, rng);
    MESSAGE("entropy " << entropy << " nats; ELBO bound untrained " << before << ", trained "
                       << after.total() << " (prior " << after.prior << ", decoder "
                       << after.decoder << ")");
    CHECK(after.total() < before);
    CHECK(after.total() > entropy);
    for (double s : after.steps) CHECK(s >= -1e-9);
    CHECK(after.prior < 1e-3);  // the cosine schedule ends at abar ~ 0: almost no mismatch
    CHECK(ddpm::bits_per_dim(std::log(4.0), 2) == doctest::Approx(1.0));
}

TEST_CASE("elbo: with the exact eps of Gaussian data and many steps, the bound meets the NLL") {
    // The bound's gap is the reverse steps' error; with the exact eps it is only the
    // discretisation's, which shrinks with T: at T = 1000 (cosine, sigma^2 = beta) the bound is
    // the data's own NLL to within 0.05 nats.
    ddpm::Rng rng(21);
    const ddpm::Tensor x = ddpm::make_gaussian(2000, rng);
    double nll = 0;  // -log N(x; m, C) over these points
    for (int i = 0; i < 2000; ++i) nll -= ddpm::gaussian_log_density(x.at(i, 0), x.at(i, 1)) / 2000;
    double gap[2];
    for (int k = 0; k < 2; ++k) {
        const ddpm::Schedule sched = ddpm::Schedule::cosine(k == 0 ? 100 : 1000);
        const ddpm::NoiseField exact =
            ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, sched);
        gap[k] = ddpm::elbo(exact, x, sched, {}, rng).total() - nll;
    }
    MESSAGE("ELBO - NLL with the exact eps: " << gap[0] << " nats at T = 100, " << gap[1]
                                              << " at T = 1000");
    CHECK(gap[0] > -0.02);  // a bound, up to the Monte Carlo noise of one draw per step
    CHECK(gap[1] > -0.02);
    CHECK(std::fabs(gap[1]) < 0.08);
    CHECK(gap[1] < 0.3 * gap[0]);
}
