// The network as the samplers ask it: whatever it was trained to predict (lesson 14), for a
// class and with a guidance weight (lesson 13). The notebook's model is Denoiser{&model}: eps, no
// class, and its one pass is exactly fast::predict_noise's.
#pragma once
#include "diffusion/objective.h"
#include "diffusion/schedule.h"
#include "nn/model.h"

namespace ddpm {

struct Denoiser {
    const MLPDiffusion* model = nullptr;
    Objective objective = Objective::eps;
    int label = -1;         // the class to sample, in [0, num_classes); -1 for none
    float guidance = 1.0f;  // w of classifier-free guidance (lib/diffusion/guidance.h)
};

// The network's output at points x (n, D) and the time in `time` (its t or its s; its c is not
// read): one pass with the label (or none); with a label and w != 1, also one with "no class",
// mixed by guide(). out (n, D).
void denoiser_output(const Denoiser& d, float* out, const float* x, const Conditioning& time,
                     int n);

// eps at step t for n points, the output converted from the objective (eps_from_output).
void predict_eps(const Denoiser& d, float* eps, const float* x, int t, int n,
                 const Schedule& sched);

// Network evaluations a call of denoiser_output costs: 2 when guidance mixes two passes.
int evaluations_per_call(const Denoiser& d);

}  // namespace ddpm
