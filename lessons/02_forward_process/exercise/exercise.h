// Exercise 02: the forward process in one shot, and the posterior it implies (lesson 02,
// lib/diffusion/forward.cpp; DDPM Eqs. 4, 6 and 7).
#pragma once
#include "diffusion/schedule.h"

namespace ex {

// x_t = alphas_bar_sqrt[t] * x_0 + one_minus_alphas_bar_sqrt[t] * eps, each row b with its own
// t[b].
//   x_0 (B, 2), eps (B, 2), t (B,) -> x_t (B, 2)
void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B,
         const ddpm::Schedule& sched);

// The mean of q(x_{t-1} | x_t, x_0), the step back when x_0 is known (DDPM Eq. 7), each row with
// its own t[b]. With abar_{t-1} = alphas_prod_p[t] (1 at t = 0):
//   mean = sqrt(abar_{t-1}) beta_t / (1 - abar_t) * x_0
//        + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) * x_t
// Near t = 0, abar is 0.99997 and 1 - alphas_prod[t] in float keeps few digits: take 1 - abar_t
// as one_minus_alphas_bar_sqrt[t]^2 (computed in double before rounding), and 1 - abar_{t-1} as
// one_minus_alphas_bar_sqrt[t-1]^2 (0 at t = 0).
//   x_t (B, 2), x_0 (B, 2), t (B,) -> mean (B, 2)
void q_posterior_mean(float* mean, const float* x_t, const float* x_0, const int* t, int B,
                      const ddpm::Schedule& sched);

}  // namespace ex
