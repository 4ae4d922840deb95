#include "likelihood/elbo.h"

#include <cmath>

#include "core/error.h"
#include "diffusion/forward.h"
#include "fast/predict.h"

namespace ddpm {

double gaussian_kl(const float* m1, double v1, const float* m2, double v2, int D) {
    double kl = 0;
    for (int d = 0; d < D; ++d) {
        const double diff = static_cast<double>(m1[d]) - m2[d];
        kl += v1 / v2 - 1 + std::log(v2 / v1) + diff * diff / v2;
    }
    return 0.5 * kl;
}

double ElboTerms::total() const {
    double sum = prior + decoder;
    for (double s : steps) sum += s;
    return sum;
}

double bits_per_dim(double nats, int D) {
    return nats / (D * std::log(2.0));
}

// The term of step t, summed over the points: x_t ~ q(x_t | x_0), the model's mean mu_theta, then
// the KL to the posterior (t > 0) or the decoder's negative log-density (t = 0).
static double step_term(const NoiseField& eps_theta, const Tensor& x_0, int t,
                        const Schedule& sched, const SamplerOptions& opt, Rng& rng) {
    const int n = x_0.dim(0), D = x_0.dim(1);
    std::vector<float> eps(x_0.size()), x_t(x_0.size()), pred(x_0.size()), mu(D), mu_q(D);
    for (float& e : eps) e = rng.normal();
    std::vector<int> steps(n, t);
    q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), n, D, sched);
    eps_theta(x_t.data(), n, t, pred.data(), nullptr, nullptr);
    const double beta = sched.betas[t], abar = sched.alphas_prod[t],
                 abar_prev = sched.alphas_prod_p[t];
    const double coeff = beta / sched.one_minus_alphas_bar_sqrt[t], scale = 1 / std::sqrt(1 - beta);
    // q(x_{t-1} | x_t, x_0) (DDPM Eq. 7): its mean's two weights and its variance beta~
    const double w0 = std::sqrt(abar_prev) * beta / (1 - abar);
    const double wt = std::sqrt(1 - beta) * (1 - abar_prev) / (1 - abar);
    const double beta_tilde = (1 - abar_prev) / (1 - abar) * beta;
    const double var = opt.variance == SamplerOptions::Variance::posterior ? beta_tilde : beta;
    double sum = 0;
    for (int p = 0; p < n; ++p) {
        const size_t at = static_cast<size_t>(p) * D;
        for (int d = 0; d < D; ++d) {
            mu[d] = static_cast<float>(scale * (x_t[at + d] - coeff * pred[at + d]));  // Eq. 11
            mu_q[d] = static_cast<float>(w0 * x_0[at + d] + wt * x_t[at + d]);
        }
        if (t > 0) {
            sum += gaussian_kl(mu_q.data(), beta_tilde, mu.data(), var, D);
        } else {  // the decoder, -log N(x_0; mu_theta, beta_0 I)
            for (int d = 0; d < D; ++d) {
                const double diff = x_0[at + d] - mu[d];
                sum += 0.5 * (diff * diff / beta + std::log(2 * M_PI * beta));
            }
        }
    }
    return sum;
}

ElboTerms elbo(const MLPDiffusion& model, const Tensor& x_0, const Schedule& sched,
               const SamplerOptions& opt, Rng& rng) {
    if (x_0.ndim() != 2 || x_0.dim(1) != model.config().dim)
        throw Error("elbo: expected points (n, " + std::to_string(model.config().dim) + "), got " +
                    x_0.shape_str());
    auto eps_theta = [&model](const float* x, int n, int t, float* eps, double*, double*) {
        const std::vector<int> steps(n, t);
        fast::predict_noise(model, eps, x, steps.data(), n);
    };
    return elbo(eps_theta, x_0, sched, opt, rng);
}

ElboTerms elbo(const NoiseField& eps_theta, const Tensor& x_0, const Schedule& sched,
               const SamplerOptions& opt, Rng& rng) {
    if (x_0.ndim() != 2 || x_0.dim(0) < 1)
        throw Error("elbo: expected points (n, D), got " + x_0.shape_str());
    const int n = x_0.dim(0), D = x_0.dim(1), T = sched.num_steps;
    ElboTerms terms;
    terms.steps.assign(T, 0.0);
    // L_T: q(x_T | x_0) = N(a x_0, s^2 I) against the sampler's N(0, I).
    const double a = sched.alphas_bar_sqrt[T - 1], s2 = 1 - sched.alphas_prod[T - 1];
    std::vector<float> mean(D), zero(D, 0.0f);
    for (int p = 0; p < n; ++p) {
        for (int d = 0; d < D; ++d)
            mean[d] = static_cast<float>(a * x_0[static_cast<size_t>(p) * D + d]);
        terms.prior += gaussian_kl(mean.data(), s2, zero.data(), 1.0, D) / n;
    }
    for (int t = 1; t < T; ++t) terms.steps[t] = step_term(eps_theta, x_0, t, sched, opt, rng) / n;
    terms.decoder = step_term(eps_theta, x_0, 0, sched, opt, rng) / n;
    return terms;
}

}  // namespace ddpm
