// Exercise 14: the v parametrisation and one step of Heun's method (lesson 14, lib/objective.h,
// lib/flow.h, docs/theory.md).
#pragma once
#include <functional>

#include "schedule.h"

namespace ex {

// The v target at step t, for n_values values:  v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0
void v_target(float* v, const float* x_0, const float* eps, int n_values, int t,
              const ddpm::Schedule& sched);

// Back from a v and its x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps to the eps and the x_0
// they imply (each a rotation of (x_t, v) by the same angle).
void eps_and_x0_from_v(float* eps, float* x0, const float* v, const float* x_t, int n_values, int t,
                       const ddpm::Schedule& sched);

// A velocity field: v (n_values) at x (n_values) and time tau.
using Field = std::function<void(const float* x, float tau, float* v)>;

// One step of Heun's method for dx/dtau = field(x, tau), from tau to tau_next, x in place:
//   x~ = x + h v(x, tau),   x <- x + h (v(x, tau) + v(x~, tau_next)) / 2,   h = tau_next - tau
void heun_step(float* x, int n_values, float tau, float tau_next, const Field& field);

}  // namespace ex
