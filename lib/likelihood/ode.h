// The model's log-likelihood through the probability-flow ODE (lesson 12). The ODE and its
// sampler, ode_sample, are in lib/diffusion/ode_sampler.h; the steps inverted here are its. Two
// ways:
// - Exact, of the sampler itself (ode_encode). Each Heun step is an invertible map of the plane,
//   y -> y + h/2 (f(y) + f(y + h f(y))), whose 2 x 2 Jacobian I + h/2 (A + B (I + h A)) comes from
//   the network's own input Jacobians A and B. The S steps are a discrete normalising flow: with
//   x_T the point the sampler maps to x_0 (found by inverting each step, Newton's method),
//     log p(x_0) = log p_T(x_T) - sum over the steps of log |det J_step|
//   the density of exactly what `ode_sample` draws, at any S. Its mean over data can never be
//   below the data's entropy (cross-entropy >= entropy), and it integrates to 1.
// - The continuous-time estimate the papers use (ode_encode_integral; FFJORD, Song et al. 2021):
//     log p(x_0) = log p_T(x_T) + D log sqrt(abar_T) + integral of div_xbar eps d sigma
//   with the divergence integrated by the trapezoid rule along S steps up the grid. It is the
//   limit of the exact one as S grows, and at finite S a quadrature with a bias of either sign
//   (lesson 12 measures it). The 2 x 2 divergence is exact from the Jacobian, or Hutchinson's
//   estimate v^T J v with v of random signs (one backward pass; unbiased, noisy).
// Both are written for 2-D points, the course's data.
#pragma once
#include <functional>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/denoiser.h"
#include "diffusion/flow.h"
#include "diffusion/ode_sampler.h"
#include "diffusion/schedule.h"

namespace ddpm {

enum class Divergence { exact, hutchinson };

// A denoiser (any DDPM objective: its output is turned into eps, lib/diffusion/objective.h) as a
// field. The Jacobian takes one backward pass a dimension (dout = e_j gives row j); Hutchinson's
// divergence one, with dout = v, v_d = +-1 from rng (and no Jacobian). The field keeps its own copy
// of the model for the passes' buffers.
NoiseField network_field(const Denoiser& d, const Schedule& sched,
                         Divergence how = Divergence::exact, Rng* rng = nullptr);

// The exact eps of Gaussian data N(mean, cov) in 2-D: q(x_t) = N(a mean, a^2 cov + s^2 I), so
// eps* = s (a^2 cov + s^2 I)^-1 (x - a mean), its Jacobian s (a^2 cov + s^2 I)^-1. The tests and
// lesson 12 check the ODE against it.
NoiseField gaussian_field(const double mean[2], const double cov[2][2], const Schedule& sched);

// The distribution x_T is drawn from: N(0, I), as the notebook samples, or the matched prior, the
// Gaussian with q(x_T)'s own mean and covariance (a m and a^2 C + s^2 I for data of mean m and
// covariance C, a = sqrt(abar_T), s^2 = 1 - abar_T): lesson 07's prior mismatch removed.
struct Prior {
    double mean[2] = {0, 0};
    double cov[2][2] = {{1, 0}, {0, 1}};
};
Prior standard_prior();
Prior matched_prior(const Tensor& data, const Schedule& sched);
Tensor sample_prior(const Prior& prior, int n, Rng& rng);  // (n, 2)
double prior_log_density(const Prior& prior, double x, double y);

// x_0 -> x_T, each point's log-likelihood in nats, and for each step of the exact one how many
// Newton iterations its inversion took at most.
struct OdeEncoding {
    Tensor x_T;                 // (n, D)
    std::vector<double> log_p;  // (n,)
    int newton_iterations = 0;  // the most any step needed (the exact encoding)
};

// The exact inverse of ode_sample(eps, ., sched, S): the x_T it maps to each x_0 (to float
// rounding), and the exact log p(x_0) of its samples when x_T ~ prior. Throws Error where a step
// cannot be inverted (the map folds: too few steps for the field).
OdeEncoding ode_encode(const NoiseField& eps, const Tensor& x_0, const Schedule& sched, int S,
                       const Prior& prior = {});

// The continuous-time estimate: Heun's steps up the grid (an approximate inverse of the sampler),
// log p by the trapezoid rule over the divergence at the evaluation points (in log sigma above
// the first step: ode.cpp says why). Any field that gives the divergence, Hutchinson's too.
OdeEncoding ode_encode_integral(const NoiseField& eps, const Tensor& x_0, const Schedule& sched,
                                int S, const Prior& prior = {});

// A flow-matching model's ODE (lib/diffusion/flow.h) the same way: the exact inverse of
// flow_sample_loop(d, ., steps, solver, rho) and the exact log p(x_0) of its samples from
// x_1 ~ N(0, I).
OdeEncoding flow_encode(const Denoiser& d, const Tensor& x_0, int steps, FlowSolver solver,
                        float rho = kFlowGridPower);

}  // namespace ddpm
