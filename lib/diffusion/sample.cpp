#include "diffusion/sample.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "diffusion/forward.h"
#include "fast/predict.h"

namespace ddpm {

Tensor randn(int n, int D, Rng& rng) {
    Tensor x({n, D});
    randn(x.data(), x.size(), rng);
    return x;
}

// The variance sigma_t^2 of the reverse step at t.
static float reverse_variance(int t, const Schedule& sched, const SamplerOptions& opt) {
    if (opt.variance == SamplerOptions::Variance::posterior)
        return (1.0f - sched.alphas_prod_p[t]) / (1.0f - sched.alphas_prod[t]) * sched.betas[t];
    return sched.betas[t];
}

// Eq. 11 after the prediction, with z ~ N(0, I) given for each value (read only where the step
// adds noise).
static void p_step_with(float* x, const float* eps, int n_values, int t, const Schedule& sched,
                        const float* z, const SamplerOptions& opt) {
    check_step(t, sched);
    // Eq. 11's two factors, beta_t / sqrt(1 - abar_t) and 1 / sqrt(alpha_t), and sigma_t
    const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
    const float scale = 1.0f / std::sqrt(1.0f - sched.betas[t]);
    const float sigma = std::sqrt(reverse_variance(t, sched, opt));
    const bool noise = t > 0 || opt.noise_at_last_step;
    if (opt.clip_x0 > 0.0f) {
        // Eq. 7's two coefficients, of x_0 and of x_t, in double and rounded once
        const double abar = sched.alphas_prod[t], abar_prev = sched.alphas_prod_p[t];
        const float c_x0 = static_cast<float>(std::sqrt(abar_prev) * sched.betas[t] / (1 - abar));
        const float c_xt =
            static_cast<float>(std::sqrt(sched.alphas[t]) * (1 - abar_prev) / (1 - abar));
        const float c = opt.clip_x0;
        for (int i = 0; i < n_values; ++i) {
            // x_0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t), Eq. 4 solved, then clipped
            const float x0 =
                (x[i] - sched.one_minus_alphas_bar_sqrt[t] * eps[i]) / sched.alphas_bar_sqrt[t];
            const float x0_clipped = std::min(c, std::max(-c, x0));
            const float mean = c_x0 * x0_clipped + c_xt * x[i];  // mu~_t(x_t, x_0), Eq. 7
            x[i] = noise ? mean + sigma * z[i] : mean;
        }
        return;
    }
    for (int i = 0; i < n_values; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);  // mu_theta(x_t, t), Eq. 11
        x[i] = noise ? mean + sigma * z[i] : mean;           // x_{t-1}, Algorithm 2 line 4
    }
}

void p_step(float* x, const float* eps, int n_values, int t, const Schedule& sched, Rng& rng,
            const SamplerOptions& opt) {
    // z ~ N(0, I), one value after another, drawn before the step: the values the step would draw
    // value by value (and none where it draws none).
    check_step(t, sched);
    thread_local std::vector<float> z;
    if (n_values > 0 && (t > 0 || opt.noise_at_last_step)) {
        if (z.size() < static_cast<size_t>(n_values)) z.resize(n_values);
        randn(z.data(), n_values, rng);
    }
    p_step_with(x, eps, n_values, t, sched, z.data(), opt);
}

void p_sample(const MLPDiffusion& model, float* x, int n, int t, const Schedule& sched, Rng& rng,
              const SamplerOptions& opt, float* eps, int* t_buf) {
    check_step(t, sched);
    std::fill(t_buf, t_buf + n, t);
    fast::predict_noise(model, eps, x, t_buf, n);  // eps = eps_theta(x_t, t), all n points
    p_step(x, eps, n * model.config().dim, t, sched, rng, opt);
}

void p_sample(const MLPDiffusion& model, float* x, int n, int t, const Schedule& sched,
              const float* z, const SamplerOptions& opt, float* eps, int* t_buf) {
    check_step(t, sched);
    std::fill(t_buf, t_buf + n, t);
    fast::predict_noise(model, eps, x, t_buf, n);
    p_step_with(x, eps, n * model.config().dim, t, sched, z, opt);
}

void p_sample(const Denoiser& d, float* x, int n, int t, const Schedule& sched, Rng& rng,
              const SamplerOptions& opt, float* eps) {
    check_step(t, sched);
    predict_eps(d, eps, x, t, n, sched);  // eps from whatever the network predicts
    p_step(x, eps, n * d.model->config().dim, t, sched, rng, opt);
}

static void check_prior(const Tensor& x_T, const MLPDiffusion& model, const Schedule& sched) {
    if (x_T.ndim() != 2 || x_T.dim(1) != model.config().dim || x_T.dim(0) < 1)
        throw Error("sampling: x_T must be (n, " + std::to_string(model.config().dim) + "), got " +
                    x_T.shape_str());
    if (model.config().num_steps != sched.num_steps)
        throw Error("sampling: the model has " + std::to_string(model.config().num_steps) +
                    " steps, the schedule " + std::to_string(sched.num_steps));
}

Tensor p_sample_loop(const MLPDiffusion& model, const Tensor& x_T, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt) {
    return p_sample_loop(Denoiser{&model}, x_T, sched, rng, opt);
}

Tensor p_sample_loop(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt) {
    check_prior(x_T, *d.model, sched);
    const int n = x_T.dim(0), T = sched.num_steps;
    std::vector<float> eps(x_T.size());
    // t = T-1 ... 0, one p_sample each
    return reverse_loop(x_T, T, [&](float* x, int k) {
        p_sample(d, x, n, T - 1 - k, sched, rng, opt, eps.data());
    });
}

Tensor p_sample_loop(const MLPDiffusion& model, int n, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt) {
    Tensor x_T = randn(n, model.config().dim, rng);
    return p_sample_loop(model, x_T, sched, rng, opt);
}

std::vector<int> ddim_steps(int T, int S) {
    if (S < 1 || S > T)
        throw UsageError("the number of DDIM or ODE steps must be in [1, " + std::to_string(T) +
                         "], got " + std::to_string(S));
    std::vector<int> tau(S);
    for (int i = 0; i < S; ++i) tau[i] = static_cast<int>(static_cast<long>(i) * T / S);
    return tau;
}

Tensor ddim_sample_loop(const MLPDiffusion& model, const Tensor& x_T, const Schedule& sched,
                        Rng& rng, int S, float eta) {
    return ddim_sample_loop(Denoiser{&model}, x_T, sched, rng, S, eta);
}

Tensor ddim_sample_loop(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
                        int S, float eta) {
    check_prior(x_T, *d.model, sched);
    const std::vector<int> tau = ddim_steps(sched.num_steps, S);
    if (!(eta >= 0.0f && eta <= 1.0f)) throw UsageError("DDIM eta must be in [0, 1]");
    const int n = x_T.dim(0);
    const size_t frame = x_T.size();
    std::vector<float> eps(frame);
    // tau_{S-1} ... tau_0, one DDIM step each
    return reverse_loop(x_T, S, [&](float* x, int k) {
        const int i = S - 1 - k, t = tau[i];
        const double abar = sched.alphas_prod[t];
        const double abar_prev = i > 0 ? sched.alphas_prod[tau[i - 1]] : 1.0;
        const double sigma =  // DDIM Eq. 16
            eta * std::sqrt((1 - abar_prev) / (1 - abar)) * std::sqrt(1 - abar / abar_prev);
        const float a = static_cast<float>(std::sqrt(abar));
        const float s = static_cast<float>(std::sqrt(1 - abar));
        const float a_prev = static_cast<float>(std::sqrt(abar_prev));
        const float dir =  // sqrt(1 - abar_prev - sigma^2), the weight of eps's direction
            static_cast<float>(std::sqrt(std::max(0.0, 1 - abar_prev - sigma * sigma)));
        predict_eps(d, eps.data(), x, t, n, sched);  // eps_theta(x_t, t)
        for (size_t j = 0; j < frame; ++j) {
            const float x0_pred = (x[j] - s * eps[j]) / a;  // x_0's estimate, DDIM Eq. 12
            x[j] = a_prev * x0_pred + dir * eps[j];         // x_{t-1}, DDIM Eq. 12
            if (sigma > 0) x[j] += static_cast<float>(sigma) * rng.normal();  // + sigma z
        }
    });
}

}  // namespace ddpm
