// Exercise 07: one reverse step, p_sample (lesson 07, lib/diffusion.cpp).
#pragma once
#include "rng.h"
#include "schedule.h"

namespace ex {

// One step of the notebook's reverse process, in place, for n_values numbers (n points * 2),
// given the model's prediction eps (same layout):
//   x = (x - betas[t] / one_minus_alphas_bar_sqrt[t] * eps) / sqrt(1 - betas[t])
//       + sqrt(betas[t]) * z
// z ~ N(0, 1) drawn with rng.normal(), one per value in order. When `last_step_noise` is false
// and t == 0, add no noise (and draw none): DDPM's Algorithm 2.
void p_sample(float* x, const float* eps, int n_values, int t, const ddpm::Schedule& sched,
              ddpm::Rng& rng, bool last_step_noise);

}  // namespace ex
