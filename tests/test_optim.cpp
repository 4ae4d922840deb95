#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nn/optim.h"

TEST_CASE("Adam's first two steps equal the hand-computed values") {
    // One parameter p = 1 with gradients 0.5, then -0.2; lr 0.1, default betas and eps.
    ddpm::Adam adam(1, ddpm::AdamConfig{0.1f});
    float p = 1.0f, g = 0.5f;
    adam.step(&p, &g);
    // m = 0.05, v = 0.00025; m_hat = 0.5, v_hat = 0.25: p -= 0.1 * 0.5 / (0.5 + 1e-8)
    CHECK(p == doctest::Approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-6));
    g = -0.2f;
    adam.step(&p, &g);
    double m = 0.9 * 0.05 + 0.1 * -0.2, v = 0.999 * 0.00025 + 0.001 * 0.04;
    double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.999 * 0.999);
    CHECK(p == doctest::Approx(0.9 - 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8)).epsilon(1e-6));
    CHECK(adam.t == 2);
}

TEST_CASE("clip_grad_norm scales by max_norm / (norm + 1e-6) only above max_norm") {
    float g[2] = {3, 4};  // norm 5
    float norm = ddpm::clip_grad_norm(g, 2, 1.0f);
    CHECK(norm == doctest::Approx(5));
    CHECK(g[0] == doctest::Approx(3 * 1.0 / (5 + 1e-6)));
    CHECK(g[1] == doctest::Approx(4 * 1.0 / (5 + 1e-6)));
    float h[2] = {0.3f, 0.4f};  // norm 0.5: untouched
    ddpm::clip_grad_norm(h, 2, 1.0f);
    CHECK(h[0] == 0.3f);
    CHECK(h[1] == 0.4f);
}

TEST_CASE("EMA: shadow = mu x + (1 - mu) shadow, starting from the registered value") {
    float p[2] = {1, 2};
    ddpm::EMA ema(p, 2, 0.01f);
    CHECK(ema.shadow[1] == 2);
    p[0] = 3;
    p[1] = 0;
    ema.update(p);
    CHECK(ema.shadow[0] == doctest::Approx(0.01 * 3 + 0.99 * 1));
    CHECK(ema.shadow[1] == doctest::Approx(0.99 * 2));
    CHECK_THROWS(ddpm::EMA(p, 2, 0.0f));
}

// The norm is summed in fixed blocks of 4096 (each in 8 running sums, several blocks at once): the
// same bits as summing each block on its own, and within 1e-12 of a plain sum in long double.
TEST_CASE("clip_grad_norm's blocked sum: the notebook's 72,066 gradients") {
    const size_t n = 72066, block = 4096;
    std::vector<float> g(n);
    for (size_t i = 0; i < n; ++i) g[i] = static_cast<float>(std::sin(0.37 * i)) * 1e-3f;
    double by_blocks = 0;
    for (size_t b0 = 0; b0 < n; b0 += block) {
        const size_t b1 = std::min(n, b0 + block);
        double lanes[8] = {}, sq = 0;
        size_t i = b0;
        for (; i + 8 <= b1; i += 8)
            for (int k = 0; k < 8; ++k) lanes[k] += static_cast<double>(g[i + k]) * g[i + k];
        for (; i < b1; ++i) sq += static_cast<double>(g[i]) * g[i];
        for (double lane : lanes) sq += lane;
        by_blocks += sq;
    }
    long double plain = 0;
    for (float x : g) plain += static_cast<long double>(x) * x;
    float norm = ddpm::clip_grad_norm(g.data(), n, 1e9f);  // large max_norm: no clipping
    CHECK(norm == static_cast<float>(std::sqrt(by_blocks)));
    CHECK(std::fabs(norm - std::sqrt(static_cast<double>(plain))) < 1e-12 * n);
}
