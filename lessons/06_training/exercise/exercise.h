// Exercise 06: one AdamW step and gradient clipping (lesson 06, lib/nn/optim.cpp).
#pragma once
#include <cstddef>

namespace ex {

// One step of AdamW (Loshchilov & Hutter 2019) over n parameters, with PyTorch's arithmetic
// (torch.optim.AdamW): the weights decay first, apart from the gradient, then Adam's step. m and v
// are the moment estimates (updated in place); t is the number of this step (1 for the first).
//   p *= 1 - lr * weight_decay
//   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// With weight_decay = 0 it is the notebook's Adam.
void adamw_step(float* params, const float* grads, float* m, float* v, size_t n, long t, float lr,
                float beta1, float beta2, float eps, float weight_decay);

// PyTorch's clip_grad_norm_: norm = ||g||_2 over all n; if max_norm / (norm + 1e-6) < 1, scale
// every gradient by it. Returns the norm before clipping.
float clip_grad_norm(float* grads, size_t n, float max_norm);

}  // namespace ex
