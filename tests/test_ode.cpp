// The probability-flow ODE (lib/likelihood/ode.h). On Gaussian data, whose every q(x_t) and
// log-likelihood are closed forms, the exact log p of the sampler must meet the Gaussian's and
// never fall below it; the density must integrate to 1; the encoding must invert the sampler; each
// step's log-det must be the finite-difference Jacobian's; Hutchinson's estimate must average to
// the exact divergence; and the network's Jacobian, for every objective, must be its finite
// differences'.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "data/datasets.h"
#include "diffusion/flow.h"
#include "diffusion/sample.h"
#include "likelihood/ode.h"
#include "nn/model.h"

namespace {

// Paired differences -log p_model(x) - (-log q(x)) over Gaussian points: their mean (the KL of q
// to the model, plus Monte Carlo error) and its standard error.
struct Gap {
    double mean, standard_error;
};
Gap nll_gap(const std::vector<double>& log_p, const ddpm::Tensor& x) {
    const int n = x.dim(0);
    double sum = 0, sq = 0;
    for (int p = 0; p < n; ++p) {
        const double d = ddpm::gaussian_log_density(x.at(p, 0), x.at(p, 1)) - log_p[p];
        sum += d;
        sq += d * d;
    }
    const double mean = sum / n;
    return {mean, std::sqrt((sq / n - mean * mean) / (n - 1))};
}

// The exact field of the Gaussian data set on a schedule.
ddpm::NoiseField exact_field(const ddpm::Schedule& sched) {
    return ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, sched);
}

}  // namespace

TEST_CASE("ode: the exact log p of the sampler meets the Gaussian's and is never below it") {
    ddpm::Rng rng(2);
    const ddpm::Tensor x_0 = ddpm::make_gaussian(2000, rng);
    // The cosine schedule ends at abar ~ 0, where q(x_T) is N(0, I): the prior the ODE assumes.
    const ddpm::Schedule sched = ddpm::Schedule::cosine(100);
    double previous = INFINITY;
    for (int S : {10, 20, 50, 100}) {
        const ddpm::OdeEncoding enc = ddpm::ode_encode(exact_field(sched), x_0, sched, S);
        const Gap gap = nll_gap(enc.log_p, x_0);
        const ddpm::OdeEncoding est = ddpm::ode_encode_integral(exact_field(sched), x_0, sched, S);
        const Gap est_gap = nll_gap(est.log_p, x_0);
        MESSAGE("S = " << S << ": exact NLL - closed form " << gap.mean << " (standard error "
                       << gap.standard_error << "), the trapezoid estimate's " << est_gap.mean
                       << "; Newton rounds " << enc.newton_iterations);
        // Cross-entropy >= entropy: a density's mean NLL over q's points is never below q's.
        CHECK(gap.mean > -3 * gap.standard_error);
        CHECK(gap.mean < previous + 3 * gap.standard_error);  // closer to q as the steps grow
        previous = gap.mean;
        if (S >= 50) CHECK(gap.mean < 3 * gap.standard_error + 0.01);
        CHECK(enc.newton_iterations <= 4);
        // Encoding inverts the sampler: decoding x_T gives back x_0.
        const ddpm::Tensor back = ddpm::ode_sample(exact_field(sched), enc.x_T, sched, S).frame(S);
        double err = 0;
        for (size_t i = 0; i < back.size(); ++i) err = std::fmax(err, std::fabs(back[i] - x_0[i]));
        CHECK(err < 1e-4);
        // The continuous-time estimate is a quadrature: at 10 and 20 steps it lands below the
        // entropy, which no density can do.
        if (S <= 20) CHECK(est_gap.mean < -5 * est_gap.standard_error);
    }
}

TEST_CASE("ode: the sampler's density integrates to 1 over a grid that holds its mass") {
    // The notebook's schedule stops short of noise; the matched prior removes its mismatch.
    for (const char* name : {"cosine", "sigmoid"}) {
        const ddpm::Schedule sched = ddpm::Schedule::by_name(name, 100);
        ddpm::Rng rng(4);
        const ddpm::Prior prior = std::string(name) == "cosine"
                                      ? ddpm::standard_prior()
                                      : ddpm::matched_prior(ddpm::make_gaussian(20000, rng), sched);
        const int cells = 160;
        const double lo = -0.55, hi = 0.55, area = (hi - lo) * (hi - lo) / (cells * cells);
        ddpm::Tensor grid({cells * cells, 2});
        for (int i = 0; i < cells * cells; ++i) {
            grid.at(i, 0) = static_cast<float>(lo + (i % cells + 0.5) * (hi - lo) / cells);
            grid.at(i, 1) = static_cast<float>(lo + (i / cells + 0.5) * (hi - lo) / cells);
        }
        for (int S : {10, 100}) {
            const ddpm::OdeEncoding enc =
                ddpm::ode_encode(exact_field(sched), grid, sched, S, prior);
            double mass = 0;
            for (double v : enc.log_p) mass += std::exp(v) * area;
            MESSAGE(std::string(name) << " schedule, S = " << S << ": mass " << mass);
            CHECK(std::fabs(mass - 1) < 1e-3);
        }
    }
}

TEST_CASE("ode: each step's log-det is the sampler's finite-difference Jacobian's") {
    // A small random network, whose field is anything but Gaussian: log p(x_0) must be
    // log N(x_T) - log |det d x_0 / d x_T| with the Jacobian of ode_sample itself.
    ddpm::MLPDiffusion model(ddpm::ModelConfig{20, 32, 3, 2});
    ddpm::Rng rng(8);
    model.init(rng);
    const ddpm::Schedule sched = ddpm::Schedule::linear(20);
    const ddpm::NoiseField field = ddpm::network_field(ddpm::Denoiser{&model}, sched);
    const int S = 5;
    ddpm::Tensor x_0 = ddpm::randn(6, 2, rng);
    for (size_t i = 0; i < x_0.size(); ++i) x_0[i] *= 0.2f;
    const ddpm::OdeEncoding enc = ddpm::ode_encode(field, x_0, sched, S);
    for (int p = 0; p < 6; ++p) {
        double J[2][2];
        const double h = 1e-3;
        for (int j = 0; j < 2; ++j) {
            ddpm::Tensor plus({1, 2}), minus({1, 2});
            for (int d = 0; d < 2; ++d) plus.at(0, d) = minus.at(0, d) = enc.x_T.at(p, d);
            plus.at(0, j) += static_cast<float>(h);
            minus.at(0, j) -= static_cast<float>(h);
            const ddpm::Tensor a = ddpm::ode_sample(field, plus, sched, S).frame(S);
            const ddpm::Tensor b = ddpm::ode_sample(field, minus, sched, S).frame(S);
            const double step = double(plus.at(0, j)) - minus.at(0, j);
            for (int i = 0; i < 2; ++i) J[i][j] = (double(a.at(0, i)) - b.at(0, i)) / step;
        }
        const double x0 = enc.x_T.at(p, 0), x1 = enc.x_T.at(p, 1);
        const double expected = -0.5 * (x0 * x0 + x1 * x1) - std::log(2 * M_PI) -
                                std::log(std::fabs(J[0][0] * J[1][1] - J[0][1] * J[1][0]));
        CHECK(enc.log_p[p] == doctest::Approx(expected).epsilon(1e-3));
    }
}

TEST_CASE("ode: the network's Jacobian, for eps, x0 and v and with guidance, is its differences'") {
    for (ddpm::Objective o : {ddpm::Objective::eps, ddpm::Objective::x0, ddpm::Objective::v}) {
        ddpm::ModelConfig cfg{10, 32, 3, 2};
        cfg.num_classes = 3;
        ddpm::MLPDiffusion model(cfg);
        ddpm::Rng rng(5);
        model.init(rng);
        const ddpm::Schedule sched = ddpm::Schedule::linear(10);
        for (float w : {1.0f, 2.5f}) {
            const ddpm::Denoiser d{&model, o, 1, w};
            const ddpm::NoiseField field = ddpm::network_field(d, sched);
            const int n = 3, t = 4;
            std::vector<float> x = {0.1f, -0.2f, 0.05f, 0.3f, -0.15f, 0.0f}, eps(2 * n);
            std::vector<double> jac(4 * n), div(n);
            field(x.data(), n, t, eps.data(), jac.data(), div.data());
            for (int p = 0; p < n; ++p) {
                CHECK(div[p] == doctest::Approx(jac[4 * p] + jac[4 * p + 3]));
                for (int j = 0; j < 2; ++j) {
                    const float h = 1e-3f;
                    std::vector<float> xp(x.begin() + 2 * p, x.begin() + 2 * p + 2), xm = xp;
                    xp[j] += h;
                    xm[j] -= h;
                    float ep[2], em[2];
                    ddpm::predict_eps(d, ep, xp.data(), t, 1, sched);
                    ddpm::predict_eps(d, em, xm.data(), t, 1, sched);
                    for (int i = 0; i < 2; ++i) {
                        const double fd = (double(ep[i]) - em[i]) / (xp[j] - xm[j]);
                        CHECK(jac[4 * p + 2 * i + j] == doctest::Approx(fd).epsilon(2e-2).scale(1));
                    }
                }
            }
        }
    }
}

TEST_CASE("ode: a flow-matching model's encoding inverts its sampler, and its density is exact") {
    ddpm::ModelConfig cfg{20, 32, 3, 2};
    ddpm::MLPDiffusion model(cfg);
    ddpm::Rng rng(6);
    model.init(rng);
    const ddpm::Denoiser d{&model, ddpm::Objective::flow};
    ddpm::Tensor x_0 = ddpm::randn(5, 2, rng);
    for (auto solver : {ddpm::FlowSolver::euler, ddpm::FlowSolver::heun}) {
        const int steps = 8;
        const ddpm::OdeEncoding enc = ddpm::flow_encode(d, x_0, steps, solver);
        const ddpm::Tensor back = ddpm::flow_sample_loop(d, enc.x_T, steps, solver).frame(steps);
        for (size_t i = 0; i < back.size(); ++i)
            CHECK(back[i] == doctest::Approx(x_0[i]).epsilon(1e-4).scale(1));
        // log p = log N(x_1) - log |det| of the sampler's finite-difference Jacobian
        for (int p = 0; p < 5; ++p) {
            double J[2][2];
            for (int j = 0; j < 2; ++j) {
                ddpm::Tensor plus({1, 2}), minus({1, 2});
                for (int k = 0; k < 2; ++k) plus.at(0, k) = minus.at(0, k) = enc.x_T.at(p, k);
                plus.at(0, j) += 1e-3f;
                minus.at(0, j) -= 1e-3f;
                const ddpm::Tensor a = ddpm::flow_sample_loop(d, plus, steps, solver).frame(steps);
                const ddpm::Tensor b = ddpm::flow_sample_loop(d, minus, steps, solver).frame(steps);
                for (int i = 0; i < 2; ++i)
                    J[i][j] = (double(a.at(0, i)) - b.at(0, i)) /
                              (double(plus.at(0, j)) - minus.at(0, j));
            }
            const double x0 = enc.x_T.at(p, 0), x1 = enc.x_T.at(p, 1);
            const double expected = -0.5 * (x0 * x0 + x1 * x1) - std::log(2 * M_PI) -
                                    std::log(std::fabs(J[0][0] * J[1][1] - J[0][1] * J[1][0]));
            CHECK(enc.log_p[p] == doctest::Approx(expected).epsilon(1e-3));
        }
    }
}

TEST_CASE("ode: Hutchinson's estimate averages to the network's exact divergence") {
    ddpm::MLPDiffusion model(ddpm::ModelConfig{10, 32, 3, 2});
    ddpm::Rng rng(5);
    model.init(rng);
    const ddpm::Schedule sched = ddpm::Schedule::linear(10);
    const int n = 64;
    std::vector<float> x(2 * n), eps(2 * n);
    for (float& v : x) v = 0.2f * rng.normal();
    std::vector<double> exact(n), estimate(n), mean(n, 0.0);
    ddpm::network_field(ddpm::Denoiser{&model}, sched)(x.data(), n, 3, eps.data(), nullptr,
                                                       exact.data());
    const ddpm::NoiseField hutchinson =
        ddpm::network_field(ddpm::Denoiser{&model}, sched, ddpm::Divergence::hutchinson, &rng);
    const int draws = 400;
    for (int k = 0; k < draws; ++k) {
        hutchinson(x.data(), n, 3, eps.data(), nullptr, estimate.data());
        for (int p = 0; p < n; ++p) mean[p] += estimate[p] / draws;
    }
    // In 2-D with signs v, v^T J v = J00 + J11 +- (J01 + J10): the error of one draw is the
    // off-diagonal sum, and of the mean of 400 about 1/20 of it.
    double worst = 0, scale = 0;
    for (int p = 0; p < n; ++p) {
        worst = std::fmax(worst, std::fabs(mean[p] - exact[p]));
        scale = std::fmax(scale, std::fabs(exact[p]));
    }
    MESSAGE("largest |mean of 400 estimates - exact| = " << worst << " (largest |div| " << scale
                                                         << ")");
    CHECK(worst < 0.25 * scale);
}

TEST_CASE("ode: the named data sets' true densities integrate to 1 and give their entropies") {
    // Quadrature over the curve's parameter must give a density, and the entropy's Monte Carlo
    // mean the Gaussian's closed form.
    for (const char* name : {"s_curve", "moons", "checkerboard"}) {
        const int cells = 64;  // cells of 0.0125, about the curves' noise: the midpoint rule holds
        const double lo = -0.4, hi = 0.4, area = (hi - lo) * (hi - lo) / (cells * cells);
        double mass = 0;
        for (int i = 0; i < cells; ++i)
            for (int j = 0; j < cells; ++j)
                mass += std::exp(ddpm::dataset_log_density(name, lo + (i + 0.5) * (hi - lo) / cells,
                                                           lo + (j + 0.5) * (hi - lo) / cells)) *
                        area;
        MESSAGE(std::string(name) << ": mass " << mass);
        CHECK(std::fabs(mass - 1) < 2e-3);
    }
    const ddpm::Entropy h = ddpm::dataset_entropy("gaussian", 4000, 3);
    CHECK(std::fabs(h.nats - ddpm::gaussian_entropy()) < 3 * h.standard_error);
    CHECK(ddpm::dataset_entropy("checkerboard", 100, 3).nats == doctest::Approx(std::log(0.08)));
}
