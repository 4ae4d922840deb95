#include <doctest/doctest.h>

#include <cmath>

#include "datasets.h"

TEST_CASE("the noiseless S-curve lies on z = sign(t)(cos t - 1) with x = sin t") {
    ddpm::Rng rng(5);
    ddpm::Tensor s = ddpm::make_s_curve(2000, 0.0f, rng);
    REQUIRE(s.shape_str() == "(2000, 2)");
    for (int i = 0; i < 2000; ++i) {
        // Recover t from x = sin(t)/10 and the branch from z: |t| <= 3pi/2, so t is ambiguous
        // only through sin; check the relation both ways instead: x^2 + (|z| - 1)^2 == 1 (scaled).
        double x = s.at(i, 0) * 10, z = s.at(i, 1) * 10;
        CHECK(x * x + (std::fabs(z) - 1) * (std::fabs(z) - 1) == doctest::Approx(1).epsilon(1e-4));
        CHECK(std::fabs(x) <= 1.0001);
        CHECK(z >= -2.0001);
        CHECK(z <= 2.0001);
        // cos t - 1 <= 0, so z has the sign opposite to t's; for |t| < pi/2 (where |z| < 1)
        // x = sin t has t's sign, so x and z have opposite signs there.
        if (std::fabs(z) < 1) CHECK(x * z <= 1e-6);
    }
}

TEST_CASE("the notebook's S-curve: 10,000 points in about [-0.1, 0.1] x [-0.2, 0.2]") {
    ddpm::Rng rng(1);
    ddpm::Tensor s = ddpm::make_s_curve(10000, 0.1f, rng);
    std::vector<double> m = ddpm::column_mean(s), sd = ddpm::column_std(s);
    // The fixture's std of the notebook data (from x_seq[100] and the data): about (0.071, 0.139).
    CHECK(sd[0] == doctest::Approx(0.0715).epsilon(0.05));
    CHECK(sd[1] == doctest::Approx(0.139).epsilon(0.05));
    CHECK(std::fabs(m[0]) < 0.005);
    CHECK(std::fabs(m[1]) < 0.005);
    for (size_t i = 0; i < s.size(); i += 2) {
        CHECK(std::fabs(s[i]) < 0.16f);      // |sin t| <= 1 plus 0.1 noise (6 sigma), over 10
        CHECK(std::fabs(s[i + 1]) < 0.26f);  // |z| <= 2 plus noise, over 10
    }
}
