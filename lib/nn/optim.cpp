#include "nn/optim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"
#include "fast/parallel.h"
#include "fast/reduce.h"

namespace ddpm {

// Adam and the EMA update each parameter on its own, so the pool's threads may take ranges of
// them (fast/parallel.h), of at least kMinParallelElements each.
constexpr long kMinElements = kMinParallelElements;

Adam::Adam(size_t n, AdamConfig c) : cfg(c), m(n, 0.0f), v(n, 0.0f) {
    if (!(c.lr > 0 && std::isfinite(c.lr))) throw UsageError("Adam: lr must be a positive number");
}

// Adam's update of params[begin, end). The scalars come by value, so the compiler knows the stores
// to the arrays cannot change them, and vectorises the loop.
//
// Moments below 1e-30 are set to 0. A parameter whose gradient stays 0 (a dead ReLU unit's
// weights, say) has its moments decay by 0.9 and 0.999 each step into the denormal floats below
// 1.2e-38, on which arithmetic is many times slower, and long runs slow down. At that size
// a moment changes no update (m / (sqrt(v) + 1e-8) ~ 1e-22).
static void adam_update(float* params, const float* grads, float* m, float* v, int begin, int end,
                        float b1, float b2, float eps, float step_size, float bc2_sqrt) {
    constexpr float kTiny = 1e-30f;
    for (int i = begin; i < end; ++i) {
        const float g = grads[i];
        float mi = b1 * m[i] + (1.0f - b1) * g;      // m_t = b1 m + (1 - b1) g
        float vi = b2 * v[i] + (1.0f - b2) * g * g;  // v_t = b2 v + (1 - b2) g^2
        mi = std::fabs(mi) < kTiny ? 0.0f : mi;
        vi = vi < kTiny ? 0.0f : vi;
        m[i] = mi;
        v[i] = vi;
        // m_hat = m_t / bc1 and v_hat = v_t / bc2 are not formed: PyTorch divides sqrt(v_t) by
        // sqrt(bc2) and folds 1 / bc1 into the step size, and the same order gives its bits.
        const float denom = std::sqrt(vi) / bc2_sqrt + eps;  // sqrt(v_hat) + eps
        params[i] -= step_size * mi / denom;  // theta -= lr m_hat / (sqrt(v_hat) + eps)
    }
}

void Adam::step(float* params, const float* grads) {
    ++t;
    // Bias corrections in double, as PyTorch computes them (Python floats).
    const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), static_cast<double>(t));
    const float step_size = static_cast<float>(cfg.lr / bc1);
    const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    parallel_for(
        static_cast<int>(m.size()),
        [&](int begin, int end) {
            adam_update(params, grads, m.data(), v.data(), begin, end, cfg.beta1, cfg.beta2,
                        cfg.eps, step_size, bc2_sqrt);
        },
        kMinElements);
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    // ||g||_2, summed in double (fast/reduce.h: in fixed blocks, the same for any thread count).
    const float norm = static_cast<float>(std::sqrt(fast::sum_of_squares(grads, n)));
    const float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t i = 0; i < n; ++i) grads[i] *= coef;
    return norm;
}

EMA::EMA(const float* params, size_t n, float m) : mu(m), shadow(params, params + n) {
    if (!(m > 0.0f && m <= 1.0f)) throw UsageError("EMA: mu must be in (0, 1]");
}

static void ema_update(float* shadow, const float* params, int begin, int end, float mu) {
    for (int i = begin; i < end; ++i) shadow[i] = mu * params[i] + (1.0f - mu) * shadow[i];
}

void EMA::update(const float* params) {
    parallel_for(
        static_cast<int>(shadow.size()),
        [&](int begin, int end) { ema_update(shadow.data(), params, begin, end, mu); },
        kMinElements);
}

}  // namespace ddpm
