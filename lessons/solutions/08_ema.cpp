// Solution to exercise 08: the decay is one line; the update is ema_update's line
// (lib/nn/optim.h) with that decay; the correction divides by the share 1 - d^steps.
#include <algorithm>
#include <cmath>

#include "exercise.h"

namespace ex {

double warmup_decay(long step, double max_decay) {
    return std::min(max_decay, (1.0 + step) / (10.0 + step));
}

void ema_update_warmup(float* shadow, const float* params, size_t n, long step, double max_decay) {
    const float d = static_cast<float>(warmup_decay(step, max_decay));
    for (size_t i = 0; i < n; ++i) shadow[i] = d * shadow[i] + (1.0f - d) * params[i];
}

void ema_debiased(float* out, const float* shadow, size_t n, double decay, long steps) {
    const double share = 1.0 - std::pow(decay, static_cast<double>(steps));
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(shadow[i] / share);
}

}  // namespace ex
