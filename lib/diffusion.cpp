#include "diffusion.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "error.h"
#include "layers.h"
#include "parallel.h"

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
}

float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf, bool backward) {
    const int D = model.config().dim, N = B * D;
    if (model.config().num_steps != sched.num_steps)
        throw Error("the model has " + std::to_string(model.config().num_steps) +
                    " step embeddings but the schedule has " + std::to_string(sched.num_steps) +
                    " steps");
    buf.reserve(B, D);
    antithetic_steps(buf.t.data(), B, sched.num_steps, rng);
    for (int i = 0; i < N; ++i) buf.eps[i] = rng.normal();
    q_x(buf.x_t.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched);
    model.forward(buf.pred.data(), buf.x_t.data(), buf.t.data(), B);
    float loss = mse_forward(buf.pred.data(), buf.eps.data(), N);
    if (backward) {
        std::fill(buf.dpred.begin(), buf.dpred.begin() + N, 0.0f);
        mse_backward(buf.dpred.data(), buf.pred.data(), buf.eps.data(), N);
        model.backward(buf.dpred.data());
    }
    return loss;
}

Tensor randn(int n, int D, Rng& rng) {
    Tensor x({n, D});
    for (size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

void p_sample_update(float* x, const float* eps, int n_values, int t, const Schedule& sched,
                     Rng& rng, const SamplerOptions& opt) {
    check_step(t, sched);
    const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
    const float scale = 1.0f / std::sqrt(1.0f - sched.betas[t]);
    float var = sched.betas[t];
    if (opt.variance == SamplerOptions::Variance::posterior)
        var = (1.0f - sched.alphas_prod_p[t]) / (1.0f - sched.alphas_prod[t]) * sched.betas[t];
    const bool noise = t > 0 || opt.noise_at_last_step;
    const float sigma = std::sqrt(var);
    for (int i = 0; i < n_values; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);
        x[i] = noise ? mean + sigma * rng.normal() : mean;
    }
}

// eps_theta(x, t) for n points, in blocks of 512: the activations of 512 points (256 KB a layer)
// stay in a core's cache, where those of 10,000 (5 MB a layer) would go out to memory and back at
// every layer. With threads, each takes every P-th block through the whole network on its own
// copy of the model (a model keeps its activations, so two threads cannot share one), so no
// product is split between cores. Each point's prediction depends only on its own row: the same
// bits for any blocks and threads. A sampling loop makes one NoisePredictor, so the copies are
// made once, not at every step.
class NoisePredictor {
public:
    static constexpr int kRowsAtOnce = 512;

    // For batches of up to n points: a copy for each thread after the first that has a block.
    NoisePredictor(MLPDiffusion& model, int n)
        : model_(model), copies_(std::max(0, std::min(num_threads(), blocks(n)) - 1), model) {}

    void operator()(float* eps, const float* x, const int* t, int n) {
        const int D = model_.config().dim;
        const int P = std::min(1 + static_cast<int>(copies_.size()), blocks(n));
        parallel_for(P, [&](int p0, int p1) {
            for (int p = p0; p < p1; ++p) {
                MLPDiffusion& m = p == 0 ? model_ : copies_[p - 1];
                for (int b = p; b < blocks(n); b += P) {
                    const int r = b * kRowsAtOnce;
                    m.forward(eps + static_cast<long>(r) * D, x + static_cast<long>(r) * D, t + r,
                              std::min(kRowsAtOnce, n - r));
                }
            }
        });
    }

private:
    static int blocks(int n) { return (n + kRowsAtOnce - 1) / kRowsAtOnce; }

    MLPDiffusion& model_;
    std::vector<MLPDiffusion> copies_;  // one for each thread after the first
};

static void p_sample_with(NoisePredictor& predict_noise, int D, float* x, int n, int t,
                          const Schedule& sched, Rng& rng, const SamplerOptions& opt, float* eps,
                          int* t_buf) {
    check_step(t, sched);
    std::fill(t_buf, t_buf + n, t);
    predict_noise(eps, x, t_buf, n);
    p_sample_update(x, eps, n * D, t, sched, rng, opt);
}

void p_sample(MLPDiffusion& model, float* x, int n, int t, const Schedule& sched, Rng& rng,
              const SamplerOptions& opt, float* eps, int* t_buf) {
    NoisePredictor predict_noise(model, n);
    p_sample_with(predict_noise, model.config().dim, x, n, t, sched, rng, opt, eps, t_buf);
}

static void check_prior(const Tensor& x_T, const MLPDiffusion& model, const Schedule& sched) {
    if (x_T.ndim() != 2 || x_T.dim(1) != model.config().dim || x_T.dim(0) < 1)
        throw Error("sampling: x_T must be (n, " + std::to_string(model.config().dim) + "), got " +
                    x_T.shape_str());
    if (model.config().num_steps != sched.num_steps)
        throw Error("sampling: the model has " + std::to_string(model.config().num_steps) +
                    " steps, the schedule " + std::to_string(sched.num_steps));
}

Tensor p_sample_loop(MLPDiffusion& model, const Tensor& x_T, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt) {
    check_prior(x_T, model, sched);
    const int n = x_T.dim(0), D = x_T.dim(1), T = sched.num_steps;
    const size_t frame = static_cast<size_t>(n) * D;
    Tensor seq({T + 1, n, D});
    std::copy(x_T.data(), x_T.data() + frame, seq.data());
    std::vector<float> eps(frame);
    std::vector<int> t_buf(n);
    NoisePredictor predict_noise(model, n);
    for (int i = 0; i < T; ++i) {
        const int t = T - 1 - i;
        float* x = seq.data() + (i + 1) * frame;
        std::copy(x - frame, x, x);  // start from the previous frame, step in place
        p_sample_with(predict_noise, D, x, n, t, sched, rng, opt, eps.data(), t_buf.data());
    }
    return seq;
}

Tensor p_sample_loop(MLPDiffusion& model, int n, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt) {
    Tensor x_T = randn(n, model.config().dim, rng);
    return p_sample_loop(model, x_T, sched, rng, opt);
}

Tensor ddim_sample_loop(MLPDiffusion& model, const Tensor& x_T, const Schedule& sched, Rng& rng,
                        int S, float eta) {
    check_prior(x_T, model, sched);
    const int T = sched.num_steps;
    if (S < 1 || S > T)
        throw UsageError("DDIM steps must be in [1, " + std::to_string(T) + "], got " +
                         std::to_string(S));
    if (!(eta >= 0.0f && eta <= 1.0f)) throw UsageError("DDIM eta must be in [0, 1]");
    const int n = x_T.dim(0), D = x_T.dim(1);
    const size_t frame = static_cast<size_t>(n) * D;
    Tensor seq({S + 1, n, D});
    std::copy(x_T.data(), x_T.data() + frame, seq.data());
    std::vector<float> eps(frame);
    std::vector<int> t_buf(n);
    NoisePredictor predict_noise(model, n);
    auto tau = [&](int i) { return static_cast<int>(static_cast<long>(i) * T / S); };
    for (int k = 0; k < S; ++k) {
        const int i = S - 1 - k, t = tau(i);
        const double abar = sched.alphas_prod[t];
        const double abar_prev = i > 0 ? sched.alphas_prod[tau(i - 1)] : 1.0;
        const double sigma =
            eta * std::sqrt((1 - abar_prev) / (1 - abar)) * std::sqrt(1 - abar / abar_prev);
        const float a = static_cast<float>(std::sqrt(abar)),
                    s = static_cast<float>(std::sqrt(1 - abar));
        const float a_prev = static_cast<float>(std::sqrt(abar_prev));
        const float dir =
            static_cast<float>(std::sqrt(std::max(0.0, 1 - abar_prev - sigma * sigma)));
        float* x = seq.data() + (k + 1) * frame;
        std::copy(x - frame, x, x);
        std::fill(t_buf.begin(), t_buf.end(), t);
        predict_noise(eps.data(), x, t_buf.data(), n);
        for (size_t j = 0; j < frame; ++j) {
            const float x0_pred = (x[j] - s * eps[j]) / a;
            x[j] = a_prev * x0_pred + dir * eps[j];
            if (sigma > 0) x[j] += static_cast<float>(sigma) * rng.normal();
        }
    }
    return seq;
}

}  // namespace ddpm
