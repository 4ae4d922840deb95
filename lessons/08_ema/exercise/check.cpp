// Checks for exercise 08, by value: the warm-up's decay at a few steps by hand; its effect in
// closed form (from shadow s_0 towards constant weights c, the distance left is the product of the
// decays); and the bias correction against the weighted average it must equal, worked out here in
// double from the weights themselves.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "exercise.h"

static void check_decay(exercise::Checker& check) {
    check.near("warmup_decay(0, 0.999) = 1 / 10", ex::warmup_decay(0, 0.999), 0.1, 1e-12);
    check.near("warmup_decay(10, 0.999) = 11 / 20", ex::warmup_decay(10, 0.999), 0.55, 1e-12);
    check.near("warmup_decay(100, 0.999) = 101 / 110", ex::warmup_decay(100, 0.999), 101.0 / 110,
               1e-12);
    check.near("warmup_decay(20000, 0.999) is capped at 0.999", ex::warmup_decay(20000, 0.999),
               0.999, 1e-12);
}

static void check_warmup(exercise::Checker& check) {
    std::vector<float> shadow = {101, -99}, weights = {1, 1};
    ex::ema_update_warmup(shadow.data(), weights.data(), 2, 0, 0.99);
    const double first[2] = {0.1 * 101 + 0.9, 0.1 * -99 + 0.9};
    check.all_near("the first update (d = 0.1): the starting shadow counts a tenth", shadow.data(),
                   first, 2, 1e-5);
    double left = 0.1;  // the product of the decays so far
    for (long step = 1; step < 5; ++step) {
        ex::ema_update_warmup(shadow.data(), weights.data(), 2, step, 0.99);
        left *= std::min(0.99, (1.0 + step) / (10.0 + step));
    }
    // With a fixed d = 0.99, 95% of the starting shadow would be left; the warm-up leaves 0.05%.
    const double want[2] = {1 + 100 * left, 1 - 100 * left};
    check.all_near("5 updates towards 1: 1 + (s_0 - 1) * the product of the decays", shadow.data(),
                   want, 2, 1e-4, [](size_t i) {
                       return std::string(i ? "the value from -99" : "the value from 101");
                   });
}

static void check_debiased(exercise::Checker& check) {
    const double d = 0.99;
    const int n = 8;
    for (long steps : {1L, 5L, 300L}) {
        ddpm::Rng rng(steps);
        std::vector<float> shadow(n, 0.0f), out(n, NAN);
        std::vector<double> weighted(n, 0.0), weight_sum(1, 0.0);
        for (long k = 1; k <= steps; ++k) {
            for (int i = 0; i < n; ++i) {
                const float w = 1.0f + 0.1f * rng.normal();  // weights jittering around 1
                shadow[i] = static_cast<float>(d) * shadow[i] + static_cast<float>(1 - d) * w;
                weighted[i] += (1 - d) * std::pow(d, static_cast<double>(steps - k)) * w;
            }
            weight_sum[0] += (1 - d) * std::pow(d, static_cast<double>(steps - k));
        }
        for (double& v : weighted) v /= weight_sum[0];
        ex::ema_debiased(out.data(), shadow.data(), n, d, steps);
        check.all_near("debiased after " + std::to_string(steps) +
                           " updates = the decay-weighted average of the weights",
                       out.data(), weighted.data(), n, 1e-4,
                       [](size_t i) { return "value " + std::to_string(i); });
    }
}

int main() {
    exercise::Checker check = exercise::start("08 EMA with warm-up and bias correction");
    check_decay(check);
    check_warmup(check);
    check_debiased(check);
    return check.finish();
}
