// Checks for exercise 06, by value: AdamW's first two steps against numbers worked out by hand;
// with no gradient, the closed form (1 - lr wd)^k of pure decay; three steps on random vectors
// against the library's Adam, after the same decay; with no decay, the library's Adam itself; and
// clipping against its formula.
#include <cmath>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "exercise.h"
#include "nn/optim.h"

int main() {
    exercise::Checker check = exercise::start("06 AdamW and gradient clipping");
    float p = 1.0f, g = 0.5f, m = 0, v = 0;
    ex::adamw_step(&p, &g, &m, &v, 1, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
    check.near("AdamW step 1: p = 1 * (1 - 0.1 * 0.5) - 0.1 * 0.5 / (0.5 + 1e-8)", p,
               0.95 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-6);
    check.near("AdamW step 1: m = 0.1 * 0.5", m, 0.05, 1e-7);
    check.near("AdamW step 1: v = 0.001 * 0.25", v, 0.00025,
               1e-8);  // float: 1 - 0.999 is 0.00099999
    g = -0.2f;
    const double p1 = p;
    ex::adamw_step(&p, &g, &m, &v, 1, 2, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
    double m2 = 0.9 * 0.05 - 0.02, v2 = 0.999 * 0.00025 + 0.001 * 0.04;
    double want = p1 * 0.95 - 0.1 * (m2 / 0.19) / (std::sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
    check.near("AdamW step 2 (decay, then bias corrections with t = 2)", p, want, 1e-6);

    // No gradient: the moments stay 0 and only the decay acts, so p = p_0 (1 - lr wd)^k. (Adam with
    // the decay added to the gradient, PyTorch's Adam(weight_decay=...), would move much more.)
    float q = 2.0f, zero = 0.0f, mq = 0, vq = 0;
    for (long t = 1; t <= 10; ++t)
        ex::adamw_step(&q, &zero, &mq, &vq, 1, t, 0.1f, 0.9f, 0.999f, 1e-8f, 0.2f);
    check.near("AdamW, 10 steps with zero gradient: 2 * (1 - 0.1 * 0.2)^10", q,
               2 * std::pow(0.98, 10), 1e-5);

    ddpm::Rng rng(6);
    const size_t n = 50;
    for (float wd : {0.0f, 0.01f}) {
        std::vector<float> mine(n), grads(n), mm(n, 0), vv(n, 0);
        for (float& x : mine) x = rng.normal();
        std::vector<float> ref = mine;
        ddpm::Adam adam(n, ddpm::AdamConfig{1e-2f});
        for (long t = 1; t <= 3; ++t) {
            for (float& x : grads) x = rng.normal();
            ex::adamw_step(mine.data(), grads.data(), mm.data(), vv.data(), n, t, 1e-2f, 0.9f,
                           0.999f, 1e-8f, wd);
            for (float& x : ref) x *= 1.0f - 1e-2f * wd;
            adam.step(ref.data(), grads.data());
        }
        check.all_near(wd == 0 ? "three steps, no decay, vs the library's Adam"
                               : "three steps, decay 0.01, vs the decay then the library's Adam",
                       mine.data(), ref.data(), n, 1e-6,
                       [](size_t i) { return "parameter " + std::to_string(i); });
    }

    float gr[2] = {3, 4};
    float norm = ex::clip_grad_norm(gr, 2, 1.0f);
    check.near("clip: the norm of (3, 4) is 5", norm, 5, 1e-6);
    check.near("clip: (3, 4) scaled by 1 / (5 + 1e-6)", gr[0], 3 / (5 + 1e-6), 1e-6);
    float small[2] = {0.3f, 0.4f};
    ex::clip_grad_norm(small, 2, 1.0f);
    check.all_near("clip: a gradient of norm 0.5 is left alone", small,
                   std::vector<float>{0.3f, 0.4f}.data(), 2, 0.0);
    return check.finish();
}
