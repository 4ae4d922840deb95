// Exercise 14: fill in the three functions. `make exercise` in lessons/14_flow_matching checks
// them.
#include <cmath>

#include "exercise.h"

namespace ex {

void v_target(float* v, const float* x_0, const float* eps, int n_values, int t,
              const ddpm::Schedule& sched) {
    // TODO: the definition, value by value
}

void eps_and_x0_from_v(float* eps, float* x0, const float* v, const float* x_t, int n_values, int t,
                       const ddpm::Schedule& sched) {
    // TODO: solve the two definitions for eps and x_0
}

void gaussian_flow_velocity(float* v, const float* x, int n, double tau, const double m[2],
                            const double C[2][2]) {
    // TODO: the covariance of x_tau, then E[eps | x_tau] and E[x_0 | x_tau]
}

}  // namespace ex
