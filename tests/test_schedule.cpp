#include <doctest/doctest.h>

#include <cmath>

#include "diffusion/schedule.h"
#include "helpers.h"
#include "io/atomic_file.h"

using ddpm::Schedule;

static double sum(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return s;
}

TEST_CASE("sigmoid schedule matches the notebook's facts (relative error <= 1e-6)") {
    Schedule s = Schedule::sigmoid(100);
    REQUIRE(s.num_steps == 100);
    REQUIRE(s.betas.size() == 100);
    // The facts are given to 6 significant digits, so 1e-6 relative is the rounding of the fact.
    CHECK(sum(s.betas) == doctest::Approx(0.2505).epsilon(1e-6));
    CHECK(s.alphas_prod[99] == doctest::Approx(0.778003).epsilon(1e-6));
    CHECK(s.alphas_bar_sqrt[99] == doctest::Approx(0.882045).epsilon(1e-6));
    CHECK(s.one_minus_alphas_bar_sqrt[99] == doctest::Approx(0.471165).epsilon(1e-6));
    CHECK(s.betas[0] > 1e-5f);
    CHECK(s.betas[99] < 0.5e-2f);
}

TEST_CASE("derived arrays follow their definitions") {
    for (const char* name : {"sigmoid", "linear", "linear_scaled", "quadratic", "cosine"}) {
        CAPTURE(name);
        Schedule s = Schedule::by_name(name, 50);
        double prod = 1;
        for (int t = 0; t < 50; ++t) {
            CAPTURE(t);
            CHECK(s.alphas[t] == doctest::Approx(1.0 - s.betas[t]).epsilon(1e-6));
            CHECK(s.alphas_prod_p[t] == doctest::Approx(prod).epsilon(1e-5));
            prod *= 1.0 - s.betas[t];
            CHECK(s.alphas_prod[t] == doctest::Approx(prod).epsilon(1e-5));
            CHECK(s.alphas_bar_sqrt[t] == doctest::Approx(std::sqrt(prod)).epsilon(1e-5));
            CHECK(s.one_minus_alphas_bar_sqrt[t] ==
                  doctest::Approx(std::sqrt(1 - prod)).epsilon(1e-5));
            CHECK(s.one_minus_alphas_bar_log[t] ==
                  doctest::Approx(std::log(1 - prod)).epsilon(1e-5));
            if (t > 0) CHECK(s.alphas_prod[t] < s.alphas_prod[t - 1]);  // abar decreases
        }
    }
}

TEST_CASE("linear, quadratic and cosine schedules have their defining values") {
    Schedule lin = Schedule::linear(1000);
    CHECK(lin.betas.front() == doctest::Approx(1e-4));
    CHECK(lin.betas.back() == doctest::Approx(0.02));
    CHECK(lin.betas[500] == doctest::Approx(1e-4 + (0.02 - 1e-4) * 500 / 999.0));
    Schedule quad = Schedule::quadratic(1000);
    CHECK(std::sqrt(quad.betas[500]) ==
          doctest::Approx(0.01 + (std::sqrt(0.02) - 0.01) * 500 / 999.0));
    Schedule cos = Schedule::cosine(100);
    CHECK(cos.alphas_prod[99] < 1e-4f);  // x_T is pure noise
    for (float b : cos.betas) CHECK(b <= 0.999f);
    // abar_t = f(t + 1) / f(0) with f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2).
    auto f = [](double t) { return std::pow(std::cos((t / 100 + 0.008) / 1.008 * M_PI / 2), 2); };
    CHECK(cos.alphas_prod[49] == doctest::Approx(f(50) / f(0)).epsilon(1e-5));
}

TEST_CASE("sigmoid schedule agrees with the notebook's float32 arrays") {
    // The fixture is PyTorch's float32 computation; ours is double rounded once to float, so
    // the two differ by float32 rounding accumulated over the 100-term cumulative product
    // (relative 1e-5 at most). The two arrays built on 1 - alphas_prod are compared through
    // 1 - alphas_prod itself: near t = 0 that is ~2e-5, and float32's 1 - 0.99998 keeps only
    // 2-3 digits of it, so PyTorch's own values there are off by up to 1e-3 relative.
    std::string json = ddpm::read_file("tests/fixtures/notebook_schedule_float32.json");
    Schedule s = Schedule::sigmoid(100);
    struct Named {
        std::string name;
        const std::vector<float>& ours;
    } arrays[] = {{"betas", s.betas},
                  {"alphas", s.alphas},
                  {"alphas_prod", s.alphas_prod},
                  {"alphas_prod_p", s.alphas_prod_p},
                  {"alphas_bar_sqrt", s.alphas_bar_sqrt},
                  {"one_minus_alphas_bar_log", s.one_minus_alphas_bar_log},
                  {"one_minus_alphas_bar_sqrt", s.one_minus_alphas_bar_sqrt}};
    for (const Named& a : arrays) {
        std::vector<double> theirs = json_number_array(json, a.name);
        REQUIRE(theirs.size() == 100);
        double worst = 0;
        for (int t = 0; t < 100; ++t) {
            double ours = a.ours[t], want = theirs[t];
            if (a.name == "one_minus_alphas_bar_sqrt") {  // compare 1 - abar, absolutely
                ours = ours * ours;
                want = want * want;
            } else if (a.name == "one_minus_alphas_bar_log") {
                ours = std::exp(ours);
                want = std::exp(want);
            } else {
                want = std::fabs(want);  // relative error: divide by |theirs| below
                ours = ours / want;
                want = theirs[t] / want;
            }
            worst = std::fmax(worst, std::fabs(ours - want));
        }
        MESSAGE(a.name << ": largest difference " << worst);
        CHECK(worst < 1e-6);
    }
}

TEST_CASE("linear_scaled: DDPM's linear betas scaled by 1000 / T, ending in noise for any T") {
    // T = 100: 1e-3 ... 0.2, lesson 15's; T = 1000: DDPM's own.
    const Schedule s100 = Schedule::linear_scaled(100);
    const Schedule lin = Schedule::linear(100, 1e-3, 0.2);
    CHECK(s100.name == "linear_scaled");
    for (int t = 0; t < 100; ++t)
        CHECK(std::fabs(s100.betas[t] - lin.betas[t]) <= 1e-7f * lin.betas[t]);
    const Schedule s1000 = Schedule::linear_scaled(1000);
    const Schedule ddpm = Schedule::linear(1000);
    for (int t = 0; t < 1000; t += 111) CHECK(s1000.betas[t] == doctest::Approx(ddpm.betas[t]));
    for (int T : {25, 50, 100, 400, 1000}) {
        CAPTURE(T);
        CHECK(Schedule::linear_scaled(T).alphas_bar_sqrt[T - 1] < 0.01f);  // x_T is noise
    }
    CHECK_THROWS_WITH(Schedule::linear_scaled(20), doctest::Contains("at least 21 steps"));
    CHECK(Schedule::by_name("linear_scaled", 100).betas == s100.betas);
}

TEST_CASE("bad schedule requests are refused with a message") {
    CHECK_THROWS_WITH(Schedule::by_name("cosin", 100),
                      doctest::Contains("unknown schedule 'cosin'"));
    CHECK_THROWS_WITH(Schedule::sigmoid(1), doctest::Contains("number of steps"));
}
