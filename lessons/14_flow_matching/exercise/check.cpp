// Checks for exercise 14, by value: the v target against the library's objective_target; the
// way back from v to eps and x_0 on points noised by q_x; Heun's step against two fields whose
// steps are known exactly (dx/dtau = x - m, multiplied by 1 + h + h^2/2 per step; and a velocity
// linear in tau, which the trapezoid rule integrates without error).
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "diffusion.h"
#include "exercise.h"
#include "objective.h"

namespace {

void check_v(exercise::Checker& check, int t) {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::Rng rng(3);
    const int B = 50, n = 2 * B;
    std::vector<float> x_0(n), eps(n), x_t(n), v(n, 0), want(n), eps_back(n, 0), x0_back(n, 0);
    for (int i = 0; i < n; ++i) {
        x_0[i] = 0.1f * rng.normal();
        eps[i] = rng.normal();
    }
    const std::vector<int> steps(B, t);
    ddpm::q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), B, 2, sched);
    ddpm::objective_target(want.data(), x_0.data(), eps.data(), steps.data(), B, 2, sched,
                           ddpm::Objective::v);
    ex::v_target(v.data(), x_0.data(), eps.data(), n, t, sched);
    const std::string at = ", t = " + std::to_string(t);
    check.all_near("v = sqrt(abar) eps - sqrt(1 - abar) x_0" + at, v.data(), want.data(), n, 1e-6);
    ex::eps_and_x0_from_v(eps_back.data(), x0_back.data(), want.data(), x_t.data(), n, t, sched);
    check.all_near("eps from v and x_t" + at, eps_back.data(), eps.data(), n, 1e-5);
    check.all_near("x_0 from v and x_t" + at, x0_back.data(), x_0.data(), n, 1e-5);
}

void check_heun(exercise::Checker& check) {
    const float m[2] = {0.05f, -0.1f};
    const ex::Field pull = [&](const float* x, float, float* v) {
        for (int d = 0; d < 2; ++d) v[d] = x[d] - m[d];
    };
    float x[2] = {1.0f, -0.5f};
    const float h = -0.25f, factor = 1 + h + h * h / 2;
    ex::heun_step(x, 2, 1.0f, 0.75f, pull);
    const float want[2] = {m[0] + (1.0f - m[0]) * factor, m[1] + (-0.5f - m[1]) * factor};
    check.all_near("dx/dtau = x - m: one step multiplies x - m by 1 + h + h^2/2", x, want, 2, 1e-6);
    const ex::Field linear = [](const float*, float tau, float* v) {
        v[0] = tau;
        v[1] = 3 * tau - 1;
    };
    float y[2] = {0.2f, 0.4f};
    ex::heun_step(y, 2, 0.9f, 0.3f, linear);
    // The exact change: the integral of the velocity from 0.9 to 0.3.
    const float exact[2] = {0.2f + (0.09f - 0.81f) / 2,
                            0.4f + 1.5f * (0.09f - 0.81f) - (0.3f - 0.9f)};
    check.all_near("a velocity linear in tau: Heun's step is exact", y, exact, 2, 1e-6);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("14 v, and a step of Heun's method");
    for (int t : {0, 50, 99}) check_v(check, t);
    check_heun(check);
    return check.finish();
}
