// Exercise 06: fill in adamw_step and clip_grad_norm. `make exercise` in lessons/06_training
// checks them.
#include <cmath>

#include "exercise.h"

namespace ex {

void adamw_step(float* params, const float* grads, float* m, float* v, size_t n, long t, float lr,
                float beta1, float beta2, float eps, float weight_decay) {
    // TODO: the decay, then the moments, then the step (see exercise.h)
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    // TODO
    return 0.0f;
}

}  // namespace ex
