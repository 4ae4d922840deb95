// Solution to exercise 12. The step's Jacobian by the chain rule: y' = y + h/2 (f_a(y) + f_b(y~))
// with y~ = y + h f_a(y), so d y' / d y = I + h/2 (A + B (I + h A)), A = f_a'(y), B = f_b'(y~).
// Hutchinson: v^T J v = v . (J^T v), whose mean over signs is tr J (E[v v^T] = I).
#include <cmath>

#include "exercise.h"

namespace ex {

double heun_step_logdet(double* y, double h, const Field& f_a, const Field& f_b) {
    double fa[2], A[4], ahead[2], fb[2], B[4];
    f_a(y, fa, A);
    for (int d = 0; d < 2; ++d) ahead[d] = y[d] + h * fa[d];  // Euler's guess y~
    f_b(ahead, fb, B);
    // (I + h A), then B (I + h A)
    const double M[4] = {1 + h * A[0], h * A[1], h * A[2], 1 + h * A[3]};
    const double BM[4] = {B[0] * M[0] + B[1] * M[2], B[0] * M[1] + B[1] * M[3],
                          B[2] * M[0] + B[3] * M[2], B[2] * M[1] + B[3] * M[3]};
    // The step's Jacobian, I + h/2 (A + B (I + h A))
    const double J[4] = {1 + h / 2 * (A[0] + BM[0]), h / 2 * (A[1] + BM[1]), h / 2 * (A[2] + BM[2]),
                         1 + h / 2 * (A[3] + BM[3])};
    for (int d = 0; d < 2; ++d) y[d] += h / 2 * (fa[d] + fb[d]);  // Heun's step
    return std::log(std::fabs(J[0] * J[3] - J[1] * J[2]));
}

double hutchinson_trace(const VectorJacobian& jt_v, int draws, ddpm::Rng& rng) {
    double sum = 0;
    for (int k = 0; k < draws; ++k) {
        double v[2], jv[2];
        for (double& s : v) s = rng.uniform() < 0.5 ? -1.0 : 1.0;
        jt_v(v, jv);
        sum += v[0] * jv[0] + v[1] * jv[1];  // v^T J v = v . (J^T v)
    }
    return sum / draws;
}

}  // namespace ex
