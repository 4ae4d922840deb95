// Exercise 13: a guided sampling loop (lesson 13, lib/diffusion/guidance.h, lib/diffusion/sample.h,
// docs/theory.md §18).
#pragma once
#include <functional>

#include "core/rng.h"
#include "diffusion/schedule.h"

namespace ex {

// A noise predictor: eps (n, 2) at points x (n, 2) and step t. The network answers two ways: told
// the class (eps_cond) and told "no class" (eps_uncond).
using Eps = std::function<void(const float* x, int n, int t, float* eps)>;

// The whole reverse process of classifier-free guidance with weight w, from x_T (n, 2) in x down
// to x_0, in place: at every step t = T-1 ... 0, the two predictions mixed so that w = 0 is the
// unconditional model, w = 1 the conditional one, and larger w pushes further in the direction
// from the first to the second; then DDPM's Algorithm 2 step of lesson 07 (the posterior
// variance, no noise at t = 0), its noise drawn as rng.normal(), one value after another.
void guided_sample(float* x, int n, const Eps& eps_cond, const Eps& eps_uncond, float w,
                   const ddpm::Schedule& sched, ddpm::Rng& rng);

}  // namespace ex
