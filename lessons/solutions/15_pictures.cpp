// Solution to exercise 15: the layer norm, forward and backward (lib/nn/layers.cpp has the same).
#include <cmath>

#include "exercise.h"

namespace ex {

void layer_norm_forward(double* out, double* rstd, const double* in, int B, int C) {
    for (int b = 0; b < B; ++b) {
        const double* x = in + b * C;
        double* y = out + b * C;
        // The row's mean and population variance.
        double mean = 0;
        for (int c = 0; c < C; ++c) mean += x[c] / C;
        double var = 0;
        for (int c = 0; c < C; ++c) var += (x[c] - mean) * (x[c] - mean) / C;
        // 1 / sqrt(var + eps), kept for the backward, then each value moved and scaled.
        rstd[b] = 1 / std::sqrt(var + 1e-5);
        for (int c = 0; c < C; ++c) y[c] = (x[c] - mean) * rstd[b];
    }
}

void layer_norm_backward(double* din, const double* dout, const double* out, const double* rstd,
                         int B, int C) {
    for (int b = 0; b < B; ++b) {
        const double* g = dout + b * C;
        const double* y = out + b * C;
        // mean(dout) removes what a shift of the row would change; mean(dout * out) what a scale
        // would: the norm undoes both, so neither reaches the input.
        double g_mean = 0, gy_mean = 0;
        for (int c = 0; c < C; ++c) {
            g_mean += g[c] / C;
            gy_mean += g[c] * y[c] / C;
        }
        for (int c = 0; c < C; ++c) din[b * C + c] += rstd[b] * (g[c] - g_mean - y[c] * gy_mean);
    }
}

}  // namespace ex
