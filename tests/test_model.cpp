#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/gradcheck.h"
#include "nn/layers.h"
#include "nn/model.h"

TEST_CASE("the notebook's MLPDiffusion has 72,066 parameters under PyTorch's names") {
    ddpm::MLPDiffusion m;
    CHECK(m.num_params() == 72066);
    CHECK(m.layout().size() == 11);
    CHECK(m.info("linears.0.weight").shape == std::vector<int>{128, 2});
    CHECK(m.info("linears.6.weight").shape == std::vector<int>{2, 128});
    CHECK(m.info("step_embeddings.2.weight").shape == std::vector<int>{100, 128});
    CHECK_THROWS_WITH(m.info("linears.1.weight"), "model has no parameter named linears.1.weight");
    ddpm::MLPDiffusion wide(ddpm::ModelConfig{50, 64, 2, 2});
    // (2*64 + 64) + (64*64 + 64) + (64*2 + 2) + 2 * 50*64
    CHECK(wide.num_params() == 192 + 4160 + 130 + 6400);
}

TEST_CASE("initialisation follows PyTorch: U(+-1/sqrt(fan_in)) for Linear, N(0, 1) for Embedding") {
    ddpm::MLPDiffusion m;
    ddpm::Rng rng(1);
    m.init(rng);
    for (const ddpm::ParamInfo& p : m.layout()) {
        CAPTURE(p.name);
        double sum = 0, sq = 0, biggest = 0;
        for (size_t i = 0; i < p.size(); ++i) {
            double v = m.params[p.offset + i];
            sum += v;
            sq += v * v;
            biggest = std::fmax(biggest, std::fabs(v));
        }
        double n = p.size(), mean = sum / n, var = sq / n - mean * mean;
        if (p.name.rfind("step_embeddings", 0) == 0) {
            CHECK(std::fabs(mean) < 5 / std::sqrt(n));
            CHECK(var == doctest::Approx(1).epsilon(0.05));
        } else {
            int fan_in = p.name == "linears.0.weight" || p.name == "linears.0.bias" ? 2 : 128;
            double bound = 1 / std::sqrt(fan_in);
            CHECK(biggest <= bound);
            if (n > 1000) CHECK(var == doctest::Approx(bound * bound / 3).epsilon(0.05));
        }
    }
}

TEST_CASE("the model's forward is the composition of its layers") {
    ddpm::MLP<double> m(ddpm::ModelConfig{4, 3, 1, 2});  // Linear(2,3) +Emb ReLU Linear(3,2)
    ddpm::Rng rng(2);
    m.init(rng);
    double x[2] = {0.3, -0.7}, out[2], h[3], want[2];
    int t[1] = {2};
    m.forward(out, x, t, 1);
    const double* P = m.params.data();
    auto at = [&](const char* name) { return P + m.info(name).offset; };
    ddpm::linear_forward(h, x, at("linears.0.weight"), at("linears.0.bias"), 1, 2, 3);
    for (int k = 0; k < 3; ++k)
        h[k] = std::fmax(h[k] + at("step_embeddings.0.weight")[2 * 3 + k], 0.0);
    ddpm::linear_forward(want, h, at("linears.2.weight"), at("linears.2.bias"), 1, 3, 2);
    CHECK(out[0] == doctest::Approx(want[0]).epsilon(1e-12));
    CHECK(out[1] == doctest::Approx(want[1]).epsilon(1e-12));
    int bad[1] = {4};
    CHECK_THROWS_WITH(m.forward(out, x, bad, 1), "model: step 4 out of range [0, 4)");
}

// Whole-model check: L = sum(out * R); every parameter tensor against central differences.
// With `continuous`, the time is given as positions between the table's rows (flow matching's);
// a model with classes is given some, and "no class" for one sample.
template <typename T>
double model_gradient_error(double h, bool print, ddpm::ModelConfig cfg = {10, 16, 3, 2},
                            bool continuous = false) {
    ddpm::MLP<T> m(cfg);
    ddpm::Rng rng(4);
    m.init(rng);
    const int B = 6;
    std::vector<T> x(B * 2), out(B * 2), R(B * 2);
    int t[B] = {0, 9, 3, 3, 7, 1};
    const float s[B] = {0.0f, 9.0f, 3.25f, 3.7f, 6.5f, 0.125f};  // both ends, shared rows
    int c[B] = {0, 1, 2, 1, 0, 0};
    c[B - 1] = cfg.num_classes;  // "no class"
    ddpm::Conditioning in;
    in.t = continuous ? nullptr : t;
    in.s = continuous ? s : nullptr;
    in.c = cfg.num_classes > 0 ? c : nullptr;
    for (T& v : x) v = rng.normal();
    for (T& v : R) v = rng.normal();
    auto f = [&] {
        m.forward(out.data(), x.data(), in, B);
        double s = 0;
        for (int i = 0; i < B * 2; ++i) s += static_cast<double>(out[i]) * R[i];
        return s;
    };
    f();
    m.zero_grad();
    m.backward(R.data());
    double worst = 0;
    for (const ddpm::ParamInfo& p : m.layout()) {
        std::vector<double> num =
            ddpm::numerical_gradient(f, m.params.data() + p.offset, p.size(), h);
        double err = ddpm::max_relative_error(m.grads.data() + p.offset, num);
        if (print)
            std::printf("        %-26s largest relative difference %.2e\n", p.name.c_str(), err);
        worst = std::fmax(worst, err);
    }
    return worst;
}

// Prints a gradient check's result as an OK / NOT OK line and checks it.
static void check_gradient(const char* what, double err, double tol) {
    std::printf("%-7s %s: %.2e\n", err <= tol ? "OK" : "NOT OK", what, err);
    CHECK(err <= tol);
}

// In float, h = 1e-3: f's rounding (~1e-7 |f|) over 2h stays near 1e-4, and a step that small
// rarely pushes a hidden unit across its ReLU's kink (where the derivative jumps).
TEST_CASE("the whole model's backward matches finite differences (double 1e-6, float 1e-2)") {
    double d = model_gradient_error<double>(1e-6, true);
    check_gradient("whole model in double", d, 1e-6);
    double f = model_gradient_error<float>(1e-3, false);
    check_gradient("whole model in float", f, 1e-2);
}

TEST_CASE("backward accumulates: two backward passes give twice the gradient") {
    ddpm::MLP<double> m(ddpm::ModelConfig{5, 8, 2, 2});
    ddpm::Rng rng(6);
    m.init(rng);
    double x[4] = {0.1, 0.2, -0.3, 0.4}, out[4], dout[4] = {1, -1, 0.5, 2};
    int t[2] = {1, 4};
    m.forward(out, x, t, 2);
    m.zero_grad();
    m.backward(dout);
    auto once = m.grads;
    m.backward(dout);
    for (size_t i = 0; i < once.size(); ++i) CHECK(m.grads[i] == doctest::Approx(2 * once[i]));
}

TEST_CASE("sinusoidal step embeddings: a fixed table, no parameters, exact gradients") {
    ddpm::ModelConfig cfg;
    cfg.embedding = ddpm::ModelConfig::Embedding::sinusoidal;
    ddpm::MLPDiffusion m(cfg);
    CHECK(m.num_params() == 72066 - 3 * 100 * 128);  // the three learned tables are gone
    CHECK_THROWS(m.info("step_embeddings.0.weight"));
    // Row t of the table is sin(t w_0), cos(t w_0), sin(t w_1), ... with w_0 = 1. With a first
    // layer of zeros the hidden units are relu(table[t]); an output layer that copies units 0 and
    // 1 shows them: (relu(sin t), relu(cos t)).
    ddpm::MLP<double> probe(
        ddpm::ModelConfig{10, 4, 1, 2, ddpm::ModelConfig::Embedding::sinusoidal});
    std::fill(probe.params.begin(), probe.params.end(), 0.0);
    double* w_out = probe.params.data() + probe.info("linears.2.weight").offset;  // (2, 4)
    w_out[0 * 4 + 0] = 1;
    w_out[1 * 4 + 1] = 1;
    for (int step : {3, 5}) {
        double x[2] = {0, 0}, out[2];
        int t[1] = {step};
        probe.forward(out, x, t, 1);
        CHECK(out[0] == doctest::Approx(std::fmax(std::sin(step), 0.0)));
        CHECK(out[1] == doctest::Approx(std::fmax(std::cos(step), 0.0)));
    }
    ddpm::ModelConfig small{10, 16, 3, 2, ddpm::ModelConfig::Embedding::sinusoidal};
    double d = model_gradient_error<double>(1e-6, false, small);
    check_gradient("whole model, sinusoidal embeddings, in double", d, 1e-6);
}

TEST_CASE(
    "Fourier features: the first layer sees x, sin(2^f pi x), cos(2^f pi x); gradients exact") {
    ddpm::ModelConfig cfg;
    cfg.fourier = 4;  // 2 + 2 * 2 * 4 = 18 inputs
    ddpm::MLPDiffusion m(cfg);
    CHECK(m.info("linears.0.weight").shape == std::vector<int>{128, 18});
    CHECK(m.num_params() == 72066 + 128 * 16);
    // A first layer that copies input j to hidden unit j, and an output layer that copies unit u
    // to output 0, show feature u: (x0, x1, sin(pi x0), cos(pi x0), sin(pi x1), cos(pi x1), ...).
    ddpm::ModelConfig small{10, 8, 1, 2};
    small.fourier = 1;  // 6 inputs
    for (int u : {0, 2, 3, 5}) {
        ddpm::MLP<double> probe(small);
        std::fill(probe.params.begin(), probe.params.end(), 0.0);
        std::fill(probe.params.begin() + probe.info("step_embeddings.0.weight").offset,
                  probe.params.end(), 10.0);  // +10 keeps every unit above its ReLU's kink
        double* w0 = probe.params.data() + probe.info("linears.0.weight").offset;  // (8, 6)
        for (int j = 0; j < 6; ++j) w0[j * 6 + j] = 1;
        probe.params[probe.info("linears.2.weight").offset + u] = 1;  // output 0 <- unit u
        double x[2] = {0.3, -0.2}, out[2];
        int t[1] = {4};
        probe.forward(out, x, t, 1);
        const double want[6] = {0.3,
                                -0.2,
                                std::sin(M_PI * 0.3),
                                std::cos(M_PI * 0.3),
                                std::sin(M_PI * -0.2),
                                std::cos(M_PI * -0.2)};
        CAPTURE(u);
        CHECK(out[0] - 10 == doctest::Approx(want[u]).epsilon(1e-12));
    }
    ddpm::ModelConfig grad_cfg{10, 16, 2, 2};
    grad_cfg.fourier = 3;
    double d = model_gradient_error<double>(1e-6, false, grad_cfg);
    check_gradient("whole model, Fourier features, in double", d, 1e-6);
}

TEST_CASE(
    "the gradient at the input x matches finite differences, with and without Fourier features") {
    for (int fourier : {0, 2}) {
        CAPTURE(fourier);
        ddpm::ModelConfig cfg{10, 16, 3, 2};
        cfg.fourier = fourier;
        ddpm::MLP<double> m(cfg);
        ddpm::Rng rng(8);
        m.init(rng);
        const int B = 5;
        std::vector<double> x(B * 2), out(B * 2), R(B * 2), dx(B * 2, 0.25);
        int t[B] = {0, 9, 4, 4, 2};
        for (double& v : x) v = 0.3 * rng.normal();
        for (double& v : R) v = rng.normal();
        auto f = [&] {
            m.forward(out.data(), x.data(), t, B);
            double s = 0;
            for (int i = 0; i < B * 2; ++i) s += out[i] * R[i];
            return s;
        };
        f();
        m.backward(R.data(), dx.data());  // accumulates onto the 0.25 already there
        for (double& v : dx) v -= 0.25;
        const std::vector<double> num = ddpm::numerical_gradient(f, x.data(), x.size(), 1e-6);
        const double err = ddpm::max_relative_error(dx.data(), num);
        MESSAGE("dL/dx against central differences: " << err);
        CHECK(err <= 1e-6);
        // And the parameters' gradients are the ones backward(dout) gives.
        std::vector<double> with_dx(m.grads.begin(), m.grads.end());
        m.zero_grad();
        f();
        m.backward(R.data());
        for (size_t i = 0; i < with_dx.size(); ++i) REQUIRE(with_dx[i] == m.grads[i]);
    }
}

TEST_CASE(
    "classes: a (K + 1, hidden) table per block, added like the step's row; exact gradients") {
    ddpm::ModelConfig cfg;
    cfg.num_classes = 3;
    ddpm::MLPDiffusion m(cfg);
    CHECK(m.num_params() == 72066 + 3 * 4 * 128);
    CHECK(m.info("class_embeddings.2.weight").shape == std::vector<int>{4, 128});
    // No classes given is "no class", row K.
    ddpm::Rng rng(3);
    m.init(rng);
    float x[4] = {0.1f, -0.2f, 0.3f, 0.05f}, a[4], b[4];
    int t[2] = {5, 60}, none[2] = {3, 3}, bad[2] = {0, 4};
    m.forward(a, x, t, 2);
    m.forward(b, x, ddpm::Conditioning{t, nullptr, none}, 2);
    for (int i = 0; i < 4; ++i) CHECK(a[i] == b[i]);
    CHECK_THROWS_WITH(m.forward(b, x, ddpm::Conditioning{t, nullptr, bad}, 2),
                      doctest::Contains("class 4 out of range [0, 3]"));
    ddpm::MLPDiffusion plain{ddpm::ModelConfig{}};
    CHECK_THROWS_WITH(plain.forward(b, x, ddpm::Conditioning{t, nullptr, none}, 2),
                      doctest::Contains("without classes"));
    ddpm::ModelConfig small{10, 16, 3, 2};
    small.num_classes = 3;
    const double d = model_gradient_error<double>(1e-6, false, small);
    check_gradient("whole model with classes, in double", d, 1e-6);
}

TEST_CASE("continuous time: a whole position is its step's row; in between, exact gradients") {
    ddpm::MLP<double> m(ddpm::ModelConfig{10, 16, 3, 2});
    ddpm::Rng rng(5);
    m.init(rng);
    double x[4] = {0.1, -0.2, 0.3, 0.05}, a[4], b[4], mid[4];
    int t[2] = {0, 9};
    float s[2] = {0.0f, 9.0f};
    m.forward(a, x, t, 2);
    m.forward(b, x, ddpm::Conditioning{nullptr, s, nullptr}, 2);
    for (int i = 0; i < 4; ++i) CHECK(a[i] == b[i]);
    float out_of_range[2] = {0.0f, 9.5f};
    CHECK_THROWS_WITH(m.forward(b, x, ddpm::Conditioning{nullptr, out_of_range, nullptr}, 2),
                      doctest::Contains("out of range [0, 9]"));
    CHECK_THROWS(m.forward(b, x, ddpm::Conditioning{t, s, nullptr}, 2));  // one of the two
    // Halfway between two steps the first block's pre-activation is the mean of theirs, so with
    // a first layer of zeros and one block the output is ReLU of the mean row.
    ddpm::MLP<double> probe(ddpm::ModelConfig{10, 4, 1, 2});
    probe.init(rng);
    std::fill(probe.params.begin(), probe.params.begin() + probe.info("linears.0.bias").offset + 4,
              0.0);
    float half[1] = {2.5f};
    probe.forward(mid, x, ddpm::Conditioning{nullptr, half, nullptr}, 1);
    const double* table = probe.params.data() + probe.info("step_embeddings.0.weight").offset;
    const double* w = probe.params.data() + probe.info("linears.2.weight").offset;  // (2, 4)
    const double* bias = probe.params.data() + probe.info("linears.2.bias").offset;
    double want = bias[0];
    for (int j = 0; j < 4; ++j)
        want += w[j] * std::fmax(0.5 * (table[2 * 4 + j] + table[3 * 4 + j]), 0.0);
    CHECK(mid[0] == doctest::Approx(want).epsilon(1e-12));
    ddpm::ModelConfig cfg{10, 16, 3, 2};
    cfg.num_classes = 2;
    const double d = model_gradient_error<double>(1e-6, false, cfg, /*continuous=*/true);
    check_gradient("whole model, continuous time and classes, in double", d, 1e-6);
}
