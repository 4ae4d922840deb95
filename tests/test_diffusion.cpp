#include <doctest/doctest.h>

#include <cmath>

#include "data/datasets.h"
#include "diffusion/forward.h"

TEST_CASE("q_x has the closed-form mean and std at every tested step") {
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Rng rng(11);
    // x_0 fixed at one point: then x_t ~ N(sqrt(abar) x_0, (1 - abar) I) exactly.
    const int n = 200000;
    ddpm::Tensor x0({n, 2});
    for (int i = 0; i < n; ++i) {
        x0.at(i, 0) = 0.1f;
        x0.at(i, 1) = -0.2f;
    }
    for (int t : {0, 10, 50, 99}) {
        CAPTURE(t);
        ddpm::Tensor xt = ddpm::q_x(x0, t, sched, rng);
        std::vector<double> m = ddpm::column_mean(xt), s = ddpm::column_std(xt);
        double sd = sched.one_minus_alphas_bar_sqrt[t];
        double tol = 5 * sd / std::sqrt(n);  // 5 standard errors
        CHECK(std::fabs(m[0] - sched.alphas_bar_sqrt[t] * 0.1) < tol + 1e-7);
        CHECK(std::fabs(m[1] + sched.alphas_bar_sqrt[t] * 0.2) < tol + 1e-7);
        CHECK(s[0] == doctest::Approx(sd).epsilon(0.01));
        CHECK(s[1] == doctest::Approx(sd).epsilon(0.01));
    }
}

TEST_CASE("q_x with given noise is exactly the formula; a bad step is refused") {
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    float x0[4] = {1, 2, 3, 4}, eps[4] = {0.5f, -1, 2, 0}, xt[4];
    int t[2] = {0, 99};
    ddpm::q_x(xt, x0, eps, t, 2, 2, sched);
    CHECK(xt[1] ==
          doctest::Approx(sched.alphas_bar_sqrt[0] * 2 - sched.one_minus_alphas_bar_sqrt[0]));
    CHECK(xt[2] ==
          doctest::Approx(sched.alphas_bar_sqrt[99] * 3 + sched.one_minus_alphas_bar_sqrt[99] * 2));
    ddpm::Rng rng(1);
    CHECK_THROWS_WITH(ddpm::q_x(ddpm::Tensor({3, 2}), 100, sched, rng),
                      "step t = 100 out of range [0, 100)");
}
