// The probability-flow ODE as a sampler (lesson 12): the reverse process's deterministic twin.
//
// In the variables xbar = x / sqrt(abar) and sigma = sqrt((1 - abar) / abar) the forward process
// is xbar = x_0 + sigma eps, and the ODE that carries q(x_0) to every q(x_t) is
//   d xbar / d sigma = eps(x, t),    x = xbar / sqrt(1 + sigma^2)          (DDIM's Eq. 14)
// Its Euler steps between the schedule's steps are DDIM with eta = 0. Here it is integrated by
// Heun's method (the trapezoid rule) on DDIM's grid of S steps, tau_i = floor(i T / S), with the
// data at sigma = 0 (the field there is step tau_0's).
//
// The steps are written once, as a chain of maps of the plane with their Jacobians, because the
// likelihood (lib/likelihood/ode.h) inverts exactly these steps; flow matching's ODE
// (lib/diffusion/flow.h) is encoded through the same chain.
#pragma once
#include <functional>
#include <vector>

#include "core/tensor.h"
#include "diffusion/schedule.h"

namespace ddpm {

// A noise field: eps (n, D) at points x (n, D) and step t; when `jacobian` is not null, also
// d eps / d x at each point (n, D, D), row-major: jacobian[(p D + i) D + j] = d eps_i / d x_j;
// when `divergence` is not null, its trace at each point (n).
using NoiseField = std::function<void(const float* x, int n, int t, float* eps, double* jacobian,
                                      double* divergence)>;

// ---- The sampler as a chain of invertible maps ----------------------------------------------
//
// An ODE dy/ds = f(y, s) on a grid of nodes s_0 (the data) < s_1 < ... < s_S (the prior). The
// sampler steps down, from node k to node k - 1 with h = s_{k-1} - s_k < 0:
//   Euler:  y' = y + h f_k(y)
//   Heun:   y~ = y + h f_k(y);   y' = y + h/2 (f_k(y) + f_{k-1}(y~))
// Its Jacobian, with A = f_k'(y) and B = f_{k-1}'(y~) (the chain rule through y~ = y + h f_k(y)):
//   Euler:  I + h A                Heun:  I + h/2 (A + B (I + h A))

// The velocity at node k: f (n, 2) at y (n, 2), and with jac its Jacobian d f / d y (n, 2, 2).
using GridVelocity = std::function<void(const std::vector<double>& y, int n, int k,
                                        std::vector<double>& f, std::vector<double>* jac)>;

struct OdeGrid {
    GridVelocity f;
    std::vector<double> s;  // the nodes, s_0 < ... < s_S
    bool heun = true;
};

// 2 x 2 matrices, row-major, at a point.
struct Mat2 {
    double a, b, c, d;
};
Mat2 mat_at(const std::vector<double>& jac, int p);  // point p's of jac (n, 2, 2)
Mat2 mul(const Mat2& x, const Mat2& y);

// One step down from node k at the points y (n, 2): the points it reaches, and with `jac` the
// step's Jacobian at each point (n, 2, 2).
void step_down(const OdeGrid& g, int k, const std::vector<double>& y, int n,
               std::vector<double>& out, std::vector<double>* jac);

// ---- The probability-flow ODE of a DDPM model, in (sigma, xbar) -----------------------------

// One point of the grid: its sigma, and the step whose field is used there.
struct Node {
    double sigma;
    int t;
};

// The grid from the data up: sigma = 0 (with tau_0's field), then each tau_i.
std::vector<Node> nodes(const Schedule& sched, int S);

// The ODE d xbar / d sigma = eps(xbar / sqrt(1 + sigma^2), t) as a grid: its velocity in xbar,
// and its Jacobian in xbar, d eps / d x times d x / d xbar = 1 / sqrt(1 + sigma^2). The grid
// refers to eps, which must outlive it.
OdeGrid ddpm_grid(const NoiseField& eps, const std::vector<Node>& grid);

// x_T -> x_0: S Heun steps down the grid from tau_{S-1}, the last one to sigma = 0. Returns the
// trajectory (S + 1, n, D), x_T first, as the other samplers do. 2-D points.
Tensor ode_sample(const NoiseField& eps, const Tensor& x_T, const Schedule& sched, int S);

}  // namespace ddpm
