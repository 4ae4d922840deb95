// Gradient checking: compare a hand-written gradient with central finite differences,
//   df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h,
// whose error is O(h^2) plus rounding of f over h. In double with h = 1e-6 that is ~1e-9
// relative; in float the rounding dominates and ~1e-2 is what one can expect.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

namespace ddpm {

// Central differences of the scalar function f() with respect to each element of x (which f
// reads); x is restored afterwards.
template <typename T, typename F>
std::vector<double> numerical_gradient(F f, T* x, size_t n, double h) {
    std::vector<double> g(n);
    for (size_t i = 0; i < n; ++i) {
        const T saved = x[i];
        x[i] = static_cast<T>(saved + h);
        const double plus = f();
        x[i] = static_cast<T>(saved - h);
        const double minus = f();
        x[i] = saved;
        g[i] = (plus - minus) / (2 * h);
    }
    return g;
}

// The largest elementwise |a - b|, relative to the larger of the two gradients' largest entry
// (a per-element relative error blows up on entries that are ~0 by chance).
template <typename T>
double max_relative_error(const T* analytic, const std::vector<double>& numeric) {
    double diff = 0, scale = 1e-12;
    for (size_t i = 0; i < numeric.size(); ++i) {
        diff = std::max(diff, std::fabs(analytic[i] - numeric[i]));
        scale =
            std::max({scale, std::fabs(static_cast<double>(analytic[i])), std::fabs(numeric[i])});
    }
    return diff / scale;
}

}  // namespace ddpm
