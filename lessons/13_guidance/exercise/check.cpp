// Checks for exercise 13, by value: the guided mix at w = 0, 1 and 3 against its two ends, and the
// implied classifier's gradient against finite differences of log p(c | x_t), computed exactly
// from the ideal denoisers (lesson 11) of a small labelled S-curve: one of the class's points for
// eps_cond, one of all the points for eps_uncond.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "datasets.h"
#include "exercise.h"
#include "score.h"

namespace {

void check_guided(exercise::Checker& check) {
    const float cond[4] = {0.5f, -1.0f, 2.0f, 0.0f}, uncond[4] = {0.1f, 0.3f, -2.0f, 1.0f};
    float eps[4] = {0, 0, 0, 0};
    ex::guided_eps(eps, cond, uncond, 4, 0.0f);
    check.all_near("w = 0: the unconditional answer", eps, uncond, 4, 1e-7);
    ex::guided_eps(eps, cond, uncond, 4, 1.0f);
    check.all_near("w = 1: the conditional answer", eps, cond, 4, 1e-7);
    ex::guided_eps(eps, cond, uncond, 4, 3.0f);
    const float want[4] = {1.3f, -3.6f, 10.0f, -2.0f};
    check.all_near("w = 3: three times as far from the unconditional answer", eps, want, 4, 1e-5);
}

// log p(c | x) up to the constant log p(c): log q_c(x) - log q(x), at one point.
double log_posterior(const ddpm::IdealDenoiser& cls, const ddpm::IdealDenoiser& all, float x,
                     float y, int t, const ddpm::Schedule& sched) {
    const float p[2] = {x, y};
    double lc = 0, la = 0;
    cls.log_density(&lc, p, 1, t, sched);
    all.log_density(&la, p, 1, t, sched);
    return lc - la;
}

void check_classifier(exercise::Checker& check, int t) {
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    const ddpm::LabelledData data = ddpm::make_labelled_dataset("s_curve", 300, 3, 5);
    const ddpm::IdealDenoiser cls(ddpm::class_points(data, 0)), all(data.points);  // upper bend
    const float x[6] = {0.02f, 0.05f, -0.08f, 0.12f, 0.09f, -0.1f};                // three points
    float eps_c[6], eps_u[6], grad[6] = {0, 0, 0, 0, 0, 0};
    cls.eps(eps_c, x, 3, t, sched);
    all.eps(eps_u, x, 3, t, sched);
    ex::implied_classifier_gradient(grad, eps_c, eps_u, 6, t, sched);
    // Central differences in double around each point.
    const double h = 1e-4;
    double want[6];
    for (int i = 0; i < 3; ++i) {
        const float px = x[2 * i], py = x[2 * i + 1];
        want[2 * i] = (log_posterior(cls, all, px + h, py, t, sched) -
                       log_posterior(cls, all, px - h, py, t, sched)) /
                      (2 * h);
        want[2 * i + 1] = (log_posterior(cls, all, px, py + h, t, sched) -
                           log_posterior(cls, all, px, py - h, t, sched)) /
                          (2 * h);
    }
    double scale = 0;
    for (double v : want) scale = std::fmax(scale, std::fabs(v));
    check.all_near(
        "grad log p(upper bend | x_t) against finite differences, t = " + std::to_string(t), grad,
        want, 6, 1e-3 * scale);
}

}  // namespace

int main() {
    exercise::Checker check = exercise::start("13 guidance and its implied classifier");
    check_guided(check);
    for (int t : {20, 60}) check_classifier(check, t);
    return check.finish();
}
