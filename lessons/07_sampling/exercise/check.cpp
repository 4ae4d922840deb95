// Checks for exercise 07, by value: the step's formula computed here in double with the same
// noise, at a middle step, at t = 0 with and without the last noise, and at the last step T-1.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "exercise.h"

int main() {
    exercise::Checker check = exercise::start("07 p_sample, one reverse step");
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    for (auto [t, noise] : {std::pair<int, bool>{50, true}, {99, true}, {0, true}, {0, false}}) {
        ddpm::Rng data(t + 1);
        const int n = 40;
        std::vector<float> x(n), eps(n);
        for (float& v : x) v = data.normal() * 0.3f;
        for (float& v : eps) v = data.normal();
        std::vector<double> want(n);
        ddpm::Rng z(7), rng(7);
        const double beta = sched.betas[t], s = sched.one_minus_alphas_bar_sqrt[t];
        for (int i = 0; i < n; ++i) {
            double mean = (x[i] - beta / s * eps[i]) / std::sqrt(1 - beta);
            want[i] = (t > 0 || noise) ? mean + std::sqrt(beta) * z.normal() : mean;
        }
        ex::p_sample(x.data(), eps.data(), n, t, sched, rng, noise);
        const std::string at =
            "at t = " + std::to_string(t) + (noise ? "" : " without the last noise");
        check.all_near("x_{t-1} " + at, x.data(), want.data(), n, 1e-5, [](size_t i) {
            return "value " + std::to_string(i) + " (point " + std::to_string(i / 2) + ", " +
                   (i % 2 ? "y" : "x") + ")";
        });
        // The generator must have drawn exactly what the step needs: one normal per value with
        // noise, none without (a draw thrown away would shift every later step's noise).
        const ddpm::Rng::State got = rng.state(), expected = z.state();
        const bool same = got.state == expected.state && got.has_cached == expected.has_cached;
        const int needed = (t > 0 || noise) ? n : 0;
        check.that(same, "the draws from rng " + at,
                   same ? ""
                        : "expected exactly " + std::to_string(needed) +
                              " rng.normal() calls; the generator is elsewhere");
    }
    return check.finish();
}
