#include "nn/layers.h"

#include <algorithm>
#include <cmath>

#include "fast/linear.h"
#include "fast/norm.h"

namespace ddpm {

// The linear and layer norm functions first hand their work to the fast tier (lib/fast/linear.cpp:
// the same products by register tiles, skipping zeros, on the pool's threads; lib/fast/norm.cpp:
// the same sums, many rows side by side) unless it is switched off; the loops below are what it
// computes, and tests/test_fast.cpp checks that the two agree.

template <typename T>
void linear_forward(T* out, const T* in, const T* w, const T* b, int B, int C, int OC) {
    if (fast::enabled()) return fast::linear_forward(out, in, w, b, B, C, OC);
    for (int i = 0; i < B; ++i) {
        const T* x = in + i * C;
        for (int o = 0; o < OC; ++o) {
            const T* wrow = w + o * C;
            T acc = b ? b[o] : T(0);
            for (int c = 0; c < C; ++c) acc += x[c] * wrow[c];
            out[i * OC + o] = acc;
        }
    }
}

template <typename T>
void linear_backward(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, int B, int C,
                     int OC) {
    if (fast::enabled()) return fast::linear_backward(din, dw, db, dout, in, w, B, C, OC);
    for (int i = 0; i < B; ++i) {
        const T* x = in + i * C;
        const T* g = dout + i * OC;
        for (int o = 0; o < OC; ++o) {
            const T d = g[o];
            const T* wrow = w + o * C;
            T* dwrow = dw + o * C;
            // Both inner loops walk contiguous rows, so the compiler vectorises them.
            if (din)
                for (int c = 0; c < C; ++c) din[i * C + c] += d * wrow[c];
            for (int c = 0; c < C; ++c) dwrow[c] += d * x[c];
            if (db) db[o] += d;
        }
    }
}

template <typename T>
void embedding_forward(T* out, const int* t, const T* table, int B, int C) {
    for (int i = 0; i < B; ++i) {
        const T* row = table + static_cast<long>(t[i]) * C;
        for (int c = 0; c < C; ++c) out[i * C + c] += row[c];
    }
}

template <typename T>
void embedding_backward(T* dtable, const T* dout, const int* t, int B, int C) {
    if (!dtable) return;  // a fixed table
    for (int i = 0; i < B; ++i) {
        T* row = dtable + static_cast<long>(t[i]) * C;
        for (int c = 0; c < C; ++c) row[c] += dout[i * C + c];
    }
}

// The two rows a continuous position falls between, and the weight of the second.
static int lerp_row(float s, int num_rows, float* f) {
    int i = static_cast<int>(std::floor(s));
    i = std::max(0, std::min(i, num_rows - 2));
    *f = s - static_cast<float>(i);
    return i;
}

template <typename T>
void embedding_lerp_forward(T* out, const float* s, const T* table, int num_rows, int B, int C) {
    for (int b = 0; b < B; ++b) {
        float f = 0;
        const int i = lerp_row(s[b], num_rows, &f);
        const T* lo = table + static_cast<long>(i) * C;
        const T* hi = lo + C;
        for (int c = 0; c < C; ++c) out[b * C + c] += (T(1) - T(f)) * lo[c] + T(f) * hi[c];
    }
}

template <typename T>
void embedding_lerp_backward(T* dtable, const T* dout, const float* s, int num_rows, int B, int C) {
    if (!dtable) return;
    for (int b = 0; b < B; ++b) {
        float f = 0;
        const int i = lerp_row(s[b], num_rows, &f);
        T* lo = dtable + static_cast<long>(i) * C;
        T* hi = lo + C;
        for (int c = 0; c < C; ++c) {
            lo[c] += (T(1) - T(f)) * dout[b * C + c];
            hi[c] += T(f) * dout[b * C + c];
        }
    }
}

// Element i of the result needs element i of the inputs only, in place or not. `omp simd` says
// so to the compiler (-fopenmp-simd), which would otherwise give up its vector instructions
// whenever out is in, as the model calls it.
template <typename T>
void relu_forward(T* out, const T* in, int N) {
#pragma omp simd
    for (int i = 0; i < N; ++i) out[i] = in[i] > T(0) ? in[i] : T(0);
}

template <typename T>
void relu_backward(T* din, const T* dout, const T* out, int N) {
#pragma omp simd
    for (int i = 0; i < N; ++i) {
        const T g = dout[i];  // read whether or not it passes, so the loop needs no branch
        din[i] += out[i] > T(0) ? g : T(0);
    }
}

template <typename T>
void layer_norm_forward(T* out, T* rstd, const T* in, int B, int C) {
    if (fast::enabled()) return fast::layer_norm_forward(out, rstd, in, B, C);
    for (int b = 0; b < B; ++b) {
        const T* x = in + static_cast<size_t>(b) * C;
        T* y = out + static_cast<size_t>(b) * C;
        double sum = 0, sum2 = 0;  // the row's moments in double: C may be large
        for (int c = 0; c < C; ++c) sum += x[c];
        const double mean = sum / C;
        for (int c = 0; c < C; ++c) sum2 += (x[c] - mean) * (x[c] - mean);
        const T r = static_cast<T>(1.0 / std::sqrt(sum2 / C + 1e-5));
        rstd[b] = r;
        for (int c = 0; c < C; ++c) y[c] = (x[c] - static_cast<T>(mean)) * r;
    }
}

template <typename T>
void layer_norm_backward(T* din, const T* dout, const T* out, const T* rstd, int B, int C) {
    if (fast::enabled()) return fast::layer_norm_backward(din, dout, out, rstd, B, C);
    for (int b = 0; b < B; ++b) {
        const T* g = dout + static_cast<size_t>(b) * C;
        const T* y = out + static_cast<size_t>(b) * C;
        double g_sum = 0, gy_sum = 0;
        for (int c = 0; c < C; ++c) {
            g_sum += g[c];
            gy_sum += static_cast<double>(g[c]) * y[c];
        }
        const T g_mean = static_cast<T>(g_sum / C), gy_mean = static_cast<T>(gy_sum / C);
        for (int c = 0; c < C; ++c)
            din[static_cast<size_t>(b) * C + c] += rstd[b] * (g[c] - g_mean - y[c] * gy_mean);
    }
}

template <typename T>
T mse_forward(const T* pred, const T* target, int N) {
    double sum = 0;  // in double, so a large batch's mean does not drift
    for (int i = 0; i < N; ++i) {
        double d = static_cast<double>(pred[i]) - target[i];
        sum += d * d;
    }
    return static_cast<T>(sum / N);
}

template <typename T>
void mse_backward(T* dpred, const T* pred, const T* target, int N) {
    const T scale = T(2) / static_cast<T>(N);
    for (int i = 0; i < N; ++i) dpred[i] += scale * (pred[i] - target[i]);
}

template <typename T>
T softmax_cross_entropy_forward(T* probs, const T* logits, const int* labels, int B, int K) {
    double sum = 0;  // in double, as mse's
    for (int b = 0; b < B; ++b) {
        const T* z = logits + static_cast<size_t>(b) * K;
        T* p = probs + static_cast<size_t>(b) * K;
        // Subtract the largest logit first: exp never overflows, and softmax is unchanged.
        const T z_max = *std::max_element(z, z + K);
        T total = T(0);
        for (int k = 0; k < K; ++k) {
            p[k] = std::exp(z[k] - z_max);
            total += p[k];
        }
        for (int k = 0; k < K; ++k) p[k] /= total;
        // -log softmax(z)[label] = log sum exp(z - z_max) - (z[label] - z_max)
        sum += static_cast<double>(std::log(total)) - (z[labels[b]] - z_max);
    }
    return static_cast<T>(sum / B);
}

template <typename T>
void softmax_cross_entropy_backward(T* dlogits, const T* probs, const int* labels, int B, int K) {
    const T scale = T(1) / static_cast<T>(B);
    for (int b = 0; b < B; ++b)
        for (int k = 0; k < K; ++k) {
            const T onehot = k == labels[b] ? T(1) : T(0);
            dlogits[b * K + k] += scale * (probs[b * K + k] - onehot);
        }
}

// The two number types the course uses.
#define DDPM_INSTANTIATE(T)                                                                    \
    template void linear_forward<T>(T*, const T*, const T*, const T*, int, int, int);          \
    template void linear_backward<T>(T*, T*, T*, const T*, const T*, const T*, int, int, int); \
    template void embedding_forward<T>(T*, const int*, const T*, int, int);                    \
    template void embedding_backward<T>(T*, const T*, const int*, int, int);                   \
    template void embedding_lerp_forward<T>(T*, const float*, const T*, int, int, int);        \
    template void embedding_lerp_backward<T>(T*, const T*, const float*, int, int, int);       \
    template void relu_forward<T>(T*, const T*, int);                                          \
    template void relu_backward<T>(T*, const T*, const T*, int);                               \
    template void layer_norm_forward<T>(T*, T*, const T*, int, int);                           \
    template void layer_norm_backward<T>(T*, const T*, const T*, const T*, int, int);          \
    template T mse_forward<T>(const T*, const T*, int);                                        \
    template void mse_backward<T>(T*, const T*, const T*, int);                                \
    template T softmax_cross_entropy_forward<T>(T*, const T*, const int*, int, int);           \
    template void softmax_cross_entropy_backward<T>(T*, const T*, const int*, int, int);
DDPM_INSTANTIATE(float)
DDPM_INSTANTIATE(double)
#undef DDPM_INSTANTIATE

}  // namespace ddpm
