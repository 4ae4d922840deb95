// Solution to exercise 06: the library's Adam and clip_grad_norm (lib/optim.cpp).
#include <algorithm>

#include "exercise.h"
#include "optim.h"

namespace ex {

void adam_step(float* params, const float* grads, float* m, float* v, size_t n, long t, float lr,
               float beta1, float beta2, float eps) {
    ddpm::Adam adam(n, ddpm::AdamConfig{lr, beta1, beta2, eps});
    adam.t = t - 1;  // Adam::step counts this step itself
    std::copy(m, m + n, adam.m.begin());
    std::copy(v, v + n, adam.v.begin());
    adam.step(params, grads);
    std::copy(adam.m.begin(), adam.m.end(), m);
    std::copy(adam.v.begin(), adam.v.end(), v);
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    return ddpm::clip_grad_norm(grads, n, max_norm);
}

}  // namespace ex
