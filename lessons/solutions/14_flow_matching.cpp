// Solution to exercise 14: v is objective_target's line (lib/objective.cpp); the way back solves
// x_t = a x_0 + s eps and v = a eps - s x_0 with a^2 + s^2 = 1; Heun's step is
// flow_sample_loop's (lib/flow.cpp) for one step.
#include <vector>

#include "exercise.h"

namespace ex {

void v_target(float* v, const float* x_0, const float* eps, int n_values, int t,
              const ddpm::Schedule& sched) {
    const float a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    for (int i = 0; i < n_values; ++i) v[i] = a * eps[i] - s * x_0[i];
}

void eps_and_x0_from_v(float* eps, float* x0, const float* v, const float* x_t, int n_values, int t,
                       const ddpm::Schedule& sched) {
    const float a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    for (int i = 0; i < n_values; ++i) {
        eps[i] = s * x_t[i] + a * v[i];
        x0[i] = a * x_t[i] - s * v[i];
    }
}

void heun_step(float* x, int n_values, float tau, float tau_next, const Field& field) {
    const float h = tau_next - tau;
    std::vector<float> v(n_values), guess(n_values), v_guess(n_values);
    field(x, tau, v.data());
    for (int i = 0; i < n_values; ++i) guess[i] = x[i] + h * v[i];
    field(guess.data(), tau_next, v_guess.data());
    for (int i = 0; i < n_values; ++i) x[i] += h * 0.5f * (v[i] + v_guess[i]);
}

}  // namespace ex
