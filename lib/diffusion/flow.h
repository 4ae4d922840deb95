// Flow matching (lesson 14; Lipman et al. 2023, and rectified flow, Liu et al. 2023). A second
// path from the data to the noise, a straight line in continuous time tau in [0, 1]:
//   x_tau = (1 - tau) x_0 + tau eps
// along which each point moves with the velocity u = d x_tau / d tau = eps - x_0. The network
// v_theta(x_tau, tau) learns it by regression,
//   loss = mean of (v_theta(x_tau, tau) - (eps - x_0))^2,    tau ~ U(0, 1)
// and a sample integrates d x / d tau = v_theta(x, tau) from tau = 1 (pure noise) down to 0.
//
// The time input: the same network as DDPM's, told tau as the position s = tau (num_steps - 1)
// between the rows of its learned step tables, read by linear interpolation (lib/nn/layers.h). That
// is a piecewise-linear embedding of continuous time with the table's rows as its knots: the same
// parameters as the notebook's model, and every knot learns from the times on either side of it.
#pragma once
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/denoiser.h"

namespace ddpm {

// tau in [0, 1] -> the step tables' position s = tau (num_steps - 1).
float flow_position(float tau, int num_steps);

// The notebook's antithetic pairing in continuous time: tau_i ~ U[0, 1) for the first half, and
// 1 - tau_i for the second; an odd last sample draws its own.   tau (B,)
void antithetic_times(float* tau, int B, Rng& rng);

// The path and its velocity:  x_0, eps (B, D), tau (B,)  ->  x_tau (B, D), u = eps - x_0 (B, D)
void flow_path(float* x_tau, float* u, const float* x_0, const float* eps, const float* tau, int B,
               int D);

// The velocity v_theta(x, tau) at n points x (n, D), guided like eps (lib/diffusion/guidance.h).
void predict_velocity(const Denoiser& d, float* v, const float* x, float tau, int n);

// The two solvers of d x / d tau = v on `steps` steps from tau = 1 to 0, tau_i = (1 - i/N)^rho,
// h = tau_{i+1} - tau_i < 0:
//   Euler:  x += h v(x, tau_i)
//   Heun:   x~ = x + h v(x, tau_i);  x += h (v(x, tau_i) + v(x~, tau_{i+1})) / 2
// rho = 1 is the even grid of rectified flow's papers. On data as small as the S-curve (std 0.1
// against the noise's 1) the curve's shape is decided at small tau, and rho = 2 spends more steps
// there: lesson 14 measures both.
enum class FlowSolver { euler, heun };
constexpr float kFlowGridPower = 2.0f;  // the tools' rho

// x_1 (n, D) -> x_0. Returns the trajectory (steps + 1, n, D), x_1 first, like the other samplers.
Tensor flow_sample_loop(const Denoiser& d, const Tensor& x_1, int steps, FlowSolver solver,
                        float rho = kFlowGridPower);

// The grid's times tau_0 = 1 > tau_1 > ... > tau_N = 0.
std::vector<float> flow_times(int steps, float rho);

// The network evaluations it costs (NFE): one per Euler step, two per Heun step, and twice that
// with guidance's two passes.
int flow_evaluations(const Denoiser& d, int steps, FlowSolver solver);

}  // namespace ddpm
