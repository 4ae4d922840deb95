// Exercise 14: fill in the three functions. `make exercise` in lessons/14_flow_matching checks
// them.
#include <vector>

#include "exercise.h"

namespace ex {

void v_target(float* v, const float* x_0, const float* eps, int n_values, int t,
              const ddpm::Schedule& sched) {
    // TODO: sqrt(abar_t) and sqrt(1 - abar_t) from the schedule, then one line per value
}

void eps_and_x0_from_v(float* eps, float* x0, const float* v, const float* x_t, int n_values, int t,
                       const ddpm::Schedule& sched) {
    // TODO: solve the two equations for eps and x_0
}

void heun_step(float* x, int n_values, float tau, float tau_next, const Field& field) {
    // TODO: Euler's guess, the slope there, then the mean of the two slopes
}

}  // namespace ex
