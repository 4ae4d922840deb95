#include "optim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "error.h"
#include "parallel.h"

namespace ddpm {

// The least number of parameters worth a thread of their own: each costs a few operations, so
// kMinParallelWork (parallel.h) over 8. The notebook's 72,066 stay on one thread.
constexpr long kMinElements = kMinParallelWork / 8;

Adam::Adam(size_t n, AdamConfig c) : cfg(c), m(n, 0.0f), v(n, 0.0f) {
    if (!(c.lr > 0 && std::isfinite(c.lr))) throw UsageError("Adam: lr must be a positive number");
}

// Adam's update of params[begin, end). The scalars come by value, so the compiler knows the stores
// to the arrays cannot change them, and vectorises the loop.
//
// Moments below 1e-30 are set to 0. A parameter whose gradient stays 0 (a dead ReLU unit's
// weights, say) has its moments decay by 0.9 and 0.999 each step into the denormal floats below
// 1.2e-38, on which arithmetic is many times slower: training slowed to half speed after a few
// hundred epochs. At that size a moment changes no update (m / (sqrt(v) + 1e-8) ~ 1e-22).
static void adam_update(float* params, const float* grads, float* m, float* v, int begin, int end,
                        float b1, float b2, float eps, float step_size, float bc2_sqrt) {
    constexpr float kTiny = 1e-30f;
    for (int i = begin; i < end; ++i) {
        const float g = grads[i];
        float mi = b1 * m[i] + (1.0f - b1) * g;
        float vi = b2 * v[i] + (1.0f - b2) * g * g;
        mi = std::fabs(mi) < kTiny ? 0.0f : mi;
        vi = vi < kTiny ? 0.0f : vi;
        m[i] = mi, v[i] = vi;
        const float denom = std::sqrt(vi) / bc2_sqrt + eps;
        params[i] -= step_size * mi / denom;
    }
}

void Adam::step(float* params, const float* grads) {
    ++t;
    // Bias corrections in double, as PyTorch computes them (Python floats).
    const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), static_cast<double>(t));
    const float step_size = static_cast<float>(cfg.lr / bc1);
    const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    parallel_for(
        static_cast<int>(m.size()),
        [&](int begin, int end) {
            adam_update(params, grads, m.data(), v.data(), begin, end, cfg.beta1, cfg.beta2,
                        cfg.eps, step_size, bc2_sqrt);
        },
        kMinElements);
}

// The sum of squares of g[0 .. n) in double, in 8 independent running sums (the compiler keeps
// them in one vector register; a single running sum would force one addition at a time).
static double sum_of_squares(const float* g, size_t n) {
    double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) lanes[k] += static_cast<double>(g[i + k]) * g[i + k];
    double sq = 0;
    for (; i < n; ++i) sq += static_cast<double>(g[i]) * g[i];
    for (double lane : lanes) sq += lane;
    return sq;
}

// sum_of_squares of 4 consecutive blocks of `block` values (a multiple of 8) at once, into
// out[0 .. 4), with the same additions in the same order for each. One block alone waits for
// each addition to finish before the next (4 cycles per 8 values); four independent ones overlap.
static void sum_of_squares_x4(double* out, const float* g, size_t block) {
    double lanes[4][8] = {};
    for (size_t i = 0; i < block; i += 8)
        for (int b = 0; b < 4; ++b)
            for (int k = 0; k < 8; ++k) {
                const double x = g[b * block + i + k];
                lanes[b][k] += x * x;
            }
    for (int b = 0; b < 4; ++b) {
        double sq = 0;
        for (double lane : lanes[b]) sq += lane;
        out[b] = sq;
    }
}

float clip_grad_norm(float* grads, size_t n, float max_norm) {
    // Partial sums over at most 64 blocks whose bounds depend only on n, added in order: the same
    // result for any number of threads. (A fixed array: a training step allocates nothing.)
    constexpr size_t kMaxBlocks = 64;
    const size_t block = std::max<size_t>(4096, (n + kMaxBlocks - 1) / kMaxBlocks);
    const size_t blocks = (n + block - 1) / block;
    double partial[kMaxBlocks] = {};
    parallel_for(
        static_cast<int>(blocks),
        [&](int b0, int b1) {
            int b = b0;
            for (; block % 8 == 0 && b + 4 <= b1 && (b + 4) * block <= n; b += 4)  // 4 whole
                sum_of_squares_x4(partial + b, grads + b * block, block);
            for (; b < b1; ++b)
                partial[b] = sum_of_squares(grads + b * block, std::min(block, n - b * block));
        },
        static_cast<int>(std::max<size_t>(1, kMinElements / block)));
    double sq = 0;
    for (size_t b = 0; b < blocks; ++b) sq += partial[b];
    const float norm = static_cast<float>(std::sqrt(sq));
    const float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t i = 0; i < n; ++i) grads[i] *= coef;  // rare, and fast: not worth threads
    return norm;
}

EMA::EMA(const float* params, size_t n, float m) : mu(m), shadow(params, params + n) {
    if (!(m > 0.0f && m <= 1.0f)) throw UsageError("EMA: mu must be in (0, 1]");
}

static void ema_update(float* shadow, const float* params, int begin, int end, float mu) {
    for (int i = begin; i < end; ++i) shadow[i] = mu * params[i] + (1.0f - mu) * shadow[i];
}

void EMA::update(const float* params) {
    parallel_for(
        static_cast<int>(shadow.size()),
        [&](int begin, int end) { ema_update(shadow.data(), params, begin, end, mu); },
        kMinElements);
}

}  // namespace ddpm
