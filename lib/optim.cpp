#include "optim.h"

#include <cmath>

#include "error.h"

namespace ddpm {

Adam::Adam(size_t n, AdamConfig c) : cfg(c), m(n, 0.0f), v(n, 0.0f) {
    if (!(c.lr > 0 && std::isfinite(c.lr))) throw UsageError("Adam: lr must be a positive number");
}

void Adam::step(float* params, const float* grads) {
    ++t;
    // Bias corrections in double, as PyTorch computes them (Python floats).
    const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), static_cast<double>(t));
    const float step_size = static_cast<float>(cfg.lr / bc1);
    const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    const float b1 = cfg.beta1, b2 = cfg.beta2;
    for (size_t i = 0; i < m.size(); ++i) {
        const float g = grads[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        const float denom = std::sqrt(v[i]) / bc2_sqrt + cfg.eps;
        params[i] -= step_size * m[i] / denom;
    }
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    double sq = 0;
    for (size_t i = 0; i < n; ++i) sq += static_cast<double>(grads[i]) * grads[i];
    const float norm = static_cast<float>(std::sqrt(sq));
    const float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t i = 0; i < n; ++i) grads[i] *= coef;
    return norm;
}

EMA::EMA(const float* params, size_t n, float m) : mu(m), shadow(params, params + n) {
    if (!(m > 0.0f && m <= 1.0f)) throw UsageError("EMA: mu must be in (0, 1]");
}

void EMA::update(const float* params) {
    for (size_t i = 0; i < shadow.size(); ++i)
        shadow[i] = mu * params[i] + (1.0f - mu) * shadow[i];
}

}  // namespace ddpm
