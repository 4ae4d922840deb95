// Checks for exercise 05, by value: SNR against abar worked out here in double from the betas;
// the x_0 loss against the identity x_0 - x0_hat = sqrt(1 - abar_t) / sqrt(abar_t) (eps_theta - eps),
// so that each row's x_0 error is its noise error divided by SNR(t): the noise errors come from the
// library's pieces on a copy of the same random stream. And the generator must end where the
// notebook's loss leaves it.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "exercise.h"

static std::vector<double> abar_of(const ddpm::Schedule& sched) {
    std::vector<double> abar(sched.num_steps);
    double p = 1;
    for (int s = 0; s < sched.num_steps; ++s) abar[s] = p *= 1.0 - sched.betas[s];
    return abar;
}

static void check_snr(exercise::Checker& check, const ddpm::Schedule& sched) {
    std::vector<double> abar = abar_of(sched), got(sched.num_steps), want(sched.num_steps);
    for (int s = 0; s < sched.num_steps; ++s) {
        got[s] = ex::snr(s, sched) / (abar[s] / (1 - abar[s]));
        want[s] = 1;
    }
    check.all_near("snr(t) / (abar_t / (1 - abar_t)) for the " + sched.name + " schedule",
                   got.data(), want.data(), got.size(), 1e-5,
                   [](size_t i) { return "t = " + std::to_string(i); });
}

// The x_0 loss the identity predicts, from the noise errors of the library's pieces.
static double expected_x0_loss(ddpm::MLPDiffusion& model, const float* x_0, int B,
                               const ddpm::Schedule& sched, ddpm::Rng& rng) {
    std::vector<int> t(B);
    std::vector<float> eps(B * 2), x_t(B * 2), pred(B * 2);
    ddpm::antithetic_steps(t.data(), B, sched.num_steps, rng);
    for (float& e : eps) e = rng.normal();
    ddpm::q_x(x_t.data(), x_0, eps.data(), t.data(), B, 2, sched);
    model.forward(pred.data(), x_t.data(), t.data(), B);
    std::vector<double> abar = abar_of(sched);
    double sum = 0;
    for (int i = 0; i < B * 2; ++i) {
        const double a = abar[t[i / 2]];
        sum += (eps[i] - pred[i]) * (eps[i] - pred[i]) * (1 - a) / a;
    }
    return sum / (B * 2);
}

static void check_x0_loss(exercise::Checker& check, const ddpm::Schedule& sched, int B) {
    ddpm::Rng init(1);
    ddpm::MLPDiffusion model(ddpm::ModelConfig{sched.num_steps, 32, 3, 2});
    model.init(init);
    ddpm::Tensor x0 = ddpm::make_s_curve(B, 0.1f, init);
    ddpm::Rng mine_rng(5), want_rng(5);
    const double want = expected_x0_loss(model, x0.data(), B, sched, want_rng);
    const double mine = ex::x0_loss(model, x0.data(), B, sched, mine_rng);
    const std::string what = "x0_loss, " + sched.name + " schedule, batch of " + std::to_string(B);
    check.near(what + " (to 1e-4 of its value)", mine, want, 1e-4 * want);
    const ddpm::Rng::State got = mine_rng.state(), expected = want_rng.state();
    const bool same = got.state == expected.state && got.has_cached == expected.has_cached;
    check.that(same, what + ": the draws from rng",
               "expected antithetic_steps' draws, then " + std::to_string(B * 2) +
                   " rng.normal() calls; the generator is elsewhere");
}

int main() {
    exercise::Checker check = exercise::start("05 SNR and the loss for predicting x_0");
    const ddpm::Schedule sigmoid = ddpm::Schedule::sigmoid(100);
    const ddpm::Schedule linear = ddpm::Schedule::linear(1000);
    check_snr(check, sigmoid);
    check_snr(check, linear);
    check_x0_loss(check, sigmoid, 64);
    check_x0_loss(check, sigmoid, 13);
    check_x0_loss(check, linear, 64);
    return check.finish();
}
