// Exercise 12: the two pieces of the ODE's likelihood (lesson 12, lib/likelihood/ode.h,
// docs/theory.md §17): the change of log-density of one step of the ODE sampler, and Hutchinson's
// estimate of a divergence.
#pragma once
#include <functional>

#include "core/rng.h"

namespace ex {

// A 2-D field at one node of the sampler's grid: its value f (2) at the point y (2), and its
// Jacobian J (2 x 2, row-major: J[2 i + j] = d f_i / d y_j).
using Field = std::function<void(const double* y, double* f, double* J)>;

// One step of Heun's method with step h, from a node whose field is f_a to the next, f_b:
//   y~ = y + h f_a(y),    y' = y + h/2 (f_a(y) + f_b(y~))
// y (2) is updated in place. Returns log |det(d y' / d y)|, the step's change of log-density
// (with it the sampler is a normalising flow: log p(y) = log p(y') + log |det|). The Jacobian of
// the step is yours to derive from the two fields' Jacobians, and y~ depends on y too.
double heun_step_logdet(double* y, double h, const Field& f_a, const Field& f_b);

// A map's vector-Jacobian product at a fixed point: J^T v (2) for a vector v (2), what one
// backward pass of a network gives.
using VectorJacobian = std::function<void(const double* v, double* jt_v)>;

// Hutchinson's estimate of the trace of J (the divergence) from `draws` random sign vectors v,
// each v_d = -1 or +1 with probability 1/2: the mean over the draws of an unbiased one-draw
// estimate built from J^T v. Draw the signs as rng.uniform() < 0.5 ? -1 : +1, v_0 then v_1, draw
// after draw.
double hutchinson_trace(const VectorJacobian& jt_v, int draws, ddpm::Rng& rng);

}  // namespace ex
