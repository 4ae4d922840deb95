// Exercise 12: the two pieces of the ELBO's step terms (lesson 12, lib/elbo.h, docs/theory.md).
#pragma once
#include "schedule.h"

namespace ex {

// The KL divergence between two Gaussians with diagonal covariances, in D dimensions (the
// library's gaussian_kl takes one variance for all dimensions):
//   KL( N(m1, diag v1) || N(m2, diag v2) )
//     = 1/2 sum_d ( v1_d / v2_d - 1 + log(v2_d / v1_d) + (m1_d - m2_d)^2 / v2_d )
double kl_diagonal(const double* m1, const double* v1, const double* m2, const double* v2, int D);

// DDPM's Eq. 12: with x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, the KL of the notebook's
// step t (t >= 1) between the posterior q(x_{t-1} | x_t, x_0) and the model's step of variance
// sigma2 is lambda_t |eps - eps_theta|^2 plus a constant that no weight changes, with
//   lambda_t = beta_t^2 / (2 sigma2 alpha_t (1 - abar_t)).
// (L_simple drops lambda_t: every step weighs 1.) The schedule's arrays are float; compute in
// double.
double elbo_weight(const ddpm::Schedule& sched, int t, double sigma2);

}  // namespace ex
