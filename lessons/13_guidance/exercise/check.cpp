// Checks for exercise 13, by value: the two predictors are the exact noise of two Gaussian data
// sets (lib/likelihood/ode.h's gaussian_field), so the samples' statistics are known: at w = 1 the
// conditional Gaussian's mean and covariance, at w = 0 the unconditional one's, at w = 3 a mean
// pushed past the conditional one, away from the unconditional; a short run against the loop
// written out with the same noise; and the generator after exactly 2 n (T - 1) normal draws.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "exercise.h"
#include "likelihood/ode.h"

namespace {

const double kCondMean[2] = {0.15, 0.05}, kUncondMean[2] = {-0.05, -0.1};
const double kCondCov[2][2] = {{0.004, 0.001}, {0.001, 0.003}};
const double kUncondCov[2][2] = {{0.02, -0.005}, {-0.005, 0.015}};

ex::Eps predictor(const double mean[2], const double cov[2][2], const ddpm::Schedule& sched) {
    const ddpm::NoiseField field = ddpm::gaussian_field(mean, cov, sched);
    return [field](const float* x, int n, int t, float* eps) {
        field(x, n, t, eps, nullptr, nullptr);
    };
}

// The mean and covariance of points (n, 2).
void moments(const std::vector<float>& x, double m[2], double c[3]) {
    const size_t n = x.size() / 2;
    m[0] = m[1] = c[0] = c[1] = c[2] = 0;
    for (size_t p = 0; p < n; ++p)
        for (int d = 0; d < 2; ++d) m[d] += x[2 * p + d] / double(n);
    for (size_t p = 0; p < n; ++p) {
        const double a = x[2 * p] - m[0], b = x[2 * p + 1] - m[1];
        c[0] += a * a / n;
        c[1] += a * b / n;
        c[2] += b * b / n;
    }
}

std::vector<float> samples(float w, int n, const ddpm::Schedule& sched, uint64_t seed) {
    ddpm::Rng rng(seed);
    std::vector<float> x(2 * static_cast<size_t>(n));
    for (float& v : x) v = rng.normal();
    ex::guided_sample(x.data(), n, predictor(kCondMean, kCondCov, sched),
                      predictor(kUncondMean, kUncondCov, sched), w, sched, rng);
    return x;
}

void check_statistics(exercise::Checker& check, const ddpm::Schedule& sched) {
    const int n = 20000;
    double m[2], c[3];
    moments(samples(1.0f, n, sched, 1), m, c);
    // The mean of 20,000 points of std 0.06 is within 0.0005 or so; the sampler's 100 steps add a
    // little more.
    check.near("w = 1: the conditional Gaussian's mean, x", m[0], kCondMean[0], 0.003);
    check.near("w = 1: the conditional Gaussian's mean, y", m[1], kCondMean[1], 0.003);
    check.near("w = 1: its variance of x", c[0], kCondCov[0][0], 0.0006);
    check.near("w = 1: its covariance", c[1], kCondCov[0][1], 0.0006);
    moments(samples(0.0f, n, sched, 2), m, c);
    check.near("w = 0: the unconditional Gaussian's mean, x", m[0], kUncondMean[0], 0.004);
    check.near("w = 0: its variance of y", c[2], kUncondCov[1][1], 0.0015);
    moments(samples(3.0f, n, sched, 3), m, c);
    check.that(m[0] > kCondMean[0] + 0.01 && m[1] > kCondMean[1] + 0.01,
               "w = 3: the mean moves past the conditional one, away from the unconditional",
               "expected a mean beyond (" + std::to_string(kCondMean[0]) + ", " +
                   std::to_string(kCondMean[1]) + "), got (" + std::to_string(m[0]) + ", " +
                   std::to_string(m[1]) + ")");
}

void check_exact(exercise::Checker& check) {
    // Ten steps, three points, written out: the guided eps, Eq. 11's mean, the posterior noise.
    const ddpm::Schedule sched = ddpm::Schedule::linear(10);
    const int n = 3;
    const float w = 2.5f;
    std::vector<float> x = {0.5f, -1.0f, 1.2f, 0.3f, -0.7f, -0.2f}, want = x;
    ddpm::Rng rng(4), reference(4);
    ex::guided_sample(x.data(), n, predictor(kCondMean, kCondCov, sched),
                      predictor(kUncondMean, kUncondCov, sched), w, sched, rng);
    const ex::Eps cond = predictor(kCondMean, kCondCov, sched),
                  uncond = predictor(kUncondMean, kUncondCov, sched);
    for (int t = 9; t >= 0; --t) {
        float ec[6], eu[6];
        cond(want.data(), n, t, ec);
        uncond(want.data(), n, t, eu);
        const double beta = sched.betas[t], abar = sched.alphas_prod[t];
        const double abar_prev = t > 0 ? sched.alphas_prod[t - 1] : 1.0;
        const double sigma = std::sqrt(beta * (1 - abar_prev) / (1 - abar));  // beta~_t
        for (int i = 0; i < 6; ++i) {
            const double eps = eu[i] + w * (ec[i] - eu[i]);
            const double mean = (want[i] - beta / std::sqrt(1 - abar) * eps) / std::sqrt(1 - beta);
            want[i] = static_cast<float>(t > 0 ? mean + sigma * reference.normal() : mean);
        }
    }
    check.all_near("ten steps of three points, against the loop written out (w = 2.5)", x.data(),
                   want.data(), 6, 2e-5);
    check.equal("the generator after the loop: one normal a value, none at t = 0",
                static_cast<long>(rng.normal() * 1e6), static_cast<long>(reference.normal() * 1e6));
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("13 a guided sampling loop");
    check_exact(check);
    check_statistics(check, ddpm::Schedule::cosine(1000));
    return check.finish();
}
