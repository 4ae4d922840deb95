// The training loss for any objective, with or without labels (lessons 13, 14): the notebook's
// L_simple (diffusion_loss_fn, lib/diffusion.h) with its target and its time generalised.
//   DDPM objectives:  t antithetic steps, eps ~ N(0, I), x_t = q_x(x_0, t, eps),
//                     target eps, x0 or v (objective_target)
//   flow:             tau antithetic times, eps ~ N(0, I), x_tau = (1 - tau) x_0 + tau eps,
//                     target eps - x_0 (flow_path)
//   labels:           copied, then dropped to "no class" with probability p_uncond
//   loss = mean over the B*D entries of (target - network(x_t, time, c))^2
// The draws come in that order: the times, the noise, the label drops.
#pragma once
#include "diffusion.h"
#include "objective.h"

namespace ddpm {

struct LossSettings {
    Objective objective = Objective::eps;
    float p_uncond = 0.1f;  // label dropout, read only when labels are given
};

// x_0 (B, D); labels (B,) or null for an unconditional model. Keeps its draws in buf.
float training_loss(MLPDiffusion& model, const float* x_0, const int* labels, int B,
                    const Schedule& sched, Rng& rng, LossBuffers& buf, const LossSettings& set);

// Its gradient, accumulated into model.grads: mse_backward against buf.target, then the model's
// backward.
void training_loss_backward(MLPDiffusion& model, LossBuffers& buf);

}  // namespace ddpm
