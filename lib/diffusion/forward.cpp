#include "diffusion/forward.h"

#include <vector>

#include "core/error.h"
#include "fast/linear.h"
#include "fast/normal.h"

namespace ddpm {

void q_x(float* x_t, const float* x_0, const float* eps, const int* t, int B, int D,
         const Schedule& sched) {
    for (int b = 0; b < B; ++b) {
        check_step(t[b], sched);
        const float a = sched.alphas_bar_sqrt[t[b]];
        const float s = sched.one_minus_alphas_bar_sqrt[t[b]];
        for (int d = 0; d < D; ++d) x_t[b * D + d] = a * x_0[b * D + d] + s * eps[b * D + d];
    }
}

Tensor q_x(const Tensor& x_0, int t, const Schedule& sched, Rng& rng) {
    check_step(t, sched);
    if (x_0.ndim() != 2) throw Error("q_x: expected x_0 of shape (n, d), got " + x_0.shape_str());
    const int n = x_0.dim(0), d = x_0.dim(1);
    Tensor eps(x_0.shape()), x_t(x_0.shape());
    randn(eps.data(), eps.size(), rng);
    std::vector<int> steps(n, t);
    q_x(x_t.data(), x_0.data(), eps.data(), steps.data(), n, d, sched);
    return x_t;
}

void randn(float* eps, size_t n, Rng& rng) {
    if (fast::enabled()) return fast::fill_normal(eps, n, rng);
    for (size_t i = 0; i < n; ++i) eps[i] = rng.normal();
}

void antithetic_steps(int* t, int B, int T, Rng& rng) {
    const int half = B / 2;
    for (int i = 0; i < half; ++i) t[i] = rng.randint(T);
    for (int i = 0; i < half; ++i) t[half + i] = T - 1 - t[i];
    if (B % 2) t[B - 1] = rng.randint(T);
}

}  // namespace ddpm
