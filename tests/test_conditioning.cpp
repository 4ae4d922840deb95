// Lessons 13 and 14's pieces: the objectives' conversions, the general training loss and its
// gradient, flow matching's path and solvers, label dropout and guidance, labelled data sets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/gradcheck.h"
#include "data/datasets.h"
#include "diffusion/denoiser.h"
#include "diffusion/flow.h"
#include "diffusion/forward.h"
#include "diffusion/guidance.h"
#include "diffusion/loss.h"
#include "diffusion/objective.h"
#include "nn/layers.h"

namespace {

std::vector<float> normals(int n, ddpm::Rng& rng, float scale = 1.0f) {
    std::vector<float> v(n);
    for (float& x : v) x = scale * rng.normal();
    return v;
}

}  // namespace

TEST_CASE("eps, x0 and v: each target turned back into eps gives the noise drawn") {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Rng rng(1);
    const int B = 64, D = 2;
    for (int step : {0, 10, 50, 99}) {
        const std::vector<float> x_0 = normals(B * D, rng, 0.1f), eps = normals(B * D, rng);
        const std::vector<int> t(B, step);
        std::vector<float> x_t(B * D), target(B * D), back(B * D);
        ddpm::q_x(x_t.data(), x_0.data(), eps.data(), t.data(), B, D, sched);
        for (ddpm::Objective o : {ddpm::Objective::eps, ddpm::Objective::x0, ddpm::Objective::v}) {
            ddpm::objective_target(target.data(), x_0.data(), eps.data(), t.data(), B, D, sched, o);
            ddpm::eps_from_output(back.data(), target.data(), x_t.data(), B * D, step, sched, o);
            // (std::max, not std::fmax: GCC 12's ARM64 vectoriser fails on an fmax reduction.)
            double worst = 0;
            for (int i = 0; i < B * D; ++i)
                worst = std::max(worst, static_cast<double>(std::fabs(back[i] - eps[i])));
            // x0 -> eps divides by sqrt(1 - abar_t), 0.003 at t = 0: float's rounding of x_t grows
            // by that factor.
            const double tol = o == ddpm::Objective::x0 && step == 0 ? 1e-3 : 1e-5;
            CAPTURE(step);
            CAPTURE(ddpm::objective_name(o));
            CHECK(worst <= tol);
        }
    }
    CHECK(ddpm::parse_objective("v") == ddpm::Objective::v);
    CHECK_THROWS_WITH(ddpm::parse_objective("score"), doctest::Contains("eps, x0, v, flow"));
}

// The one loss at its first case is the notebook's diffusion_loss_fn, written out here as the
// notebook writes it: antithetic steps, then the noise, x_t by Eq. 4, the mean of
// (eps - eps_theta)^2.
TEST_CASE("diffusion_loss_fn for eps without labels is the notebook's loss, bit for bit") {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::MLPDiffusion a{ddpm::ModelConfig{}}, b{ddpm::ModelConfig{}};
    ddpm::Rng init(2);
    a.init(init);
    b.params = a.params;
    ddpm::Rng data_rng(3);
    const int B = 128, D = 2;
    const std::vector<float> x_0 = normals(B * D, data_rng, 0.1f);
    ddpm::Rng r1(4), r2(4);
    ddpm::LossBuffers buf;
    const float l1 = ddpm::diffusion_loss_fn(a, x_0.data(), B, sched, r1, buf);
    // The notebook's, by hand.
    std::vector<int> t(B);
    ddpm::antithetic_steps(t.data(), B, sched.num_steps, r2);
    std::vector<float> eps(B * D), x_t(B * D), pred(B * D), dpred(B * D, 0.0f);
    for (float& e : eps) e = r2.normal();
    ddpm::q_x(x_t.data(), x_0.data(), eps.data(), t.data(), B, D, sched);
    b.forward(pred.data(), x_t.data(), t.data(), B);
    const float l2 = ddpm::mse_forward(pred.data(), eps.data(), B * D);
    CHECK(l1 == l2);
    a.zero_grad();
    b.zero_grad();
    ddpm::diffusion_loss_backward(a, buf);
    ddpm::mse_backward(dpred.data(), pred.data(), eps.data(), B * D);
    b.backward(dpred.data());
    CHECK(a.grads == b.grads);
}

// L(theta) with the same draws each time (a copy of one generator), against its gradient.
TEST_CASE(
    "diffusion_loss_fn's gradient matches finite differences for every objective, with labels") {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(10);
    ddpm::ModelConfig cfg{10, 16, 2, 2};
    cfg.num_classes = 3;
    const int B = 12;
    ddpm::Rng rng(5);
    const std::vector<float> x_0 = normals(B * 2, rng, 0.1f);
    std::vector<int> labels(B);
    for (int i = 0; i < B; ++i) labels[i] = i % 3;
    for (ddpm::Objective o :
         {ddpm::Objective::eps, ddpm::Objective::x0, ddpm::Objective::v, ddpm::Objective::flow}) {
        ddpm::MLPDiffusion m(cfg);
        ddpm::Rng init(6);
        m.init(init);
        const ddpm::Rng draws(7);
        ddpm::LossBuffers buf;
        const ddpm::LossSettings set{o, 0.3f};
        auto f = [&] {
            ddpm::Rng r = draws;
            return static_cast<double>(
                ddpm::diffusion_loss_fn(m, x_0.data(), B, sched, r, buf, set, labels.data()));
        };
        f();
        m.zero_grad();
        ddpm::diffusion_loss_backward(m, buf);
        // In float, h = 1e-3 (as the float model check in test_model.cpp).
        const std::vector<double> num =
            ddpm::numerical_gradient(f, m.params.data(), m.num_params(), 1e-3);
        const double err = ddpm::max_relative_error(m.grads.data(), num);
        std::printf("%-7s diffusion_loss_fn (%s, labels) gradient in float: %.2e\n",
                    err <= 1e-2 ? "OK" : "NOT OK", ddpm::objective_name(o), err);
        CAPTURE(ddpm::objective_name(o));
        CHECK(err <= 1e-2);
    }
}

TEST_CASE("flow matching's path: x_0 at tau 0, eps at tau 1, velocity eps - x_0 = dx/dtau") {
    ddpm::Rng rng(8);
    const int B = 6, D = 2;
    const std::vector<float> x_0 = normals(B * D, rng, 0.1f), eps = normals(B * D, rng);
    const std::vector<float> tau = {0.0f, 1.0f, 0.3f, 0.5f, 0.9f, 0.01f};
    std::vector<float> x(B * D), u(B * D), x_plus(B * D), x_minus(B * D), unused(B * D);
    ddpm::flow_path(x.data(), u.data(), x_0.data(), eps.data(), tau.data(), B, D);
    CHECK(x[0] == x_0[0]);
    CHECK(x[1 * D] == eps[1 * D]);
    std::vector<float> tp(tau), tm(tau);
    for (int b = 0; b < B; ++b) {
        tp[b] += 1e-3f;
        tm[b] -= 1e-3f;
    }
    ddpm::flow_path(x_plus.data(), unused.data(), x_0.data(), eps.data(), tp.data(), B, D);
    ddpm::flow_path(x_minus.data(), unused.data(), x_0.data(), eps.data(), tm.data(), B, D);
    for (int i = 0; i < B * D; ++i)
        CHECK((x_plus[i] - x_minus[i]) / 2e-3f == doctest::Approx(u[i]).epsilon(1e-3));
    float pairs[5];
    ddpm::Rng r(9);
    ddpm::antithetic_times(pairs, 5, r);
    CHECK(pairs[0] + pairs[2] == doctest::Approx(1.0));
    CHECK(pairs[1] + pairs[3] == doctest::Approx(1.0));
    CHECK(pairs[4] >= 0.0f);
    CHECK(ddpm::flow_position(0.5f, 101) == 50.0f);
}

// A network whose output is x - m, built by hand (identity through ReLU pairs): the ODE
// dx/dtau = x - m has x(0) = m + (x_1 - m) / e, and each solver's step multiplies x - m by a known
// factor: 1 + h for Euler, 1 + h + h^2 / 2 for Heun (h = -1/N).
TEST_CASE("Euler and Heun: the exact step factors, first- and second-order errors") {
    ddpm::MLPDiffusion net(ddpm::ModelConfig{10, 4, 1, 2});
    std::fill(net.params.begin(), net.params.end(), 0.0f);
    float* w0 = net.params.data() + net.info("linears.0.weight").offset;  // (4, 2)
    float* w1 = net.params.data() + net.info("linears.2.weight").offset;  // (2, 4)
    float* b1 = net.params.data() + net.info("linears.2.bias").offset;
    const float m[2] = {0.05f, -0.1f};
    const float in_rows[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    for (int j = 0; j < 4; ++j)
        for (int d = 0; d < 2; ++d) w0[j * 2 + d] = in_rows[j][d];
    w1[0 * 4 + 0] = 1;
    w1[0 * 4 + 1] = -1;
    w1[1 * 4 + 2] = 1;
    w1[1 * 4 + 3] = -1;
    b1[0] = -m[0];
    b1[1] = -m[1];
    const ddpm::Denoiser d{&net, ddpm::Objective::flow};
    ddpm::Tensor x_1({1, 2});
    x_1.at(0, 0) = 1.0f;
    x_1.at(0, 1) = -0.5f;
    double err[2][2];
    for (int k = 0; k < 2; ++k) {
        const int N = k == 0 ? 10 : 20;
        const double h = -1.0 / N;
        for (ddpm::FlowSolver s : {ddpm::FlowSolver::euler, ddpm::FlowSolver::heun}) {
            const double factor =
                std::pow(s == ddpm::FlowSolver::euler ? 1 + h : 1 + h + h * h / 2, N);
            const ddpm::Tensor seq = ddpm::flow_sample_loop(d, x_1, N, s, 1.0f);  // (N + 1, 1, 2)
            CHECK(seq.dim(0) == N + 1);
            const int si = s == ddpm::FlowSolver::euler ? 0 : 1;
            err[si][k] = 0;
            for (int j = 0; j < 2; ++j) {
                const ddpm::Tensor last = seq.frame(N);
                const double x0 = last.at(0, j), start = x_1.at(0, j);
                CHECK(x0 == doctest::Approx(m[j] + (start - m[j]) * factor).epsilon(1e-5));
                err[si][k] += std::fabs(x0 - (m[j] + (start - m[j]) / std::exp(1.0)));
            }
        }
        CHECK(ddpm::flow_evaluations(d, N, ddpm::FlowSolver::heun) == 2 * N);
    }
    // Halving the step halves Euler's error and quarters Heun's. The tools' grid tau = (1 - i/N)^2
    // starts at 1 and ends at 0, and is finer near 0.
    const std::vector<float> tau = ddpm::flow_times(4, 2.0f);
    CHECK(tau == std::vector<float>{1.0f, 0.5625f, 0.25f, 0.0625f, 0.0f});
    CHECK(err[0][0] / err[0][1] == doctest::Approx(2.0).epsilon(0.1));
    CHECK(err[1][0] / err[1][1] == doctest::Approx(4.0).epsilon(0.1));
}

TEST_CASE("label dropout drops at its rate; guidance mixes the two passes linearly") {
    ddpm::Rng rng(10);
    std::vector<int> c(100000, 1);
    ddpm::drop_labels(c.data(), static_cast<int>(c.size()), 3, 0.1f, rng);
    int dropped = 0;
    for (int v : c) dropped += v == 3;
    CHECK(std::fabs(dropped - 10000) < 5 * std::sqrt(100000 * 0.1 * 0.9));  // 5 sigma
    ddpm::ModelConfig cfg{10, 16, 2, 2};
    cfg.num_classes = 2;
    ddpm::MLPDiffusion m(cfg);
    m.init(rng);
    const int n = 5;
    const std::vector<float> x = normals(n * 2, rng, 0.3f);
    std::vector<int> t(n, 4), label(n, 1);
    std::vector<float> cond(n * 2), uncond(n * 2), guided(n * 2);
    m.forward(cond.data(), x.data(), ddpm::Conditioning{t.data(), nullptr, label.data()}, n);
    m.forward(uncond.data(), x.data(), t.data(), n);
    for (float w : {0.0f, 1.0f, 3.0f}) {
        const ddpm::Denoiser d{&m, ddpm::Objective::eps, 1, w};
        ddpm::Conditioning time;
        time.t = t.data();
        ddpm::denoiser_output(d, guided.data(), x.data(), time, n);
        for (int i = 0; i < n * 2; ++i)
            CHECK(guided[i] ==
                  doctest::Approx(uncond[i] + w * (cond[i] - uncond[i])).epsilon(1e-6));
        CHECK(ddpm::evaluations_per_call(d) == (w == 3.0f ? 2 : 1));
    }
}

TEST_CASE("labelled data sets: make_dataset's points, with the classes their parameter gives") {
    const ddpm::LabelledData d = ddpm::make_labelled_dataset("s_curve", 3000, 3, 42);
    const ddpm::Tensor plain = ddpm::make_dataset("s_curve", 3000, 42);
    REQUIRE(d.points.size() == plain.size());
    for (size_t i = 0; i < plain.size(); ++i) CHECK(d.points[i] == plain[i]);
    // The S-curve's arcs by t: the upper bend (z near +0.15), the middle (0), the lower (-0.15).
    double z[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    for (int i = 0; i < 3000; ++i) {
        z[d.labels[i]] += d.points.at(i, 1);
        ++count[d.labels[i]];
    }
    for (int k = 0; k < 3; ++k) {
        CHECK(std::abs(count[k] - 1000) < 100);
        z[k] /= count[k];
    }
    CHECK(z[0] == doctest::Approx(0.16).epsilon(0.1));
    CHECK(std::fabs(z[1]) < 0.01);
    CHECK(z[2] == doctest::Approx(-0.16).epsilon(0.1));
    const ddpm::LabelledData moons = ddpm::make_labelled_dataset("moons", 10, 2, 1);
    CHECK(moons.labels == std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
    const ddpm::LabelledData eight = ddpm::make_labelled_dataset("eight_gaussians", 400, 4, 1);
    for (int i = 0; i < 400; ++i) {  // class k holds the modes at angles 2k and 2k + 1 (x pi/4)
        const double a = std::atan2(eight.points.at(i, 1), eight.points.at(i, 0));
        const int mode =
            static_cast<int>(std::lround((a < -0.3 ? a + 2 * M_PI : a) / (M_PI / 4))) % 8;
        CHECK(eight.labels[i] == mode / 2);
    }
    CHECK_THROWS_WITH(ddpm::make_labelled_dataset("checkerboard", 10, 2, 1),
                      doctest::Contains("has no labels"));
    CHECK_THROWS_WITH(ddpm::make_labelled_dataset("moons", 10, 3, 1),
                      doctest::Contains("it has 2 parts"));
}
