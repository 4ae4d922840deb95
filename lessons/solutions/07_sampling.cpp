// Solution to exercise 07: the posterior variance is Eq. 7's, one line; the step is Eq. 11's mean
// plus sigma_t z, with sigma_t picked by the variance asked for (lib/diffusion/sample.cpp's
// p_sample does the same after asking the model for eps).
#include <cmath>

#include "exercise.h"

namespace ex {

double posterior_variance(int t, const ddpm::Schedule& sched) {
    if (t == 0) return 0.0;
    const double one_minus_abar = static_cast<double>(sched.one_minus_alphas_bar_sqrt[t]) *
                                  sched.one_minus_alphas_bar_sqrt[t];
    const double one_minus_abar_prev = static_cast<double>(sched.one_minus_alphas_bar_sqrt[t - 1]) *
                                       sched.one_minus_alphas_bar_sqrt[t - 1];
    return one_minus_abar_prev / one_minus_abar * sched.betas[t];
}

void p_sample(float* x, const float* eps, int n_values, int t, const ddpm::Schedule& sched,
              ddpm::Rng& rng, Sigma sigma) {
    const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
    const float scale = 1.0f / std::sqrt(1.0f - sched.betas[t]);
    const double variance = sigma == Sigma::beta ? sched.betas[t] : posterior_variance(t, sched);
    const float sigma_t = static_cast<float>(std::sqrt(variance));
    for (int i = 0; i < n_values; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);
        x[i] = sigma_t > 0 ? mean + sigma_t * rng.normal() : mean;
    }
}

}  // namespace ex
