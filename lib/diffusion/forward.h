// The forward process q (DDPM Eq. 4) and the notebook's draws of training steps.
#pragma once
#include <cstddef>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/schedule.h"

namespace ddpm {

// q_x: the forward process in one shot (DDPM Eq. 4, reparameterised):
//   x_t = alphas_bar_sqrt[t] * x_0 + one_minus_alphas_bar_sqrt[t] * eps,   eps ~ N(0, I)
//   x_0 (n, 2) -> x_t (n, 2)
Tensor q_x(const Tensor& x_0, int t, const Schedule& sched, Rng& rng);

// The same with the noise and a step per row given, written into caller-owned buffers:
//   x_0 (B, D), eps (B, D), t (B,) -> x_t (B, D)
void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B, int D,
         const Schedule& sched);

// eps ~ N(0, I): n values, those that n calls of rng.normal() give one after another. The fast
// tier (fast/normal.h) draws the same values with their transforms on every thread.
void randn(float* eps, size_t n, Rng& rng);

// The notebook's antithetic steps: t = randint(0, T, B/2), then cat([t, T-1-t]), so each early
// step is paired with a late one and the batch's loss varies less. With an odd B the notebook's
// shapes disagree (its quirk 5); here the unpaired last sample draws its own step.
//   t (B,) <- steps in [0, T)
void antithetic_steps(int* t, int B, int T, Rng& rng);

}  // namespace ddpm
