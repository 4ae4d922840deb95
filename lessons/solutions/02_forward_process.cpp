// Solution to exercise 02: q_x is DDPM Eq. 4 with the reparameterisation, one line a value;
// q_posterior_mean is Eq. 7, its two coefficients worked out once a row.
#include <cmath>

#include "exercise.h"

namespace ex {

void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B,
         const ddpm::Schedule& sched) {
    for (int b = 0; b < B; ++b)
        for (int d = 0; d < 2; ++d) {
            const int i = b * 2 + d;
            x_t[i] = sched.alphas_bar_sqrt[t[b]] * x_0[i] +
                     sched.one_minus_alphas_bar_sqrt[t[b]] * eps[i];
        }
}

void q_posterior_mean(float* mean, const float* x_t, const float* x_0, const int* t, int B,
                      const ddpm::Schedule& sched) {
    for (int b = 0; b < B; ++b) {
        const int s = t[b];
        // 1 - abar from the square roots the schedule kept: 1 - alphas_prod[s] in float would
        // lose most digits near s = 0.
        const float one_minus_abar =
            sched.one_minus_alphas_bar_sqrt[s] * sched.one_minus_alphas_bar_sqrt[s];
        const float one_minus_abar_prev = s == 0 ? 0.0f
                                                 : sched.one_minus_alphas_bar_sqrt[s - 1] *
                                                       sched.one_minus_alphas_bar_sqrt[s - 1];
        const float coef_x0 = std::sqrt(sched.alphas_prod_p[s]) * sched.betas[s] / one_minus_abar;
        const float coef_xt = std::sqrt(sched.alphas[s]) * one_minus_abar_prev / one_minus_abar;
        for (int d = 0; d < 2; ++d) {
            const int i = b * 2 + d;
            mean[i] = coef_x0 * x_0[i] + coef_xt * x_t[i];
        }
    }
}

}  // namespace ex
