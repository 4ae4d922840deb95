// The probability-flow ODE (lesson 12): the reverse process's deterministic twin, DDIM as its
// discretisation, and the model's exact log-likelihood through it.
//
// In the variables xbar = x / sqrt(abar) and sigma = sqrt((1 - abar) / abar) the forward process
// is xbar = x_0 + sigma eps, and the ODE that carries q(x_0) to every q(x_t) is
//   d xbar / d sigma = eps(x, t),    x = xbar / sqrt(1 + sigma^2)          (DDIM's Eq. 14)
// Its Euler steps between the schedule's steps are DDIM with eta = 0. Here it is integrated by
// Heun's method (the trapezoid rule) on DDIM's grid of S steps, tau_i = floor(i T / S), with the
// data at sigma = 0 (the field there is step tau_0's).
//
// Along the path the density changes by the field's divergence (the instantaneous change of
// variables, FFJORD):
//   d/dsigma log p(xbar(sigma)) = -div_xbar eps = -tr(d eps / d x) / sqrt(1 + sigma^2)
// so, with the prior the sampler starts from, x_T ~ N(0, I) at the grid's last step:
//   log p(x_0) = log N(x_T; 0, I) + D log sqrt(abar_top) + integral of div_xbar eps d sigma
// The 2 x 2 divergence is exact from the network's input Jacobian (two backward passes), or
// Hutchinson's estimate v^T J v with v of random signs (one pass; unbiased, noisy).
#pragma once
#include <functional>
#include <vector>

#include "model.h"
#include "rng.h"
#include "schedule.h"
#include "tensor.h"

namespace ddpm {

// A noise field: eps (n, D) at points x (n, D) and step t; and, when `divergence` is not null,
// tr(d eps / d x) at each point (n).
using NoiseField =
    std::function<void(const float* x, int n, int t, float* eps, double* divergence)>;

enum class Divergence { exact, hutchinson };

// The network as a field. Exact: backward with dout = e_0, then e_1, each giving a row of the
// Jacobian at every point. Hutchinson: one backward with dout = v, v_d = +-1 from rng. The model is
// used for its forward and backward buffers, so it cannot be shared between threads.
NoiseField network_field(MLPDiffusion& model, Divergence how = Divergence::exact,
                         Rng* rng = nullptr);

// The exact eps of Gaussian data N(mean, cov) in 2-D: q(x_t) = N(a mean, a^2 cov + s^2 I), so
// eps* = s (a^2 cov + s^2 I)^-1 (x - a mean) and its divergence s tr((a^2 cov + s^2 I)^-1). The
// tests and lesson 12 check the ODE against it.
NoiseField gaussian_field(const double mean[2], const double cov[2][2], const Schedule& sched);

// x_T -> x_0: S Heun steps down the grid from tau_{S-1}, the last one to sigma = 0. Returns the
// trajectory (S + 1, n, D), x_T first, as the other samplers do.
Tensor ode_sample(const NoiseField& eps, const Tensor& x_T, const Schedule& sched, int S);

// x_0 -> x_T up the same grid (the deterministic encoding), and each point's log p(x_0) in nats,
// with the divergence integrated by the trapezoid rule at Heun's evaluation points (in log sigma
// above the first step: ode.cpp says why).
struct OdeEncoding {
    Tensor x_T;
    std::vector<double> log_p;
};
OdeEncoding ode_encode(const NoiseField& eps, const Tensor& x_0, const Schedule& sched, int S);

}  // namespace ddpm
