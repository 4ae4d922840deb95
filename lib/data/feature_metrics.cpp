#include "data/feature_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/linalg.h"

namespace ddpm {

FeatureGaussian fit_gaussian(const Tensor& features) {
    if (features.ndim() != 2 || features.dim(0) < 2)
        throw Error("fit_gaussian: expected features (n, d) with n >= 2, got " +
                    features.shape_str());
    if (!all_finite(features)) throw Error("fit_gaussian: features contain NaN or infinity");
    const int n = features.dim(0), d = features.dim(1);
    FeatureGaussian g;
    g.dim = d;
    g.mean.assign(d, 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j) g.mean[j] += features.at(i, j);
    for (double& m : g.mean) m /= n;
    g.cov.assign(static_cast<size_t>(d) * d, 0.0);
    std::vector<double> centred(d);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j) centred[j] = features.at(i, j) - g.mean[j];
        for (int j = 0; j < d; ++j)
            for (int k = j; k < d; ++k)
                g.cov[static_cast<size_t>(j) * d + k] += centred[j] * centred[k];
    }
    for (int j = 0; j < d; ++j)
        for (int k = j; k < d; ++k) {
            const double c = g.cov[static_cast<size_t>(j) * d + k] / (n - 1);
            g.cov[static_cast<size_t>(j) * d + k] = c;
            g.cov[static_cast<size_t>(k) * d + j] = c;
        }
    return g;
}

double frechet_distance(const FeatureGaussian& a, const FeatureGaussian& b) {
    if (a.dim != b.dim || a.dim < 1)
        throw Error("frechet_distance: Gaussians of dimensions " + std::to_string(a.dim) + " and " +
                    std::to_string(b.dim));
    const int d = a.dim;
    const size_t dd = static_cast<size_t>(d) * d;
    // |mu_a - mu_b|^2
    double mean_term = 0;
    for (int j = 0; j < d; ++j) mean_term += (a.mean[j] - b.mean[j]) * (a.mean[j] - b.mean[j]);
    // C_a^1/2 = V diag(sqrt(lambda)) V^T (a covariance's eigenvalues are >= 0 up to rounding).
    std::vector<double> lambda, V;
    symmetric_eigen(a.cov, d, &lambda, &V);
    std::vector<double> sqrt_a(dd, 0.0);
    for (int i = 0; i < d; ++i)
        for (int k = 0; k < d; ++k) {
            double s = 0;
            for (int e = 0; e < d; ++e)
                s += V[static_cast<size_t>(i) * d + e] * std::sqrt(std::max(lambda[e], 0.0)) *
                     V[static_cast<size_t>(k) * d + e];
            sqrt_a[static_cast<size_t>(i) * d + k] = s;
        }
    // M = C_a^1/2 C_b C_a^1/2 is symmetric and positive semi-definite, so
    // tr((C_a^1/2 C_b C_a^1/2)^1/2) = sum of the square roots of M's eigenvalues.
    auto product = [d, dd](const std::vector<double>& x, const std::vector<double>& y) {
        std::vector<double> z(dd, 0.0);
        for (int i = 0; i < d; ++i)
            for (int e = 0; e < d; ++e) {
                const double xie = x[static_cast<size_t>(i) * d + e];
                for (int k = 0; k < d; ++k)
                    z[static_cast<size_t>(i) * d + k] += xie * y[static_cast<size_t>(e) * d + k];
            }
        return z;
    };
    std::vector<double> M = product(product(sqrt_a, b.cov), sqrt_a);
    for (int i = 0; i < d; ++i)  // symmetric up to rounding: make it exactly so
        for (int k = i + 1; k < d; ++k) {
            const double m =
                (M[static_cast<size_t>(i) * d + k] + M[static_cast<size_t>(k) * d + i]) / 2;
            M[static_cast<size_t>(i) * d + k] = m;
            M[static_cast<size_t>(k) * d + i] = m;
        }
    std::vector<double> mu;
    symmetric_eigen(M, d, &mu);
    double trace_sqrt = 0, trace_a = 0, trace_b = 0;
    for (int e = 0; e < d; ++e) trace_sqrt += std::sqrt(std::max(mu[e], 0.0));
    for (int i = 0; i < d; ++i) {
        trace_a += a.cov[static_cast<size_t>(i) * d + i];
        trace_b += b.cov[static_cast<size_t>(i) * d + i];
    }
    return std::max(0.0, mean_term + trace_a + trace_b - 2 * trace_sqrt);
}

double frechet_distance(const Tensor& a, const Tensor& b) {
    return frechet_distance(fit_gaussian(a), fit_gaussian(b));
}

std::vector<double> nearest_distances(const Tensor& queries, const Tensor& reference) {
    if (queries.ndim() != 2 || reference.ndim() != 2 || queries.dim(1) != reference.dim(1) ||
        reference.dim(0) < 1)
        throw Error("nearest_distances: expected (n, d) and (m, d) with m >= 1, got " +
                    queries.shape_str() + " and " + reference.shape_str());
    const int n = queries.dim(0), m = reference.dim(0), d = queries.dim(1);
    std::vector<double> out(n);
    for (int i = 0; i < n; ++i) {
        const float* q = queries.data() + static_cast<size_t>(i) * d;
        float best = std::numeric_limits<float>::infinity();
        for (int j = 0; j < m; ++j) {
            const float* r = reference.data() + static_cast<size_t>(j) * d;
            float s = 0;  // float, in one vector loop: a search, not a sum to keep
#pragma omp simd reduction(+ : s)
            for (int k = 0; k < d; ++k) s += (q[k] - r[k]) * (q[k] - r[k]);
            best = std::min(best, s);
        }
        out[i] = std::sqrt(static_cast<double>(best));
    }
    return out;
}

}  // namespace ddpm
