#include "likelihood/score.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace ddpm {

void score_from_eps(float* score, const float* eps, int n_values, int t, const Schedule& sched) {
    const float s = sched.one_minus_alphas_bar_sqrt[t];
    for (int i = 0; i < n_values; ++i) score[i] = -eps[i] / s;
}

IdealDenoiser::IdealDenoiser(const Tensor& points) : points_(points) {
    if (points.ndim() != 2 || points.dim(0) < 1)
        throw Error("ideal denoiser: expected training points (N, D), got " + points.shape_str());
}

// For one x: the exponents -|x - a x^i|^2 / (2 s^2) of every training point, and their largest.
static double exponents(std::vector<double>& e, const float* x, const Tensor& pts, double a,
                        double s) {
    const int N = pts.dim(0), D = pts.dim(1);
    double largest = -INFINITY;
    for (int i = 0; i < N; ++i) {
        double d2 = 0;
        for (int d = 0; d < D; ++d) {
            const double diff = x[d] - a * pts.data()[static_cast<size_t>(i) * D + d];
            d2 += diff * diff;
        }
        e[i] = -d2 / (2 * s * s);
        largest = std::max(largest, e[i]);
    }
    return largest;
}

void IdealDenoiser::eps(float* eps, const float* x, int n, int t, const Schedule& sched) const {
    const int N = points_.dim(0), D = points_.dim(1);
    const double a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    std::vector<double> e(N), x0(D);
    for (int p = 0; p < n; ++p) {
        const float* xp = x + static_cast<size_t>(p) * D;
        const double largest = exponents(e, xp, points_, a, s);
        double total = 0;
        std::fill(x0.begin(), x0.end(), 0.0);
        for (int i = 0; i < N; ++i) {
            const double w = std::exp(e[i] - largest);  // softmax, unnormalised
            total += w;
            for (int d = 0; d < D; ++d) x0[d] += w * points_.data()[static_cast<size_t>(i) * D + d];
        }
        for (int d = 0; d < D; ++d)  // E[x_0 | x_t] = x0 / total
            eps[static_cast<size_t>(p) * D + d] =
                static_cast<float>((xp[d] - a * x0[d] / total) / s);
    }
}

void IdealDenoiser::log_density(double* log_q, const float* x, int n, int t,
                                const Schedule& sched) const {
    const int N = points_.dim(0), D = points_.dim(1);
    const double a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
    std::vector<double> e(N);
    for (int p = 0; p < n; ++p) {
        const double largest = exponents(e, x + static_cast<size_t>(p) * D, points_, a, s);
        double total = 0;
        for (int i = 0; i < N; ++i) total += std::exp(e[i] - largest);
        // log (1/N sum_i exp(e_i)) - D/2 log(2 pi s^2), the sum taken around its largest term
        log_q[p] = largest + std::log(total / N) - 0.5 * D * std::log(2 * M_PI * s * s);
    }
}

}  // namespace ddpm
