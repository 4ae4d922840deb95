#include "diffusion/flow.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "diffusion/sample.h"

namespace ddpm {

float flow_position(float tau, int num_steps) {
    return tau * static_cast<float>(num_steps - 1);
}

void antithetic_times(float* tau, int B, Rng& rng) {
    const int half = B / 2;
    for (int i = 0; i < half; ++i) tau[i] = rng.uniform();
    for (int i = 0; i < half; ++i) tau[half + i] = 1.0f - tau[i];
    if (B % 2) tau[B - 1] = rng.uniform();
}

void flow_path(float* x_tau, float* u, const float* x_0, const float* eps, const float* tau, int B,
               int D) {
    for (int b = 0; b < B; ++b)
        for (int d = 0; d < D; ++d) {
            const int i = b * D + d;
            x_tau[i] = (1.0f - tau[b]) * x_0[i] + tau[b] * eps[i];
            u[i] = eps[i] - x_0[i];
        }
}

void predict_velocity(const Denoiser& d, float* v, const float* x, float tau, int n) {
    if (d.objective != Objective::flow)
        throw UsageError(std::string("a model trained for ") + objective_name(d.objective) +
                         " samples with ddpm, ddim or ode, not euler or heun");
    const std::vector<float> s(n, flow_position(tau, d.model->config().num_steps));
    Conditioning time;
    time.s = s.data();
    denoiser_output(d, v, x, time, n);
}

int flow_evaluations(const Denoiser& d, int steps, FlowSolver solver) {
    return steps * (solver == FlowSolver::heun ? 2 : 1) * evaluations_per_call(d);
}

std::vector<float> flow_times(int steps, float rho) {
    std::vector<float> tau(steps + 1);
    for (int i = 0; i <= steps; ++i)
        tau[i] = static_cast<float>(std::pow(1.0 - static_cast<double>(i) / steps, rho));
    return tau;
}

Tensor flow_sample_loop(const Denoiser& d, const Tensor& x_1, int steps, FlowSolver solver,
                        float rho) {
    const int D = d.model ? d.model->config().dim : 0;
    if (x_1.ndim() != 2 || x_1.dim(1) != D || x_1.dim(0) < 1)
        throw Error("flow sampling: x_1 must be (n, " + std::to_string(D) + "), got " +
                    x_1.shape_str());
    if (steps < 1 || steps > 100000)
        throw UsageError("flow sampling: steps must be in [1, 100000], got " +
                         std::to_string(steps));
    if (!(rho >= 1.0f && rho <= 10.0f))
        throw UsageError("flow sampling: the grid's power must be in [1, 10]");
    const int n = x_1.dim(0);
    const size_t frame = x_1.size();
    const std::vector<float> tau = flow_times(steps, rho);
    std::vector<float> v(frame), x_guess(frame), v_guess(frame);
    // tau_0 = 1 ... tau_N = 0, one solver step each
    return reverse_loop(x_1, steps, [&](float* x, int i) {
        const float h = tau[i + 1] - tau[i];
        predict_velocity(d, v.data(), x, tau[i], n);
        if (solver == FlowSolver::euler) {
            for (size_t j = 0; j < frame; ++j) x[j] += h * v[j];  // Euler
            return;
        }
        for (size_t j = 0; j < frame; ++j) x_guess[j] = x[j] + h * v[j];  // Euler's guess
        predict_velocity(d, v_guess.data(), x_guess.data(), tau[i + 1], n);
        for (size_t j = 0; j < frame; ++j) x[j] += h * 0.5f * (v[j] + v_guess[j]);  // Heun
    });
}

}  // namespace ddpm
