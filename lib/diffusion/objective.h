// What the network predicts (lesson 14). The same network, the same x_t, three targets:
//   eps                                           the noise (the notebook's, DDPM's)
//   x0                                            the clean point
//   v  = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0  the "velocity" (Salimans & Ho 2022)
// Since x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, any one of them and x_t give the others,
// so every DDPM sampler works with any of the three: it converts the output to eps first.
// The fourth, flow, is flow matching's velocity on another path (lib/diffusion/flow.h).
#pragma once
#include <string>

#include "diffusion/schedule.h"

namespace ddpm {

enum class Objective { eps = 0, x0 = 1, v = 2, flow = 3 };

const char* objective_name(Objective o);          // "eps", "x0", "v", "flow"
Objective parse_objective(const std::string& s);  // throws UsageError naming the four

// The target the network learns for a DDPM objective (eps, x0 or v), given the draws:
//   x_0 (B, D), eps (B, D), t (B,)  ->  target (B, D)
void objective_target(float* target, const float* x_0, const float* eps, const int* t, int B, int D,
                      const Schedule& sched, Objective o);

// The network's output at x_t and step t, turned into the eps it implies, for n_values values:
//   eps from x0:  eps = (x_t - sqrt(abar) x0) / sqrt(1 - abar)
//   eps from v:   eps = sqrt(1 - abar) x_t + sqrt(abar) v
void eps_from_output(float* eps, const float* out, const float* x_t, int n_values, int t,
                     const Schedule& sched, Objective o);

}  // namespace ddpm
