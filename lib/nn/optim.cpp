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
static void adam_range(float* params, const float* grads, float* m, float* v, int begin, int end,
                       AdamStep s) {
    for (int i = begin; i < end; ++i) adam_update(params[i], m[i], v[i], grads[i], s);
}

AdamStep Adam::next_step() {
    ++t;
    // Bias corrections in double, as PyTorch computes them (Python floats).
    const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), static_cast<double>(t));
    return AdamStep{cfg.beta1, cfg.beta2, cfg.eps, static_cast<float>(cfg.lr / bc1),
                    static_cast<float>(std::sqrt(bc2))};
}

void Adam::step(float* params, const float* grads) {
    const AdamStep s = next_step();
    parallel_for(
        static_cast<int>(m.size()),
        [&](int begin, int end) { adam_range(params, grads, m.data(), v.data(), begin, end, s); },
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

static void ema_range(float* shadow, const float* params, int begin, int end, float mu) {
    for (int i = begin; i < end; ++i) ema_update(shadow[i], params[i], mu);
}

void EMA::update(const float* params) {
    parallel_for(
        static_cast<int>(shadow.size()),
        [&](int begin, int end) { ema_range(shadow.data(), params, begin, end, mu); },
        kMinElements);
}

}  // namespace ddpm
