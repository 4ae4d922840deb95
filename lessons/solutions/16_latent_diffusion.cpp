// Solution to exercise 16: the reparameterisation and the KL term, forward and backward
// (lib/nn/autoencoder.cpp does the same inside Autoencoder::forward and backward).
#include <cmath>

#include "exercise.h"

namespace ex {

double reparameterise(double* z, const double* mu, const double* s, const double* e, int B, int L) {
    double kl = 0;
    for (int i = 0; i < B * L; ++i) {
        z[i] = mu[i] + std::exp(s[i] / 2) * e[i];                 // a draw of N(mu, exp(s))
        kl += 0.5 * (mu[i] * mu[i] + std::exp(s[i]) - 1 - s[i]);  // KL(N(mu, exp(s)) || N(0, 1))
    }
    return kl / B;  // the mean over the batch
}

void reparameterise_backward(double* dmu, double* ds, const double* dz, const double* mu,
                             const double* s, const double* e, int B, int L, double kl_weight) {
    for (int i = 0; i < B * L; ++i) {
        // Through z: dz/dmu = 1, dz/ds = exp(s / 2) e / 2.
        dmu[i] += dz[i];
        ds[i] += dz[i] * std::exp(s[i] / 2) * e[i] / 2;
        // Through the KL's mean: d/dmu = mu / B, d/ds = (exp(s) - 1) / (2 B).
        dmu[i] += kl_weight * mu[i] / B;
        ds[i] += kl_weight * (std::exp(s[i]) - 1) / (2 * B);
    }
}

}  // namespace ex
