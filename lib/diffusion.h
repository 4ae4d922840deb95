// Diffusion: the forward process q, the training loss, and the reverse process p (sampling).
#pragma once
#include <vector>

#include "model.h"
#include "rng.h"
#include "schedule.h"
#include "tensor.h"

namespace ddpm {

// q_x: the forward process in one shot (DDPM Eq. 4, reparameterised):
//   x_t = alphas_bar_sqrt[t] * x_0 + one_minus_alphas_bar_sqrt[t] * eps,   eps ~ N(0, I)
//   x_0 (n, 2) -> x_t (n, 2)
Tensor q_x(const Tensor& x_0, int t, const Schedule& sched, Rng& rng);

// The same with the noise and a step per row given, written into caller-owned buffers:
//   x_0 (B, D), eps (B, D), t (B,) -> x_t (B, D)
void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B, int D,
         const Schedule& sched);


// The notebook's antithetic steps: t = randint(0, T, B/2), then cat([t, T-1-t]), so each early
// step is paired with a late one and the batch's loss varies less. With an odd B the notebook's
// shapes disagree (its quirk 5); here the unpaired last sample draws its own step.
//   t (B,) <- steps in [0, T)
void antithetic_steps(int* t, int B, int T, Rng& rng);

// The buffers one batch of the loss needs, allocated once by reserve().
struct LossBuffers {
    std::vector<int> t;
    std::vector<float> eps, x_t, pred, dpred;
    void reserve(int B, int D);
};

// diffusion_loss_fn: the notebook's L_simple (DDPM Eq. 14).
//   t: antithetic steps;  eps ~ N(0, I);  x_t = q_x(x_0, t, eps)
//   loss = mean over the B*D entries of (eps - eps_theta(x_t, t))^2
// x_0 (B, D). With backward = true the loss's gradient is accumulated into model.grads.
// Draws t first, then eps, as the notebook does.
float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf, bool backward = true);

}  // namespace ddpm
