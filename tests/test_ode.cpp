// The probability-flow ODE (lib/ode.h): on Gaussian data, whose every q(x_t) and log-likelihood
// are closed forms, the ODE's log p(x_0) must be the Gaussian's; encoding then sampling must come
// back; Hutchinson's estimate must average to the exact divergence.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "datasets.h"
#include "model.h"
#include "ode.h"

// The mean over 200 points, and the worst point, of |ODE log p - closed form|.
struct LogLikError {
    double mean, worst;
};
LogLikError log_likelihood_error(const ddpm::Schedule& sched, int S) {
    const ddpm::NoiseField field =
        ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, sched);
    ddpm::Rng rng(2);
    const ddpm::Tensor x_0 = ddpm::make_gaussian(200, rng);
    const ddpm::OdeEncoding enc = ddpm::ode_encode(field, x_0, sched, S);
    double sum = 0, worst = 0;
    for (int p = 0; p < 200; ++p) {
        const double diff = enc.log_p[p] - ddpm::gaussian_log_density(x_0[2 * p], x_0[2 * p + 1]);
        sum += diff;
        worst = std::fmax(worst, std::fabs(diff));
    }
    // And back down: sampling from the encoding must return the points.
    const ddpm::Tensor back = ddpm::ode_sample(field, enc.x_T, sched, S).frame(S);
    double err = 0;
    for (size_t i = 0; i < back.size(); ++i) err = std::fmax(err, std::fabs(back[i] - x_0[i]));
    MESSAGE("T = " << sched.num_steps << ", S = " << S << ": mean log p off by " << sum / 200
                   << ", worst point by " << worst << "; x_0 -> x_T -> x_0 error " << err);
    CHECK(err < 1e-2);
    return {std::fabs(sum / 200), worst};
}

TEST_CASE("ode: with the exact field of Gaussian data, log p(x_0) is the Gaussian's own") {
    // The cosine schedule ends at abar ~ 0, where q(x_T) is N(0, I): the prior the ODE assumes.
    // With T = 100 its last steps are far apart in sigma (a factor of 31), which costs the
    // points in the tails; T = 1000 shows the error shrinking with the grid.
    const LogLikError coarse = log_likelihood_error(ddpm::Schedule::cosine(100), 100);
    CHECK(coarse.mean < 0.01);
    CHECK(log_likelihood_error(ddpm::Schedule::cosine(100), 25).mean < 0.25);
    const LogLikError fine = log_likelihood_error(ddpm::Schedule::cosine(1000), 1000);
    CHECK(fine.mean < 0.01);
    CHECK(fine.worst < 0.1);
    CHECK(fine.worst < 0.2 * coarse.worst);
}

TEST_CASE("ode: Hutchinson's estimate averages to the network's exact divergence") {
    ddpm::MLPDiffusion model(ddpm::ModelConfig{10, 32, 3, 2});
    ddpm::Rng rng(5);
    model.init(rng);
    const int n = 64;
    std::vector<float> x(2 * n), eps(2 * n);
    for (float& v : x) v = 0.2f * rng.normal();
    std::vector<double> exact(n), estimate(n), mean(n, 0.0);
    ddpm::network_field(model)(x.data(), n, 3, eps.data(), exact.data());
    const ddpm::NoiseField hutchinson =
        ddpm::network_field(model, ddpm::Divergence::hutchinson, &rng);
    const int draws = 400;
    for (int k = 0; k < draws; ++k) {
        hutchinson(x.data(), n, 3, eps.data(), estimate.data());
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
    // The exact divergence is the trace of the finite-difference Jacobian.
    for (int p = 0; p < 3; ++p) {
        double trace = 0;
        for (int d = 0; d < 2; ++d) {
            std::vector<float> xp(x.begin() + 2 * p, x.begin() + 2 * p + 2), xm = xp, ep(2), em(2);
            const float h = 1e-3f;
            xp[d] += h;
            xm[d] -= h;
            int t[1] = {3};
            model.forward(ep.data(), xp.data(), t, 1);
            model.forward(em.data(), xm.data(), t, 1);
            trace += (ep[d] - em[d]) / (2 * h);
        }
        CHECK(exact[p] == doctest::Approx(trace).epsilon(2e-2));
    }
}
