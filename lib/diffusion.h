// Diffusion: the forward process q, the training loss, and the reverse process p (sampling).
#pragma once
#include "rng.h"
#include "schedule.h"
#include "tensor.h"

namespace ddpm {

// q_x: the forward process in one shot (DDPM Eq. 4, reparameterised):
//   x_t = alphas_bar_sqrt[t] * x_0 + one_minus_alphas_bar_sqrt[t] * eps,   eps ~ N(0, I)
//   x_0 (n, 2) -> x_t (n, 2)
Tensor q_x(const Tensor& x_0, int t, const Schedule& sched, Rng& rng);

// The same with the noise and a step per row given, written into caller-owned buffers:
//   x_0 (B, D), eps (B, D), t (B,) -> x_t (B, D)
void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B, int D,
         const Schedule& sched);

}  // namespace ddpm
