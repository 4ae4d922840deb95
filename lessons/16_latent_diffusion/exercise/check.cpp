// Checks for exercise 16, by value: z and the KL against their definitions (and the KL of mu = 0,
// s = 0 is 0); the gradients against central differences of a loss, written out here, that weighs
// z by fixed numbers and adds the KL; and their accumulation (+=).
#include <cmath>
#include <vector>

#include "check.h"
#include "core/gradcheck.h"
#include "core/rng.h"
#include "exercise.h"

namespace {

const int B = 3, L = 4;

void check_forward(exercise::Checker& check) {
    ddpm::Rng rng(16);
    std::vector<double> mu(B * L), s(B * L), e(B * L), z(B * L), want(B * L);
    double kl_want = 0;
    for (int i = 0; i < B * L; ++i) {
        mu[i] = rng.normal();
        s[i] = 0.5 * rng.normal();
        e[i] = rng.normal();
        want[i] = mu[i] + std::sqrt(std::exp(s[i])) * e[i];  // mean + standard deviation * e
        kl_want += (mu[i] * mu[i] + std::exp(s[i]) - 1 - s[i]) / (2.0 * B);
    }
    const double kl = ex::reparameterise(z.data(), mu.data(), s.data(), e.data(), B, L);
    check.all_near("z = mu + exp(s / 2) e", z.data(), want.data(), z.size(), 1e-12);
    check.near("the KL term, a mean over the batch", kl, kl_want, 1e-12);
    std::vector<double> zero(B * L, 0.0);
    check.near("the KL of N(0, 1) against N(0, 1)",
               ex::reparameterise(z.data(), zero.data(), zero.data(), e.data(), B, L), 0.0, 1e-15);
}

void check_backward(exercise::Checker& check) {
    ddpm::Rng rng(17);
    const double w = 0.7;
    std::vector<double> mu(B * L), s(B * L), e(B * L), R(B * L), z(B * L);
    for (int i = 0; i < B * L; ++i) {
        mu[i] = rng.normal();
        s[i] = 0.5 * rng.normal();
        e[i] = rng.normal();
        R[i] = rng.normal();  // the loss's weights on z: dz = R
    }
    // The loss written out here (not through the exercise's forward, so that the backward is
    // checked against the definition): sum R z + w * KL.
    auto loss = [&] {
        double sum = 0, kl = 0;
        for (int i = 0; i < B * L; ++i) {
            sum += R[i] * (mu[i] + std::exp(s[i] / 2) * e[i]);
            kl += 0.5 * (mu[i] * mu[i] + std::exp(s[i]) - 1 - s[i]) / B;
        }
        return sum + w * kl;
    };
    std::vector<double> dmu(B * L, 0.25), ds(B * L, 0.25);
    ex::reparameterise_backward(dmu.data(), ds.data(), R.data(), mu.data(), s.data(), e.data(), B,
                                L, w);
    for (int i = 0; i < B * L; ++i) {
        dmu[i] -= 0.25;  // it adds to what was there
        ds[i] -= 0.25;
    }
    check.near("d loss / d mu against central differences (largest relative difference)",
               ddpm::max_relative_error(dmu.data(),
                                        ddpm::numerical_gradient(loss, mu.data(), mu.size(), 1e-6)),
               0.0, 1e-6);
    check.near("d loss / d s against central differences (largest relative difference)",
               ddpm::max_relative_error(ds.data(),
                                        ddpm::numerical_gradient(loss, s.data(), s.size(), 1e-6)),
               0.0, 1e-6);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("16 the VAE's reparameterisation and KL term");
    check_forward(check);
    check_backward(check);
    return check.finish();
}
