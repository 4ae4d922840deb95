// The reverse process p: sampling, from the notebook's p_sample and p_sample_loop
// (DDPM Algorithm 2, Eq. 11) to DDIM.
#pragma once
#include <algorithm>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/denoiser.h"
#include "diffusion/schedule.h"
#include "nn/model.h"

namespace ddpm {

// How the reverse process samples. The defaults are the notebook's.
struct SamplerOptions {
    // The variance of each reverse step: beta_t (the notebook's, DDPM's sigma^2 = beta_t) or the
    // posterior variance beta~_t = (1 - abar_{t-1}) / (1 - abar_t) * beta_t (DDPM Eq. 7).
    enum class Variance { beta, posterior } variance = Variance::beta;
    // Add noise at the last step (t = 0)? The notebook does (its quirk 6); Algorithm 2 does not.
    bool noise_at_last_step = true;
    // Clip the estimate of x_0? 0 (the notebook's, and for points) keeps Eq. 11 as written. c > 0
    // (pictures, lesson 15: 1, the data's range) estimates x_0 from eps (Eq. 4 solved for x_0),
    // clips it to [-c, c] and takes the posterior's mean (Eq. 7) from it: the same step as Eq. 11
    // wherever nothing is clipped, but a step that never leaves the data's range for long, so an
    // error of the network's cannot grow from step to step. (DDPM's own code does this.)
    float clip_x0 = 0.0f;

    // The two the course names: the notebook's (sigma^2 = beta_t, noise at every step: the
    // defaults) and DDPM's Algorithm 2 as written (sigma^2 = beta~_t, no noise at t = 0).
    static SamplerOptions notebook() { return {}; }
    static SamplerOptions algorithm2() { return {Variance::posterior, false}; }
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

// The reverse process's one loop, which every sampler goes through (p_sample_loop, DDIM, the ODE,
// flow matching's solvers): frame 0 of the trajectory is x_T (n, D); step k, k = 0 ... steps-1,
// starts from a copy of frame k and moves it in place, step(x, k), to frame k + 1. Returns the
// whole trajectory (steps + 1, n, D), x_T first and the sample last.
template <typename Step>
Tensor reverse_loop(const Tensor& x_T, int steps, Step step) {
    const size_t frame = x_T.size();
    Tensor seq({steps + 1, x_T.dim(0), x_T.dim(1)});
    std::copy(x_T.data(), x_T.data() + frame, seq.data());
    for (int k = 0; k < steps; ++k) {
        float* x = seq.data() + (k + 1) * frame;
        std::copy(x - frame, x, x);  // start from the frame before
        step(x, k);
    }
    return seq;
}

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
// (lib/likelihood/ode.h) is integrated on the same grid. Throws UsageError unless 1 <= S <= T.
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
