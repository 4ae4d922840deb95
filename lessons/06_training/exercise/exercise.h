// Exercise 06: one Adam step and gradient clipping (lesson 06, lib/optim.cpp).
#pragma once
#include <cstddef>

namespace ex {

// One Adam step over n parameters with PyTorch's arithmetic. m and v are the moment estimates
// (updated in place); t is the number of this step (1 for the first).
//   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
void adam_step(float* params, const float* grads, float* m, float* v, size_t n, long t, float lr,
               float beta1, float beta2, float eps);

// PyTorch's clip_grad_norm_: norm = ||g||_2 over all n; if max_norm / (norm + 1e-6) < 1, scale
// every gradient by it. Returns the norm before clipping.
float clip_grad_norm(float* grads, size_t n, float max_norm);

}  // namespace ex
