// Exercise 12: fill in the two functions. `make exercise` in lessons/12_likelihood checks them.
#include <cmath>

#include "exercise.h"

namespace ex {

double heun_step_logdet(double* y, double h, const Field& f_a, const Field& f_b) {
    // TODO: the step (y~, then y'), and the log |det| of its Jacobian
    return 0.0;
}

double hutchinson_trace(const VectorJacobian& jt_v, int draws, ddpm::Rng& rng) {
    // TODO: draws of v, each one's estimate from J^T v, their mean
    return 0.0;
}

}  // namespace ex
