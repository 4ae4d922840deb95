#include "diffusion.h"

#include <algorithm>
#include <vector>

#include "error.h"
#include "layers.h"

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

}  // namespace ddpm
