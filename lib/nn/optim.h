// Optimisation: Adam, gradient clipping, and the exponential moving average of the weights.
// All three work on flat arrays of n floats (the model keeps its parameters in one vector).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aligned.h"

namespace ddpm {

struct AdamConfig {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
};

// Adam (Kingma & Ba 2015) with PyTorch's exact arithmetic (torch.optim.Adam, no weight decay):
//   m = beta1 m + (1 - beta1) g            v = beta2 v + (1 - beta2) g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// One difference: moments below 1e-30 are flushed to 0 (see optim.cpp: denormals are slow, and
// at that size they change no update).
class Adam {
public:
    Adam(size_t n, AdamConfig cfg = {});
    void step(float* params, const float* grads);  // one update of all n parameters

    AdamConfig cfg;
    int64_t t = 0;              // steps taken (the bias corrections use it)
    AlignedVector<float> m, v;  // first and second moment estimates
};

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

}  // namespace ddpm
