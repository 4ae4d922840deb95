// Optimisation: Adam, gradient clipping, and the exponential moving average of the weights.
// All three work on flat arrays of n floats (the model keeps its parameters in one vector).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aligned.h"

namespace ddpm {

struct AdamConfig {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
};

// The scalars of step t, the same for every parameter: the betas, eps, and the bias corrections
// folded in the way PyTorch applies them.
struct AdamStep {
    float b1, b2, eps;
    float step_size;  // lr / (1 - beta1^t)
    float bc2_sqrt;   // sqrt(1 - beta2^t)
};

// Adam (Kingma & Ba 2015) with PyTorch's exact arithmetic (torch.optim.Adam, no weight decay):
//   m = beta1 m + (1 - beta1) g            v = beta2 v + (1 - beta2) g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// One difference: moments below 1e-30 are flushed to 0 (see adam_update: denormals are slow, and
// at that size they change no update).
class Adam {
public:
    Adam(size_t n, AdamConfig cfg = {});
    void step(float* params, const float* grads);  // one update of all n parameters
    AdamStep next_step();  // t += 1, and that step's scalars (step() starts with it)

    AdamConfig cfg;
    int64_t t = 0;              // steps taken (the bias corrections use it)
    AlignedVector<float> m, v;  // first and second moment estimates
};

// One parameter's update with step t's scalars: the body of Adam::step's loop, here so the fast
// tier's fused pass (fast/optim.h) runs the very same arithmetic.
//
// Moments below 1e-30 are set to 0. A parameter whose gradient stays 0 (a dead ReLU unit's
// weights, say) has its moments decay by 0.9 and 0.999 each step into the denormal floats below
// 1.2e-38, on which arithmetic is many times slower, and long runs slow down. At that size
// a moment changes no update (m / (sqrt(v) + 1e-8) ~ 1e-22).
inline void adam_update(float& p, float& m, float& v, float g, AdamStep s) {
    constexpr float kTiny = 1e-30f;
    float m_t = s.b1 * m + (1.0f - s.b1) * g;      // m_t = b1 m + (1 - b1) g
    float v_t = s.b2 * v + (1.0f - s.b2) * g * g;  // v_t = b2 v + (1 - b2) g^2
    m_t = std::fabs(m_t) < kTiny ? 0.0f : m_t;
    v_t = v_t < kTiny ? 0.0f : v_t;
    m = m_t;
    v = v_t;
    // m_hat = m_t / bc1 and v_hat = v_t / bc2 are not formed: PyTorch divides sqrt(v_t) by
    // sqrt(bc2) and folds 1 / bc1 into the step size, and the same order gives its bits.
    const float denom = std::sqrt(v_t) / s.bc2_sqrt + s.eps;  // sqrt(v_hat) + eps
    p -= s.step_size * m_t / denom;  // theta -= lr m_hat / (sqrt(v_hat) + eps)
}

// clip_grad_norm: PyTorch's clip_grad_norm_ over all n gradients as one vector.
//   norm = ||g||_2; if max_norm / (norm + 1e-6) < 1, g *= max_norm / (norm + 1e-6).
// Returns the norm before clipping (accumulated in double).
float clip_grad_norm(float* grads, size_t n, float max_norm);

// EMA of the weights, as the notebook's EMA class defines it (mu = 0.01; its register() is our
// constructor, its __call__() our update()):
//   shadow = mu * x + (1 - mu) * shadow, registered with the parameters' value at the start.
// (The notebook's mu weighs the NEW value; most papers write decay = 1 - mu = 0.99.)
class EMA {
public:
    EMA(const float* params, size_t n, float mu = 0.01f);
    void update(const float* params);

    float mu;
    AlignedVector<float> shadow;
};

// One weight's EMA update: the body of EMA::update's loop (and of the fast tier's fused pass).
inline void ema_update(float& shadow, float p, float mu) {
    shadow = mu * p + (1.0f - mu) * shadow;  // shadow = mu x + (1 - mu) shadow
}

}  // namespace ddpm
