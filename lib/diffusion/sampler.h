// Every sampler by name: one value names a sampler and its settings, from one vocabulary that the
// command line, the page and lesson 10 all read, and one call runs it. Each
// sampler goes through the reverse process's one loop (reverse_loop, lib/diffusion/sample.h);
// what differs is its step:
//
//   notebook     p_sample (Eq. 11) with sigma^2 = beta_t and noise at every step: the notebook's
//   algorithm2   p_sample with sigma^2 = beta~_t and no noise at t = 0: DDPM's Algorithm 2
//   ddpm         p_sample with the variance and last-step noise given (the notebook's by default)
//   ddim         DDIM's Eq. 12 on a subsequence of the steps, eta of noise (lib/diffusion/sample.h)
//   ode          the probability-flow ODE by Heun's method (lib/diffusion/ode_sampler.h)
//   euler, heun  a flow-matching model's ODE (lib/diffusion/flow.h)
//
// ddim, ode, euler and heun may name their steps: "ddim20" is DDIM with 20 steps.
#pragma once
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/denoiser.h"
#include "diffusion/sample.h"
#include "diffusion/schedule.h"

namespace ddpm {

struct Sampler {
    enum class Kind { ddpm, ddim, ode, euler, heun } kind = Kind::ddpm;
    SamplerOptions ddpm;  // the ddpm kind's variance and last-step noise (the notebook's)
    int steps = 0;        // the other kinds' steps; 0 for the budget (sampler_steps)
    float eta = 0.0f;     // ddim's noise, in [0, 1]; 0 is deterministic
};

// The vocabulary's names, in the order help texts list them.
const std::vector<std::string>& sampler_names();

// A name of the vocabulary (above) as a Sampler. Throws UsageError naming the choices.
Sampler parse_sampler(const std::string& name);

// The name that parses back to s: "notebook", "algorithm2", "ddim20"; a ddpm sampler of other
// settings as "ddpm, posterior variance, last-step noise on".
std::string sampler_name(const Sampler& s);

// Whether the kind integrates a flow-matching model (euler, heun) rather than a DDPM one.
bool is_flow_sampler(const Sampler& s);

// The steps the sampler takes for a model of T steps: T for ddpm; else s.steps, or when that is 0
// one budget for all, T network calls: ddim and euler T steps of one call, ode and heun T / 2
// steps of two.
int sampler_steps(const Sampler& s, int T);

// Draws from x_T (n, D) with d: the whole trajectory (steps + 1, n, D), x_T first. Throws
// UsageError when the sampler does not suit what d's network predicts (flow matching's velocity
// is integrated by euler or heun; every other objective samples with ddpm, ddim or ode).
Tensor sample(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
              const Sampler& s);

}  // namespace ddpm
