// Solution to exercise 06: AdamW is the decay, then adam_update's lines for each parameter
// (lib/nn/optim.h); the bias corrections depend on t alone and are worked out once, in double, as
// PyTorch does. Clipping is a sum of squares in double, then one scale.
#include <cmath>

#include "exercise.h"

namespace ex {

void adamw_step(float* params, const float* grads, float* m, float* v, size_t n, long t, float lr,
                float beta1, float beta2, float eps, float weight_decay) {
    const float step_size = static_cast<float>(lr / (1.0 - std::pow(double(beta1), double(t))));
    const float bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(double(beta2), double(t))));
    const float decay = 1.0f - lr * weight_decay;
    for (size_t i = 0; i < n; ++i) {
        params[i] *= decay;
        m[i] = beta1 * m[i] + (1.0f - beta1) * grads[i];
        v[i] = beta2 * v[i] + (1.0f - beta2) * grads[i] * grads[i];
        const float denom = std::sqrt(v[i]) / bc2_sqrt + eps;
        params[i] -= step_size * m[i] / denom;
    }
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += static_cast<double>(grads[i]) * grads[i];
    const float norm = static_cast<float>(std::sqrt(sum));
    const float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t i = 0; i < n; ++i) grads[i] *= coef;
    return norm;
}

}  // namespace ex
