// The training loss: the notebook's diffusion_loss_fn, DDPM's L_simple (Eq. 14), for every
// objective, with or without labels. The notebook's is its first case: eps, no labels.
//   DDPM objectives:  t antithetic steps, eps ~ N(0, I), x_t = q_x(x_0, t, eps),
//                     target eps (the notebook's), x0 or v (objective_target, lesson 14)
//   flow:             tau antithetic times, eps ~ N(0, I), x_tau = (1 - tau) x_0 + tau eps,
//                     target eps - x_0 (flow_path, lesson 14)
//   labels:           copied, then dropped to "no class" with probability p_uncond (lesson 13)
//   loss = mean over the B*D entries of (target - network(x_t, time, c))^2
// The draws come in that order: the times, the noise, the label drops (the notebook draws its
// steps, then its noise).
#pragma once
#include <vector>

#include "core/rng.h"
#include "diffusion/objective.h"
#include "diffusion/schedule.h"
#include "nn/model.h"

namespace ddpm {

// What the loss trains: the objective, and the label dropout a model with classes needs.
struct LossSettings {
    Objective objective = Objective::eps;
    float p_uncond = 0.1f;  // read only when labels are given
};

// One batch's draws and values, allocated once by reserve() and kept for the backward.
struct LossBuffers {
    int n = 0;               // values in the last batch: B * D
    bool labelled = false;   // whether c holds the batch's labels
    std::vector<int> t;      // the DDPM steps (B,)
    std::vector<float> tau;  // or flow matching's times (B,)
    std::vector<float> s;    // and their positions among the step embeddings (B,)
    std::vector<int> c;      // the labels after dropout (B,)
    std::vector<float> eps, x_t, target, pred, dpred;  // (B, D) each
    void reserve(int B, int D);
};

// diffusion_loss_fn: draws the times, the noise and the label drops into buf, then returns
// diffusion_loss_given's loss. x_0 (B, D); labels (B,) or null for a model without classes.
float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf, const LossSettings& set = {},
                        const int* labels = nullptr);

// The loss with the draws already in buf (buf.t or buf.tau, buf.eps, and buf.c when
// buf.labelled): e.g. the notebook's own draws, read from the PyTorch oracle's fixture
// (tests/test_oracle.cpp).
float diffusion_loss_given(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                           LossBuffers& buf, const LossSettings& set = {});

// The notebook's loss.backward(): the gradient of the last loss, accumulated into model.grads
// (dL/d output by mse_backward against buf.target, then the model's backward).
void diffusion_loss_backward(MLPDiffusion& model, LossBuffers& buf);

}  // namespace ddpm
