#include "diffusion.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "error.h"
#include "layers.h"
#include "fast/predict.h"

namespace ddpm {

static void check_step(int t, const Schedule& sched) {
    if (t < 0 || t >= sched.num_steps)
        throw Error("step t = " + std::to_string(t) + " out of range [0, " +
                    std::to_string(sched.num_steps) + ")");
}

void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B, int D,
         const Schedule& sched) {
    for (int b = 0; b < B; ++b) {
        check_step(t[b], sched);
        const float a = sched.alphas_bar_sqrt[t[b]];
        const float s = sched.one_minus_alphas_bar_sqrt[t[b]];
        for (int d = 0; d < D; ++d) x_t[b * D + d] = a * x_0[b * D + d] + s * eps[b * D + d];
    }
}

Tensor q_x(const Tensor& x_0, int t, const Schedule& sched, Rng& rng) {
    check_step(t, sched);
    if (x_0.ndim() != 2) throw Error("q_x: expected x_0 of shape (n, d), got " + x_0.shape_str());
    const int n = x_0.dim(0), d = x_0.dim(1);
    Tensor eps(x_0.shape()), x_t(x_0.shape());
    for (size_t i = 0; i < eps.size(); ++i) eps[i] = rng.normal();
    std::vector<int> steps(n, t);
    q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), n, d, sched);
    return x_t;
}

void antithetic_steps(int* t, int B, int T, Rng& rng) {
    const int half = B / 2;
    for (int i = 0; i < half; ++i) t[i] = rng.randint(T);
    for (int i = 0; i < half; ++i) t[half + i] = T - 1 - t[i];
    if (B % 2) t[B - 1] = rng.randint(T);
}

void LossBuffers::reserve(int B, int D) {
    if (static_cast<int>(t.size()) >= B && static_cast<int>(eps.size()) >= B * D) return;
    t.resize(B);
    eps.resize(static_cast<size_t>(B) * D);
    x_t.resize(eps.size());
    pred.resize(eps.size());
    dpred.resize(eps.size());
    target.resize(eps.size());
    tau.resize(B);
    s.resize(B);
    c.resize(B);
}

float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf) {
    const int D = model.config().dim;
    if (model.config().num_steps != sched.num_steps)
        throw Error("the model has " + std::to_string(model.config().num_steps) +
                    " step embeddings but the schedule has " + std::to_string(sched.num_steps) +
                    " steps");
    buf.reserve(B, D);
    antithetic_steps(buf.t.data(), B, sched.num_steps, rng);
    for (int i = 0; i < B * D; ++i) buf.eps[i] = rng.normal();
    return diffusion_loss_given(model, x_0, B, sched, buf);
}

float diffusion_loss_given(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                           LossBuffers& buf) {
    const int D = model.config().dim;
    buf.n = B * D;
    q_x(buf.x_t.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched);
    model.forward(buf.pred.data(), buf.x_t.data(), buf.t.data(), B);
    return mse_forward(buf.pred.data(), buf.eps.data(), buf.n);
}

void diffusion_loss_backward(MLPDiffusion& model, LossBuffers& buf) {
    std::fill(buf.dpred.begin(), buf.dpred.begin() + buf.n, 0.0f);
    mse_backward(buf.dpred.data(), buf.pred.data(), buf.eps.data(), buf.n);
    model.backward(buf.dpred.data());
}

Tensor randn(int n, int D, Rng& rng) {
    Tensor x({n, D});
    for (size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

// The variance sigma_t^2 of the reverse step at t.
static float reverse_variance(int t, const Schedule& sched, const SamplerOptions& opt) {
    if (opt.variance == SamplerOptions::Variance::posterior)
        return (1.0f - sched.alphas_prod_p[t]) / (1.0f - sched.alphas_prod[t]) * sched.betas[t];
    return sched.betas[t];
}

// Eq. 11 after the prediction; the forms differ only in where z comes from: a generator, or the
// caller.
template <typename Noise>
static void p_step_with(float* x, const float* eps, int n_values, int t, const Schedule& sched,
                        Noise z, const SamplerOptions& opt) {
    check_step(t, sched);
    const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
    const float scale = 1.0f / std::sqrt(1.0f - sched.betas[t]);
    const float sigma = std::sqrt(reverse_variance(t, sched, opt));
    const bool noise = t > 0 || opt.noise_at_last_step;
    for (int i = 0; i < n_values; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);
        x[i] = noise ? mean + sigma * z(i) : mean;
    }
}

void p_step(float* x, const float* eps, int n_values, int t, const Schedule& sched, Rng& rng,
            const SamplerOptions& opt) {
    auto draw = [&rng](int) { return rng.normal(); };  // one value after another
    p_step_with(x, eps, n_values, t, sched, draw, opt);
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
    auto given = [z](int i) { return z[i]; };
    p_step_with(x, eps, n * model.config().dim, t, sched, given, opt);
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
    const int n = x_T.dim(0), D = x_T.dim(1), T = sched.num_steps;
    const size_t frame = static_cast<size_t>(n) * D;
    Tensor seq({T + 1, n, D});
    std::copy(x_T.data(), x_T.data() + frame, seq.data());
    std::vector<float> eps(frame);
    for (int t = T - 1; t >= 0; --t) {
        float* x = seq.data() + (T - t) * frame;
        std::copy(x - frame, x, x);  // start from the previous frame, step in place
        p_sample(d, x, n, t, sched, rng, opt, eps.data());
    }
    return seq;
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
    const int n = x_T.dim(0), D = x_T.dim(1);
    const size_t frame = static_cast<size_t>(n) * D;
    Tensor seq({S + 1, n, D});
    std::copy(x_T.data(), x_T.data() + frame, seq.data());
    std::vector<float> eps(frame);
    for (int k = 0; k < S; ++k) {
        const int i = S - 1 - k, t = tau[i];
        const double abar = sched.alphas_prod[t];
        const double abar_prev = i > 0 ? sched.alphas_prod[tau[i - 1]] : 1.0;
        const double sigma =
            eta * std::sqrt((1 - abar_prev) / (1 - abar)) * std::sqrt(1 - abar / abar_prev);
        const float a = static_cast<float>(std::sqrt(abar));
        const float s = static_cast<float>(std::sqrt(1 - abar));
        const float a_prev = static_cast<float>(std::sqrt(abar_prev));
        const float dir =
            static_cast<float>(std::sqrt(std::max(0.0, 1 - abar_prev - sigma * sigma)));
        float* x = seq.data() + (k + 1) * frame;
        std::copy(x - frame, x, x);
        predict_eps(d, eps.data(), x, t, n, sched);  // eps_theta(x_t, t)
        for (size_t j = 0; j < frame; ++j) {
            const float x0_pred = (x[j] - s * eps[j]) / a;
            x[j] = a_prev * x0_pred + dir * eps[j];
            if (sigma > 0) x[j] += static_cast<float>(sigma) * rng.normal();
        }
    }
    return seq;
}

}  // namespace ddpm
