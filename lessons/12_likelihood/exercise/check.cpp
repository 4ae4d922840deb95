// Checks for exercise 12, by value: Heun's step on two nonlinear fields against the step written
// out, and its log |det| against the finite-difference Jacobian of the whole step (which catches a
// Jacobian that forgets that y~ moves with y); a linear field, whose step is the matrix
// I + hA + (hA)^2 / 2; Hutchinson's estimate, exact for a diagonal Jacobian, near the trace over
// many draws, and the generator's state after exactly two draws a vector.
#include <cmath>
#include <string>

#include "check.h"
#include "exercise.h"

namespace {

// Two smooth fields unlike anything in lib, with their Jacobians.
void field_a(const double* y, double* f, double* J) {
    f[0] = std::sin(y[1]) + 0.5 * y[0];
    f[1] = y[0] * y[1] - 0.3;
    J[0] = 0.5, J[1] = std::cos(y[1]);
    J[2] = y[1], J[3] = y[0];
}
void field_b(const double* y, double* f, double* J) {
    const double th = std::tanh(y[0] - y[1]);
    f[0] = th + 0.2;
    f[1] = 0.3 * y[1] * y[1] + y[0];
    J[0] = 1 - th * th, J[1] = -(1 - th * th);
    J[2] = 1.0, J[3] = 0.6 * y[1];
}

// The step itself, written out.
void step(const double* y, double h, double* out) {
    double fa[2], fb[2], J[4], ahead[2];
    field_a(y, fa, J);
    for (int d = 0; d < 2; ++d) ahead[d] = y[d] + h * fa[d];
    field_b(ahead, fb, J);
    for (int d = 0; d < 2; ++d) out[d] = y[d] + h / 2 * (fa[d] + fb[d]);
}

void check_step(exercise::Checker& check, const double* start, double h) {
    double y[2] = {start[0], start[1]}, want[2];
    step(start, h, want);
    const double logdet = ex::heun_step_logdet(y, h, field_a, field_b);
    char at[64];
    std::snprintf(at, sizeof at, " at (%g, %g), h = %g", start[0], start[1], h);
    check.all_near(std::string("the step's new point") + at, y, want, 2, 1e-12);
    // The Jacobian of the whole step by central differences.
    double J[4];
    const double e = 1e-6;
    for (int j = 0; j < 2; ++j) {
        double plus[2] = {start[0], start[1]}, minus[2] = {start[0], start[1]}, a[2], b[2];
        plus[j] += e;
        minus[j] -= e;
        step(plus, h, a);
        step(minus, h, b);
        for (int i = 0; i < 2; ++i) J[2 * i + j] = (a[i] - b[i]) / (2 * e);
    }
    check.near(std::string("log |det| of the step, against finite differences") + at, logdet,
               std::log(std::fabs(J[0] * J[3] - J[1] * J[2])), 1e-6);
}

void check_linear(exercise::Checker& check) {
    // f_a = f_b = A y: the step is y -> (I + hA + (hA)^2 / 2) y.
    const double A[4] = {0.4, -1.1, 0.7, -0.2}, h = -0.6;
    const ex::Field linear = [&](const double* y, double* f, double* J) {
        f[0] = A[0] * y[0] + A[1] * y[1];
        f[1] = A[2] * y[0] + A[3] * y[1];
        for (int k = 0; k < 4; ++k) J[k] = A[k];
    };
    const double H[4] = {h * A[0], h * A[1], h * A[2], h * A[3]};
    const double H2[4] = {H[0] * H[0] + H[1] * H[2], H[0] * H[1] + H[1] * H[3],
                          H[2] * H[0] + H[3] * H[2], H[2] * H[1] + H[3] * H[3]};
    const double M[4] = {1 + H[0] + H2[0] / 2, H[1] + H2[1] / 2, H[2] + H2[2] / 2,
                         1 + H[3] + H2[3] / 2};
    double y[2] = {0.3, -0.8};
    const double logdet = ex::heun_step_logdet(y, h, linear, linear);
    check.near("a linear field: log |det(I + hA + (hA)^2 / 2)|", logdet,
               std::log(std::fabs(M[0] * M[3] - M[1] * M[2])), 1e-12);
}

void check_hutchinson(exercise::Checker& check) {
    // Diagonal: every draw is exact.
    const ex::VectorJacobian diagonal = [](const double* v, double* out) {
        out[0] = 1.5 * v[0];
        out[1] = -0.4 * v[1];
    };
    ddpm::Rng rng(5);
    check.near("a diagonal Jacobian: one draw is the trace exactly",
               ex::hutchinson_trace(diagonal, 1, rng), 1.1, 1e-12);
    // A full one (J^T v with J = [[0.3, 2], [-1, 0.8]]): the mean of many draws.
    const ex::VectorJacobian full = [](const double* v, double* out) {
        out[0] = 0.3 * v[0] - 1.0 * v[1];
        out[1] = 2.0 * v[0] + 0.8 * v[1];
    };
    ddpm::Rng draws(6), reference(6);
    const int n = 40000;
    const double estimate = ex::hutchinson_trace(full, n, draws);
    // One draw's error is +-(J01 + J10) = +-1, so the mean of n is off by about 1 / sqrt(n).
    check.near("a full Jacobian: the mean of 40,000 draws is the trace", estimate, 1.1,
               5 / std::sqrt(double(n)));
    for (int i = 0; i < 2 * n; ++i) reference.uniform();
    check.equal("the generator after 40,000 draws: two signs a draw, no more, no fewer",
                static_cast<long>(draws.uniform() * 1e6),
                static_cast<long>(reference.uniform() * 1e6));
}

}  // namespace

int main() {
    exercise::Checker check =
        exercise::start("12 the log-det of a step of the ODE sampler, and Hutchinson's trace");
    const double points[3][2] = {{0.3, -0.4}, {-1.2, 0.9}, {0.05, 1.7}};
    for (const auto& p : points)
        for (double h : {-0.3, 0.15}) check_step(check, p, h);
    check_linear(check);
    check_hutchinson(check);
    return check.finish();
}
