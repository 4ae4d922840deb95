// Solution to exercise 05: the notebook's loss up to the network's answer (steps, noise, x_t,
// eps_theta), then the x_0 that answer implies, and the mean square error against the true x_0.
#include <vector>

#include "diffusion/forward.h"
#include "exercise.h"

namespace ex {

double snr(int t, const ddpm::Schedule& sched) {
    const double noise_var = static_cast<double>(sched.one_minus_alphas_bar_sqrt[t]) *
                             sched.one_minus_alphas_bar_sqrt[t];
    const double signal_var =
        static_cast<double>(sched.alphas_bar_sqrt[t]) * sched.alphas_bar_sqrt[t];
    return signal_var / noise_var;
}

float x0_loss(ddpm::MLPDiffusion& model, const float* x_0, int B, const ddpm::Schedule& sched,
              ddpm::Rng& rng) {
    std::vector<int> t(B);
    std::vector<float> eps(B * 2), x_t(B * 2), eps_theta(B * 2);
    antithetic_steps(t.data(), B, sched.num_steps, rng);
    for (float& e : eps) e = rng.normal();
    ddpm::q_x(x_t.data(), x_0, eps.data(), t.data(), B, 2, sched);
    model.forward(eps_theta.data(), x_t.data(), t.data(), B);
    double sum = 0;
    for (int i = 0; i < B * 2; ++i) {
        const int s = t[i / 2];
        const double x0_hat =
            (x_t[i] - sched.one_minus_alphas_bar_sqrt[s] * eps_theta[i]) / sched.alphas_bar_sqrt[s];
        sum += (x_0[i] - x0_hat) * (x_0[i] - x0_hat);
    }
    return static_cast<float>(sum / (B * 2));
}

}  // namespace ex
