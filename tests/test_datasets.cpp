#include <doctest/doctest.h>

#include "helpers.h"

#include <cmath>

#include "data/datasets.h"

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

TEST_CASE("every data set is seeded, finite, (n, 2) and about the S-curve's size") {
    for (const char* name :
         {"s_curve", "swiss_roll", "moons", "circles", "eight_gaussians", "checkerboard"}) {
        CAPTURE(name);
        ddpm::Tensor a = ddpm::make_dataset(name, 2000, 5), b = ddpm::make_dataset(name, 2000, 5);
        CHECK(a.shape_str() == "(2000, 2)");
        CHECK(max_abs_diff(a, b) == 0);
        CHECK(max_abs_diff(a, ddpm::make_dataset(name, 2000, 6)) > 0);
        CHECK(ddpm::all_finite(a));
        std::vector<double> m = ddpm::column_mean(a), sd = ddpm::column_std(a);
        for (int d = 0; d < 2; ++d) {
            CHECK(std::fabs(m[d]) < 0.06);
            CHECK(sd[d] > 0.04);
            CHECK(sd[d] < 0.2);
        }
    }
    CHECK_THROWS_WITH(ddpm::make_dataset("spirals", 10, 1),
                      doctest::Contains("unknown dataset 'spirals'"));
}

TEST_CASE("the noiseless sets lie on their curves") {
    ddpm::Rng rng(8);
    ddpm::Tensor roll = ddpm::make_swiss_roll(500, 0.0f, rng);
    for (int i = 0; i < 500; ++i) {  // (t cos t, t sin t) / 60: the radius is t, the angle t
        double x = roll.at(i, 0) * 60, z = roll.at(i, 1) * 60, t = std::hypot(x, z);
        CHECK(x == doctest::Approx(t * std::cos(t)).epsilon(1e-3).scale(1));
        CHECK(t >= 1.5 * M_PI - 1e-3);
        CHECK(t <= 4.5 * M_PI + 1e-3);
    }
    ddpm::Tensor moons = ddpm::make_moons(500, 0.0f, rng);
    for (int i = 0; i < 500; ++i) {  // back to scikit-learn's coordinates, then the two circles
        double x = moons.at(i, 0) * 7.5 + 0.5, y = moons.at(i, 1) * 7.5 + 0.25;
        double outer = std::hypot(x, y), inner = std::hypot(x - 1, y - 0.5);
        CHECK(std::fmin(std::fabs(outer - 1), std::fabs(inner - 1)) < 1e-4);
    }
    ddpm::Tensor circles = ddpm::make_circles(500, 0.0f, rng);
    for (int i = 0; i < 500; ++i) {
        double r = std::hypot(circles.at(i, 0), circles.at(i, 1)) * 5;
        CHECK(std::fmin(std::fabs(r - 1), std::fabs(r - 0.5)) < 1e-4);
    }
    ddpm::Tensor gauss = ddpm::make_eight_gaussians(2000, rng);
    for (int i = 0; i < 2000; ++i) {  // within 6 std of one of the eight centres
        double a = std::atan2(gauss.at(i, 1), gauss.at(i, 0));
        double k = std::round(a / (M_PI / 4));
        double dx = gauss.at(i, 0) - 0.2 * std::cos(k * M_PI / 4),
               dy = gauss.at(i, 1) - 0.2 * std::sin(k * M_PI / 4);
        CHECK(std::hypot(dx, dy) < 6 * 0.02);
    }
    ddpm::Tensor board = ddpm::make_checkerboard(2000, rng);
    for (int i = 0; i < 2000; ++i) {  // only the dark squares: floor(x) + floor(y) even
        int fx = static_cast<int>(std::floor(board.at(i, 0) * 10)),
            fy = static_cast<int>(std::floor(board.at(i, 1) * 10));
        CHECK(((fx + fy) % 2 + 2) % 2 == 0);
        CHECK(std::fabs(board.at(i, 0)) <= 0.2f);
        CHECK(std::fabs(board.at(i, 1)) <= 0.2f);
    }
}

TEST_CASE("a learner's points are centred, scaled to std 0.14, and mapped back exactly") {
    ddpm::Rng rng(12);
    ddpm::Tensor pts({500, 2});
    for (int i = 0; i < 500; ++i) {
        pts.at(i, 0) = 300 + 40 * rng.normal();
        pts.at(i, 1) = -20 + 10 * rng.normal();
    }
    ddpm::Tensor original = pts;
    ddpm::Normalization norm = ddpm::normalize_points(pts, "pts.csv");
    std::vector<double> m = ddpm::column_mean(pts), sd = ddpm::column_std(pts);
    CHECK(std::fabs(m[0]) < 1e-4);
    CHECK(std::fabs(m[1]) < 1e-4);
    CHECK(std::max(sd[0], sd[1]) == doctest::Approx(0.14).epsilon(1e-4));
    CHECK(sd[1] / sd[0] ==
          doctest::Approx(ddpm::column_std(original)[1] / ddpm::column_std(original)[0])
              .epsilon(1e-4));
    ddpm::denormalize_points(pts, norm);
    CHECK(max_abs_diff(pts, original) < 1e-3f);
    ddpm::Tensor few({50, 2}, 1.0f), same({300, 2}, 1.0f), flat({300, 3});
    CHECK_THROWS_WITH(ddpm::normalize_points(few, "few.csv"),
                      "few.csv: 50 points; at least 200 are needed to learn a distribution");
    CHECK_THROWS_WITH(ddpm::normalize_points(same, "same.csv"),
                      "same.csv: all points are the same point");
    CHECK_THROWS_WITH(ddpm::normalize_points(flat, "f.npy"),
                      doctest::Contains("expected 2-D points (n, 2)"));
}
