#include "fast/norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "fast/gemm.h"
#include "fast/parallel.h"

namespace ddpm::fast {

// The rows summed side by side: 16 doubles, two AVX-512 vectors (four AVX ones), enough
// independent additions in flight to hide each one's latency.
constexpr int kGroup = 16;

// Rows [r0, r0 + n) of x (rows C wide), n <= kGroup, as the columns of cols (C, kGroup); the
// columns of absent rows are zeros, whose sums are never used.
template <typename T>
static void group_as_columns(T* cols, const T* x, int r0, int n, int C) {
    if (n == kGroup) return transpose(cols, x + static_cast<long>(r0) * C, kGroup, C);
    for (int c = 0; c < C; ++c)
        for (int r = 0; r < kGroup; ++r)
            cols[c * kGroup + r] = r < n ? x[static_cast<long>(r0 + r) * C + c] : T(0);
}

// A thread's scratch: the group's columns (C, kGroup), two of them for the backward.
template <typename T>
static T* scratch(size_t n) {
    thread_local std::vector<T> buffer;
    if (buffer.size() < n) buffer.resize(n);
    return buffer.data();
}

// The plain loop of layers.h for rows [r0, r1), kGroup rows at a time.
template <typename T>
static void forward_rows(T* out, T* rstd, const T* in, int r0, int r1, int C) {
    T* cols = scratch<T>(static_cast<size_t>(C) * kGroup);
    for (int g = r0; g < r1; g += kGroup) {
        const int n = std::min(kGroup, r1 - g);
        group_as_columns(cols, in, g, n, C);
        // Each row's sum, its terms in column order as in the plain loop: lane r is row g + r.
        double sum[kGroup] = {};
        for (int c = 0; c < C; ++c)
            for (int r = 0; r < kGroup; ++r) sum[r] += cols[c * kGroup + r];
        double mean[kGroup];
        for (int r = 0; r < kGroup; ++r) mean[r] = sum[r] / C;
        // The sum of squared deviations, the same way.
        double sum2[kGroup] = {};
        for (int c = 0; c < C; ++c)
            for (int r = 0; r < kGroup; ++r) {
                const T x = cols[c * kGroup + r];
                sum2[r] += (x - mean[r]) * (x - mean[r]);
            }
        // Each row normalised along its own contiguous values, as the plain loop does.
        for (int r = 0; r < n; ++r) {
            const long row = g + r;
            const T rs =
                static_cast<T>(1.0 / std::sqrt(sum2[r] / C + 1e-5));  // 1 / sqrt(var + eps)
            rstd[row] = rs;
            const T m = static_cast<T>(mean[r]);
            const T* x = in + row * C;
            T* y = out + row * C;
            for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * rs;  // (x - mean) / sqrt(var + eps)
        }
    }
}

template <typename T>
static void backward_rows(T* din, const T* dout, const T* out, const T* rstd, int r0, int r1,
                          int C) {
    T* g_cols = scratch<T>(2 * static_cast<size_t>(C) * kGroup);  // dout's rows, then y's
    T* y_cols = g_cols + static_cast<size_t>(C) * kGroup;
    for (int b = r0; b < r1; b += kGroup) {
        const int n = std::min(kGroup, r1 - b);
        group_as_columns(g_cols, dout, b, n, C);
        group_as_columns(y_cols, out, b, n, C);
        // sum(dout) and sum(dout * y) of each row, in column order.
        double g_sum[kGroup] = {}, gy_sum[kGroup] = {};
        for (int c = 0; c < C; ++c)
            for (int r = 0; r < kGroup; ++r) {
                const T g = g_cols[c * kGroup + r], y = y_cols[c * kGroup + r];
                g_sum[r] += g;
                gy_sum[r] += static_cast<double>(g) * y;
            }
        for (int r = 0; r < n; ++r) {
            const long row = b + r;
            const T g_mean = static_cast<T>(g_sum[r] / C), gy_mean = static_cast<T>(gy_sum[r] / C);
            const T* g = dout + row * C;
            const T* y = out + row * C;
            T* d = din + row * C;
            for (int c = 0; c < C; ++c)
                d[c] += rstd[row] *
                        (g[c] - g_mean - y[c] * gy_mean);  // rstd (g - mean(g) - y mean(g y))
        }
    }
}

// Groups of rows per thread: at least kMinParallelElements values' worth (fast/parallel.h).
static int min_groups(int C) {
    return static_cast<int>(
        std::max(1L, kMinParallelElements / (static_cast<long>(kGroup) * std::max(1, C))));
}

template <typename T>
void layer_norm_forward(T* out, T* rstd, const T* in, int B, int C) {
    const int groups = (B + kGroup - 1) / kGroup;
    parallel_for(
        groups,
        [&](int g0, int g1) {
            forward_rows(out, rstd, in, g0 * kGroup, std::min(B, g1 * kGroup), C);
        },
        min_groups(C));
}

template <typename T>
void layer_norm_backward(T* din, const T* dout, const T* out, const T* rstd, int B, int C) {
    const int groups = (B + kGroup - 1) / kGroup;
    parallel_for(
        groups,
        [&](int g0, int g1) {
            backward_rows(din, dout, out, rstd, g0 * kGroup, std::min(B, g1 * kGroup), C);
        },
        min_groups(C));
}

template void layer_norm_forward<float>(float*, float*, const float*, int, int);
template void layer_norm_forward<double>(double*, double*, const double*, int, int);
template void layer_norm_backward<float>(float*, const float*, const float*, const float*, int,
                                         int);
template void layer_norm_backward<double>(double*, const double*, const double*, const double*, int,
                                          int);

}  // namespace ddpm::fast
