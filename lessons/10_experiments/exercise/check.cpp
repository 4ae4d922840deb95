// Checks for exercise 10, by value: two points by hand; identical sets give 0 and the order does
// not matter; in one dimension the energy distance of two sets equals 2 * the integral of the
// squared difference of their empirical CDFs (Székely & Rizzo 2013), worked out here by
// sorting, a route that takes no pairwise distances at all; for 2000 quantiles of N(0, 1)
// against N(1, 1), the population value in closed form; and the floor multiple against its definition on
// the S-curve.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "data/datasets.h"
#include "exercise.h"

static ddpm::Tensor gaussian_1d(int n, double mean, ddpm::Rng& rng) {
    ddpm::Tensor t({n, 1});
    for (int i = 0; i < n; ++i) t[i] = static_cast<float>(mean + rng.normal());
    return t;
}

// 2 * integral of (F_a - F_b)^2 over the line, the CDFs being step functions.
static double cdf_route(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    std::vector<std::pair<double, int>> all;  // value, which set
    for (size_t i = 0; i < a.size(); ++i) all.push_back({a[i], 0});
    for (size_t i = 0; i < b.size(); ++i) all.push_back({b[i], 1});
    std::sort(all.begin(), all.end());
    double Fa = 0, Fb = 0, integral = 0;
    for (size_t k = 0; k + 1 < all.size(); ++k) {
        (all[k].second == 0 ? Fa : Fb) += 1.0 / (all[k].second == 0 ? a.size() : b.size());
        integral += (Fa - Fb) * (Fa - Fb) * (all[k + 1].first - all[k].first);
    }
    return 2 * integral;
}

// n points of N(mean, 1) at its quantiles (i + 1/2) / n: a sample with no sampling noise, so the
// population value can be checked tightly. The inverse CDF by bisection on erf.
static ddpm::Tensor gaussian_quantiles(int n, double mean) {
    ddpm::Tensor t({n, 1});
    for (int i = 0; i < n; ++i) {
        const double p = (i + 0.5) / n;
        double lo = -10, hi = 10;
        for (int k = 0; k < 100; ++k) {
            const double mid = (lo + hi) / 2;
            if (0.5 * (1 + std::erf(mid / std::sqrt(2.0))) < p)
                lo = mid;
            else
                hi = mid;
        }
        t[i] = static_cast<float>(mean + (lo + hi) / 2);
    }
    return t;
}

// E|N(mu, s^2)|, for the closed form of E between two unit Gaussians mu apart.
static double mean_abs_normal(double mu, double s) {
    return s * std::sqrt(2 / M_PI) * std::exp(-mu * mu / (2 * s * s)) +
           mu * std::erf(mu / (s * std::sqrt(2.0)));
}

int main() {
    exercise::Checker check = exercise::start("10 the energy distance, against the noise floor");
    const ddpm::Tensor p({1, 2}, {0, 0}), q({1, 2}, {3, 4});
    check.near("one point against one 5 away: 2 * 5", ex::energy_distance(p, q), 10.0, 1e-9);

    ddpm::Rng rng(10);
    const ddpm::Tensor a = ddpm::make_s_curve(300, 0.1f, rng),
                       b = ddpm::make_s_curve(200, 0.1f, rng);
    check.near("a set against itself", ex::energy_distance(a, a), 0.0, 1e-9);
    check.near("E(a, b) = E(b, a)", ex::energy_distance(b, a), ex::energy_distance(a, b), 1e-9);

    const ddpm::Tensor x = gaussian_1d(50, 0.0, rng), y = gaussian_1d(70, 0.3, rng);
    check.near("1-D, 50 against 70 points: 2 * integral of (F_a - F_b)^2",
               ex::energy_distance(x, y), cdf_route(x, y), 1e-9);

    const int n = 2000;
    const ddpm::Tensor u = gaussian_quantiles(n, 0.0), v = gaussian_quantiles(n, 1.0);
    const double population = 2 * mean_abs_normal(1.0, std::sqrt(2.0)) - 2 * 2 / std::sqrt(M_PI);
    check.near("N(0, 1) against N(1, 1), 2000 quantiles each: the population value",
               ex::energy_distance(u, v), population, 1e-4);

    const ddpm::Tensor real_a = ddpm::make_s_curve(400, 0.1f, rng);
    const ddpm::Tensor real_b = ddpm::make_s_curve(400, 0.1f, rng);
    ddpm::Tensor blurred = ddpm::make_s_curve(400, 0.1f, rng);
    for (size_t i = 0; i < blurred.size(); ++i) blurred[i] += 0.3f * rng.normal();
    const double want = ex::energy_distance(blurred, real_a) / ex::energy_distance(real_b, real_a);
    check.near("floor_multiple of a blurred S-curve = E(blurred, real) / E(real, real)",
               ex::floor_multiple(blurred, real_a, real_b), want, 1e-9 * std::fabs(want) + 1e-12);
    check.that(want > 2, "the blurred S-curve is well above the floor",
               "expected more than 2 times the floor, got " + std::to_string(want));
    return check.finish();
}
