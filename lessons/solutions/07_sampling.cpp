// Solution to exercise 07: one reverse step, written out (lib/diffusion.cpp's p_sample does the
// same after asking the model for eps).
#include <cmath>

#include "exercise.h"

namespace ex {

void p_sample(float* x, const float* eps, int n_values, int t, const ddpm::Schedule& sched,
              ddpm::Rng& rng, bool last_step_noise) {
    const float coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
    const float scale = 1.0f / std::sqrt(1.0f - sched.betas[t]);
    const float sigma = std::sqrt(sched.betas[t]);  // the notebook's sigma_t^2 = beta_t
    const bool noise = t > 0 || last_step_noise;
    for (int i = 0; i < n_values; ++i) {
        const float mean = scale * (x[i] - coeff * eps[i]);
        x[i] = noise ? mean + sigma * rng.normal() : mean;
    }
}

}  // namespace ex
