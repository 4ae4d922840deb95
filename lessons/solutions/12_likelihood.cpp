// Solution to exercise 12: the KL is gaussian_kl's formula (lib/elbo.cpp) with a variance per
// dimension; the weight is the square of the factor between the two means' noise terms, over
// twice the model's variance.
#include <cmath>

#include "exercise.h"

namespace ex {

double kl_diagonal(const double* m1, const double* v1, const double* m2, const double* v2, int D) {
    double sum = 0;
    for (int d = 0; d < D; ++d)
        sum +=
            v1[d] / v2[d] - 1 + std::log(v2[d] / v1[d]) + (m1[d] - m2[d]) * (m1[d] - m2[d]) / v2[d];
    return 0.5 * sum;
}

double elbo_weight(const ddpm::Schedule& sched, int t, double sigma2) {
    const double beta = sched.betas[t], alpha = 1 - beta, one_minus_abar = 1 - sched.alphas_prod[t];
    return beta * beta / (2 * sigma2 * alpha * one_minus_abar);
}

}  // namespace ex
