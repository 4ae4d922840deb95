// Solution to exercise 11: Bayes' rule over the training points, with the largest exponent
// subtracted (as IdealDenoiser::eps in lib/likelihood/score.cpp does), then the posterior's mean
// and spread; Tweedie's formula is one line.
#include <algorithm>
#include <cmath>
#include <vector>

#include "exercise.h"

namespace ex {

void posterior_x0(float* x0_hat, double* spread, const float* x_t, int n, const float* points,
                  int N, double a, double s) {
    std::vector<double> e(N), w(N);
    for (int p = 0; p < n; ++p) {
        const float* x = x_t + 2 * p;
        double top = -INFINITY;
        for (int i = 0; i < N; ++i) {
            const double dx = x[0] - a * points[2 * i], dy = x[1] - a * points[2 * i + 1];
            e[i] = -(dx * dx + dy * dy) / (2 * s * s);
            top = std::max(top, e[i]);
        }
        double total = 0, mean[2] = {0, 0};
        for (int i = 0; i < N; ++i) {
            w[i] = std::exp(e[i] - top);
            total += w[i];
            mean[0] += w[i] * points[2 * i];
            mean[1] += w[i] * points[2 * i + 1];
        }
        mean[0] /= total;
        mean[1] /= total;
        double sq = 0;
        for (int i = 0; i < N; ++i) {
            const double dx = points[2 * i] - mean[0], dy = points[2 * i + 1] - mean[1];
            sq += w[i] * (dx * dx + dy * dy);
        }
        x0_hat[2 * p] = static_cast<float>(mean[0]);
        x0_hat[2 * p + 1] = static_cast<float>(mean[1]);
        spread[p] = sq / total;
    }
}

void score_from_x0(float* score, const float* x_t, const float* x0_hat, int n, double a, double s) {
    for (int i = 0; i < 2 * n; ++i)
        score[i] = static_cast<float>((a * x0_hat[i] - x_t[i]) / (s * s));
}

}  // namespace ex
