// The score (lib/likelihood/score.h): the ideal denoiser's eps* is -sqrt(1 - abar) times the
// gradient of its own log-density, by central differences; one training point is a closed form; far
// from the data nothing underflows to NaN.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/gradcheck.h"
#include "data/datasets.h"
#include "likelihood/score.h"

TEST_CASE("score: the ideal denoiser's eps* is -s times the gradient of log q(x_t)") {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    const ddpm::Tensor train = ddpm::make_dataset("moons", 50, 2);
    const ddpm::IdealDenoiser ideal(train);
    ddpm::Rng rng(3);
    for (int t : {0, 10, 60, 99}) {
        CAPTURE(t);
        const double s = sched.one_minus_alphas_bar_sqrt[t];
        float x[2] = {0.3f * rng.normal(), 0.3f * rng.normal()}, eps[2], score[2];
        ideal.eps(eps, x, 1, t, sched);
        ddpm::score_from_eps(score, eps, 2, t, sched);
        auto log_q = [&] {
            double lp;
            ideal.log_density(&lp, x, 1, t, sched);
            return lp;
        };
        const std::vector<double> numeric =
            ddpm::numerical_gradient(log_q, x, 2, static_cast<float>(1e-3 * s));
        for (int d = 0; d < 2; ++d)
            CHECK(score[d] == doctest::Approx(numeric[d]).epsilon(5e-3));  // float x
    }
}

TEST_CASE("score: one training point is a Gaussian; far points stay finite") {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Tensor one({1, 2});
    one.at(0, 0) = 0.1f;
    one.at(0, 1) = -0.05f;
    const ddpm::IdealDenoiser ideal(one);
    const int t = 40;
    const double a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    const float x[2] = {0.4f, 0.2f};
    float eps[2];
    double log_q;
    ideal.eps(eps, x, 1, t, sched);
    ideal.log_density(&log_q, x, 1, t, sched);
    CHECK(eps[0] == doctest::Approx((0.4 - a * 0.1) / s).epsilon(1e-6));
    CHECK(eps[1] == doctest::Approx((0.2 + a * 0.05) / s).epsilon(1e-6));
    const double d2 = std::pow(0.4 - a * 0.1, 2) + std::pow(0.2 + a * 0.05, 2);
    CHECK(log_q == doctest::Approx(-d2 / (2 * s * s) - std::log(2 * M_PI * s * s)).epsilon(1e-6));
    // 1000 units away at t = 0 the exponents are about -1e10: still the nearest point's pull.
    const ddpm::Tensor two = ddpm::make_dataset("s_curve", 2, 1);
    const ddpm::IdealDenoiser pair(two);
    const float far[2] = {1000.0f, 0.0f};
    pair.eps(eps, far, 1, 0, sched);
    pair.log_density(&log_q, far, 1, 0, sched);
    CHECK(std::isfinite(eps[0]));
    CHECK(std::isfinite(eps[1]));
    CHECK(std::isfinite(log_q));
}
