// Exercise 05: the loss with antithetic steps (lesson 05, lib/diffusion.cpp).
#pragma once
#include "model.h"
#include "rng.h"
#include "schedule.h"

namespace ex {

// t (B,): the first B/2 drawn with rng.randint(T), the next B/2 are T-1 minus those; with an odd
// B the last sample draws its own step (rng.randint(T), after the first half).
void antithetic_steps(int* t, int B, int T, ddpm::Rng& rng);

// L_simple for the batch x_0 (B, 2): steps from antithetic_steps, then eps ~ N(0, I) drawn with
// rng.normal() row by row, x_t = q_x(x_0, t, eps), and the mean over the B*2 values of
// (eps - model(x_t, t))^2. (Draw in this order, t then eps, so the result can be checked.)
float diffusion_loss(ddpm::MLPDiffusion& model, const float* x_0, int B,
                     const ddpm::Schedule& sched, ddpm::Rng& rng);

}  // namespace ex
