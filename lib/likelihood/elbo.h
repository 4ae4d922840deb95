// The ELBO (DDPM Eq. 5), term by term, in nats per point (lesson 12; docs/theory.md derives it):
//
//   -log p(x_0) <= L_T + sum_{t=2}^{T} L_{t-1} + L_0
//   L_T     = KL( q(x_T | x_0) || N(0, I) )                              the prior's mismatch
//   L_{t-1} = E_q KL( q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t) )   each reverse step
//   L_0     = E_q [ -log N(x_0; mu_theta(x_1, 1), sigma_1^2 I) ]          the decoder
//
// In the notebook's numbering (steps t = 0 ... T-1, as the network sees them) DDPM's latent x_t
// is the notebook's step t - 1: its step t maps x(t) to x(t - 1) and its step 0 is the decoder.
// Each KL is between Gaussians, in closed form (gaussian_kl); the expectation over x_t is one draw
// per point per step. L_0 uses sigma^2 = betas[0] with either variance (the posterior variance is
// 0 there: a Gaussian decoder of zero width has no density).
#pragma once
#include <vector>

#include "diffusion/sample.h"
#include "likelihood/ode.h"

namespace ddpm {

// KL( N(m1, v1 I) || N(m2, v2 I) ) in D dimensions:
//   1/2 sum_d ( v1 / v2 - 1 + log(v2 / v1) + (m1_d - m2_d)^2 / v2 )
double gaussian_kl(const float* m1, double v1, const float* m2, double v2, int D);

struct ElboTerms {
    double prior = 0;           // L_T
    std::vector<double> steps;  // steps[t] for the notebook's t = 1 ... T-1 (steps[0] = 0)
    double decoder = 0;         // L_0
    double total() const;       // the bound on -log p(x_0), nats per point
};

// The terms averaged over the points x_0 (n, D), the model sampled with `opt`'s variance.
ElboTerms elbo(const MLPDiffusion& model, const Tensor& x_0, const Schedule& sched,
               const SamplerOptions& opt, Rng& rng);
// The same for any noise predictor (the exact one of Gaussian data, gaussian_field, checks the
// bound against the data's own entropy).
ElboTerms elbo(const NoiseField& eps_theta, const Tensor& x_0, const Schedule& sched,
               const SamplerOptions& opt, Rng& rng);

// Nats per point in D dimensions as bits per dimension.
double bits_per_dim(double nats, int D);

}  // namespace ddpm
