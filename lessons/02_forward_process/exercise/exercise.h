// Exercise 02: the forward process in one shot (lesson 02, lib/diffusion.cpp).
#pragma once
#include "schedule.h"

namespace ex {

// x_t = alphas_bar_sqrt[t] * x_0 + one_minus_alphas_bar_sqrt[t] * eps, each row b with its own
// t[b].
//   x_0 (B, 2), eps (B, 2), t (B,) -> x_t (B, 2)
void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B,
         const ddpm::Schedule& sched);

}  // namespace ex
