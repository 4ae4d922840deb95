// Solution to exercise 14. v is objective_target's line (lib/diffusion/objective.cpp); the way back
// is the rotation of (x_t, v) by the angle whose cosine is a: eps = s x_t + a v, x_0 = a x_t - s v.
// For Gaussian data, x_tau = (1 - tau) x_0 + tau eps is Gaussian with mean (1 - tau) m and
// covariance S = (1 - tau)^2 C + tau^2 I, and its covariances with eps and x_0 are tau I and (1 -
// tau) C, so
//   E[eps | x] = tau S^-1 (x - (1 - tau) m),   E[x_0 | x] = m + (1 - tau) C S^-1 (x - (1 - tau) m).
#include <cmath>

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

void gaussian_flow_velocity(float* v, const float* x, int n, double tau, const double m[2],
                            const double C[2][2]) {
    const double r = 1 - tau;
    // S = r^2 C + tau^2 I, and its inverse (2 x 2)
    const double s00 = r * r * C[0][0] + tau * tau, s01 = r * r * C[0][1],
                 s11 = r * r * C[1][1] + tau * tau;
    const double det = s00 * s11 - s01 * s01;
    const double i00 = s11 / det, i01 = -s01 / det, i11 = s00 / det;
    for (int p = 0; p < n; ++p) {
        const double d0 = x[2 * p] - r * m[0], d1 = x[2 * p + 1] - r * m[1];
        const double u0 = i00 * d0 + i01 * d1, u1 = i01 * d0 + i11 * d1;  // S^-1 (x - r m)
        const double eps0 = tau * u0, eps1 = tau * u1;                    // E[eps | x]
        const double x00 = m[0] + r * (C[0][0] * u0 + C[0][1] * u1);      // E[x_0 | x]
        const double x01 = m[1] + r * (C[1][0] * u0 + C[1][1] * u1);
        v[2 * p] = static_cast<float>(eps0 - x00);
        v[2 * p + 1] = static_cast<float>(eps1 - x01);
    }
}

}  // namespace ex
