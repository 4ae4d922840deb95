// Checks for exercise 06, by value: Adam's first two steps against numbers worked out by hand,
// three steps on random vectors against the library's Adam, and clipping against its formula.
#include <cmath>
#include <vector>

#include "check.h"
#include "exercise.h"
#include "optim.h"
#include "rng.h"

int main() {
    exercise::Checker check = exercise::start("06 Adam and gradient clipping");
    float p = 1.0f, g = 0.5f, m = 0, v = 0;
    ex::adam_step(&p, &g, &m, &v, 1, 1, 0.1f, 0.9f, 0.999f, 1e-8f);
    check.near("Adam step 1: p = 1 - 0.1 * 0.5 / (0.5 + 1e-8)", p, 1 - 0.1 * 0.5 / (0.5 + 1e-8),
               1e-6);
    check.near("Adam step 1: m = 0.1 * 0.5", m, 0.05, 1e-7);
    check.near("Adam step 1: v = 0.001 * 0.25", v, 0.00025,
               1e-8);  // float: 1 - 0.999 is 0.00099999
    g = -0.2f;
    ex::adam_step(&p, &g, &m, &v, 1, 2, 0.1f, 0.9f, 0.999f, 1e-8f);
    double m2 = 0.9 * 0.05 - 0.02, v2 = 0.999 * 0.00025 + 0.001 * 0.04;
    double want = 0.9 - 0.1 * (m2 / 0.19) / (std::sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
    check.near("Adam step 2 (bias corrections with t = 2)", p, want, 1e-6);

    ddpm::Rng rng(6);
    const size_t n = 50;
    std::vector<float> mine(n), grads(n), mm(n, 0), vv(n, 0);
    for (float& x : mine) x = rng.normal();
    std::vector<float> ref = mine;
    ddpm::Adam adam(n, ddpm::AdamConfig{1e-2f});
    for (long t = 1; t <= 3; ++t) {
        for (float& x : grads) x = rng.normal();
        ex::adam_step(mine.data(), grads.data(), mm.data(), vv.data(), n, t, 1e-2f, 0.9f, 0.999f,
                      1e-8f);
        adam.step(ref.data(), grads.data());
    }
    check.all_near("three steps on 50 random parameters vs the library's Adam", mine.data(),
                   ref.data(), n, 1e-6);

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
