// Exercise 07: one reverse step with either variance DDPM names, the notebook's and Algorithm 2's
// with the posterior variance (lesson 07, lib/diffusion/sample.cpp; DDPM Sec. 3.2, Eqs. 7 and 11).
#pragma once
#include "core/rng.h"
#include "diffusion/schedule.h"

namespace ex {

// The variance beta~_t of q(x_{t-1} | x_t, x_0) (DDPM Eq. 7), with abar_{t-1} = alphas_prod_p[t]:
//   beta~_t = (1 - abar_{t-1}) / (1 - abar_t) * beta_t          (0 at t = 0)
// Take each 1 - abar as a square of one_minus_alphas_bar_sqrt (exercise 02 says why).
double posterior_variance(int t, const ddpm::Schedule& sched);

// Which sigma_t^2 the reverse step adds: DDPM Sec. 3.2 found both work equally well.
//   beta       the notebook's: sigma_t^2 = beta_t, at every step, t = 0 included (its quirk)
//   posterior  Algorithm 2 with sigma_t^2 = beta~_t, which is 0 at t = 0
enum class Sigma { beta, posterior };

// One step of the reverse process, in place, for n_values numbers (n points * 2), given the
// model's prediction eps (same layout):
//   x = (x - betas[t] / one_minus_alphas_bar_sqrt[t] * eps) / sqrt(1 - betas[t]) + sigma_t z
// z ~ N(0, 1) drawn with rng.normal(), one per value in order, and only when sigma_t > 0: a draw
// that is thrown away would shift the noise of every later step.
void p_sample(float* x, const float* eps, int n_values, int t, const ddpm::Schedule& sched,
              ddpm::Rng& rng, Sigma sigma);

}  // namespace ex
