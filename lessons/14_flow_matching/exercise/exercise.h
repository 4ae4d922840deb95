// Exercise 14: the v parametrisation, and the exact velocity of flow matching (lesson 14,
// lib/diffusion/objective.h, lib/diffusion/flow.h, docs/theory.md §19 and §20).
#pragma once

#include "diffusion/schedule.h"

namespace ex {

// The v target at step t, for n_values values: with a = sqrt(abar_t), s = sqrt(1 - abar_t),
// x_t = a x_0 + s eps, the velocity is defined as v = a eps - s x_0.
void v_target(float* v, const float* x_0, const float* eps, int n_values, int t,
              const ddpm::Schedule& sched);

// The way back: given v and x_t at step t, the eps and the x_0 they imply. Derive it from the two
// definitions above (a^2 + s^2 = 1); no division is needed.
void eps_and_x0_from_v(float* eps, float* x0, const float* v, const float* x_t, int n_values, int t,
                       const ddpm::Schedule& sched);

// The velocity flow matching learns, in closed form for Gaussian data: with x_0 ~ N(m, C) in 2-D,
// eps ~ N(0, I) and the straight path x_tau = (1 - tau) x_0 + tau eps, the field
//   v*(x, tau) = E[eps - x_0 | x_tau = x]
// that carries N(0, I) at tau = 1 to the data at tau = 0. For n points x (n, 2) at one tau in
// (0, 1]: v (n, 2). (x_0 and eps are jointly Gaussian with x_tau: condition on it.)
void gaussian_flow_velocity(float* v, const float* x, int n, double tau, const double m[2],
                            const double C[2][2]);

}  // namespace ex
