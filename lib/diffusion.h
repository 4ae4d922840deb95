// Diffusion: the forward process q, the training loss, and the reverse process p (sampling).
#pragma once
#include <vector>

#include "denoiser.h"
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
    int n = 0;  // values in the last batch: B * D
    std::vector<int> t;
    std::vector<float> eps, x_t, pred, dpred;
    // What training_loss (lib/training_loss.h) adds: the objective's target, flow matching's
    // times and their positions, the labels after dropout.
    std::vector<float> target, tau, s;
    std::vector<int> c;
    void reserve(int B, int D);
};

// diffusion_loss_fn: the notebook's L_simple (DDPM Eq. 14), the forward pass.
//   t: antithetic steps;  eps ~ N(0, I);  x_t = q_x(x_0, t, eps)
//   loss = mean over the B*D entries of (eps - eps_theta(x_t, t))^2
// x_0 (B, D). Draws t first, then eps, as the notebook does; keeps them in buf for the backward.
float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf);
// The same loss with the steps and the noise already drawn: buf.t (B,) and buf.eps (B, D), e.g.
// the notebook's own draws, read from the PyTorch oracle's fixture (tests/test_oracle.cpp).
float diffusion_loss_given(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                           LossBuffers& buf);

// The notebook's loss.backward(): the gradient of the last diffusion_loss_fn, accumulated into
// model.grads (dL/d eps_theta by mse_backward, then the model's backward).
void diffusion_loss_backward(MLPDiffusion& model, LossBuffers& buf);

// How the reverse process samples. The defaults are the notebook's.
struct SamplerOptions {
    // The variance of each reverse step: beta_t (the notebook's, DDPM's sigma^2 = beta_t) or the
    // posterior variance beta~_t = (1 - abar_{t-1}) / (1 - abar_t) * beta_t (DDPM Eq. 7).
    enum class Variance { beta, posterior } variance = Variance::beta;
    // Add noise at the last step (t = 0)? The notebook does (its quirk 6); Algorithm 2 does not.
    bool noise_at_last_step = true;
};

// p_sample: one reverse step from x_t to x_{t-1}, for n points in place (DDPM Algorithm 2, Eq. 11):
//   eps  = eps_theta(x_t, t)
//   mean = (x_t - betas[t] / one_minus_alphas_bar_sqrt[t] * eps) / sqrt(1 - betas[t])
//   x    = mean + sigma_t * z,   z ~ N(0, I), drawn one value after another
// with no z at t = 0 when the options say so. x (n, D); eps is caller-owned scratch of n * D
// values; t_buf of n ints. The model predicts the n points in blocks on the pool's threads
// (lib/fast/predict.h), with the same bits as one forward pass.
void p_sample(const MLPDiffusion& model, float* x, int n, int t, const Schedule& sched, Rng& rng,
              const SamplerOptions& opt, float* eps, int* t_buf);
// Eq. 11's arithmetic alone, given the prediction eps (n_values of it): x in place. p_sample is the
// model's prediction, then this; a sampler driven by another predictor (the ideal denoiser,
// lesson 11) calls it directly.
void p_step(float* x, const float* eps, int n_values, int t, const Schedule& sched, Rng& rng,
            const SamplerOptions& opt);
// The same step with the noise given: z (n, D), not read when the step adds none.
void p_sample(const MLPDiffusion& model, float* x, int n, int t, const Schedule& sched,
              const float* z, const SamplerOptions& opt, float* eps, int* t_buf);

// The same step asking a Denoiser (another objective, a class, guidance: lessons 13, 14).
void p_sample(const Denoiser& d, float* x, int n, int t, const Schedule& sched, Rng& rng,
              const SamplerOptions& opt, float* eps);

// p_sample_loop: from x_T down to x_0, t = T-1 ... 0. Returns the whole trajectory
// (T + 1, n, D): frame 0 is x_T, frame T is the final sample x_0, as the notebook's x_seq.
// The first form starts from x_T ~ N(0, I), as the notebook does; the second from a given x_T.
Tensor p_sample_loop(const MLPDiffusion& model, int n, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt = {});
Tensor p_sample_loop(const MLPDiffusion& model, const Tensor& x_T, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt = {});
Tensor p_sample_loop(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
                     const SamplerOptions& opt = {});

// DDIM's subsequence of S steps, tau_i = floor(i T / S) for i = 0 ... S-1; the ODE of lesson 12
// (lib/ode.h) is integrated on the same grid. Throws UsageError unless 1 <= S <= T.
std::vector<int> ddim_steps(int T, int S);

// DDIM (Song et al. 2020): S steps on the evenly spaced subsequence tau_i = floor(i T / S),
//   x0_pred = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
//   x_prev  = sqrt(abar_prev) x0_pred + sqrt(1 - abar_prev - sigma^2) eps + sigma z      (Eq. 12)
//   sigma   = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev)        (Eq. 16)
// eta = 0 is deterministic given x_T; eta = 1 with S = T is DDPM with the posterior variance.
// Returns the trajectory (S + 1, n, D), x_T first.
Tensor ddim_sample_loop(const MLPDiffusion& model, const Tensor& x_T, const Schedule& sched,
                        Rng& rng, int S, float eta);
Tensor ddim_sample_loop(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
                        int S, float eta);

// n points of N(0, I) in D dimensions: the prior the samplers start from.
Tensor randn(int n, int D, Rng& rng);

}  // namespace ddpm
