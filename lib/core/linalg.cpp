#include "core/linalg.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace ddpm {

void symmetric_eigen(const std::vector<double>& a_in, int n, std::vector<double>* values,
                     std::vector<double>* vectors) {
    if (n < 1 || a_in.size() != static_cast<size_t>(n) * n)
        throw Error("symmetric_eigen: expected an n x n matrix, n = " + std::to_string(n));
    std::vector<double> a = a_in, v(static_cast<size_t>(n) * n, 0.0);
    auto at = [n](std::vector<double>& m, int i, int j) -> double& {
        return m[static_cast<size_t>(i) * n + j];
    };
    double norm2 = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            norm2 += at(a, i, j) * at(a, i, j);
            if (std::fabs(at(a, i, j) - at(a, j, i)) > 1e-9 * (1 + std::fabs(at(a, i, j))))
                throw Error("symmetric_eigen: the matrix is not symmetric");
        }
    for (int i = 0; i < n; ++i) at(v, i, i) = 1.0;
    const double tiny = 1e-26 * norm2;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0;
        for (int p = 0; p < n; ++p)
            for (int q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
        if (off <= tiny) break;
        for (int p = 0; p < n; ++p)
            for (int q = p + 1; q < n; ++q) {
                const double apq = at(a, p, q);
                if (apq * apq <= tiny / (static_cast<double>(n) * n)) continue;
                // The rotation (c, s) that zeroes a[p][q] (Golub & Van Loan, Alg. 8.4.1).
                const double theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
                const double t =
                    (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                // a <- J^T a J, on rows and columns p and q.
                for (int k = 0; k < n; ++k) {
                    const double akp = at(a, k, p), akq = at(a, k, q);
                    at(a, k, p) = c * akp - s * akq;
                    at(a, k, q) = s * akp + c * akq;
                }
                for (int k = 0; k < n; ++k) {
                    const double apk = at(a, p, k), aqk = at(a, q, k);
                    at(a, p, k) = c * apk - s * aqk;
                    at(a, q, k) = s * apk + c * aqk;
                }
                for (int k = 0; k < n; ++k) {  // v <- v J: the eigenvectors gather
                    const double vkp = at(v, k, p), vkq = at(v, k, q);
                    at(v, k, p) = c * vkp - s * vkq;
                    at(v, k, q) = s * vkp + c * vkq;
                }
            }
    }
    values->resize(n);
    for (int i = 0; i < n; ++i) (*values)[i] = at(a, i, i);
    if (vectors) *vectors = v;
}

}  // namespace ddpm
