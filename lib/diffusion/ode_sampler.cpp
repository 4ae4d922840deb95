#include "diffusion/ode_sampler.h"

#include <cmath>

#include "core/error.h"
#include "diffusion/sample.h"

namespace ddpm {

Mat2 mat_at(const std::vector<double>& jac, int p) {
    const double* J = jac.data() + 4 * static_cast<size_t>(p);
    return {J[0], J[1], J[2], J[3]};
}
Mat2 mul(const Mat2& x, const Mat2& y) {
    return {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c,
            x.c * y.b + x.d * y.d};
}

void step_down(const OdeGrid& g, int k, const std::vector<double>& y, int n,
               std::vector<double>& out, std::vector<double>* jac) {
    const double h = g.s[k - 1] - g.s[k];
    std::vector<double> f0, A, f1, B;
    g.f(y, n, k, f0, jac ? &A : nullptr);
    out.resize(y.size());
    if (!g.heun) {
        for (size_t i = 0; i < y.size(); ++i) out[i] = y[i] + h * f0[i];  // Euler
        if (jac) {
            jac->resize(4 * static_cast<size_t>(n));
            for (size_t i = 0; i < jac->size(); ++i)
                (*jac)[i] = (i % 4 == 0 || i % 4 == 3 ? 1.0 : 0.0) + h * A[i];  // I + h A
        }
        return;
    }
    std::vector<double> ahead(y.size());
    for (size_t i = 0; i < y.size(); ++i) ahead[i] = y[i] + h * f0[i];  // Euler's guess y~
    g.f(ahead, n, k - 1, f1, jac ? &B : nullptr);
    for (size_t i = 0; i < y.size(); ++i) out[i] = y[i] + h * 0.5 * (f0[i] + f1[i]);  // Heun
    if (!jac) return;
    jac->resize(4 * static_cast<size_t>(n));
    for (int p = 0; p < n; ++p) {
        const Mat2 a = mat_at(A, p), b = mat_at(B, p);
        const Mat2 ba = mul(b, {1 + h * a.a, h * a.b, h * a.c, 1 + h * a.d});  // B (I + h A)
        double* J = jac->data() + 4 * static_cast<size_t>(p);
        J[0] = 1 + h * 0.5 * (a.a + ba.a);  // I + h/2 (A + B (I + h A))
        J[1] = h * 0.5 * (a.b + ba.b);
        J[2] = h * 0.5 * (a.c + ba.c);
        J[3] = 1 + h * 0.5 * (a.d + ba.d);
    }
}

std::vector<Node> nodes(const Schedule& sched, int S) {
    std::vector<Node> out = {{0.0, 0}};
    for (int t : ddim_steps(sched.num_steps, S)) {
        const double abar = sched.alphas_prod[t];
        out.push_back({std::sqrt((1 - abar) / abar), t});
    }
    out[0].t = out[1].t;
    return out;
}

OdeGrid ddpm_grid(const NoiseField& eps, const std::vector<Node>& grid) {
    OdeGrid g;
    for (const Node& node : grid) g.s.push_back(node.sigma);
    g.f = [&eps, grid](const std::vector<double>& y, int n, int k, std::vector<double>& f,
                       std::vector<double>* jac) {
        const double to_x = 1.0 / std::sqrt(1.0 + grid[k].sigma * grid[k].sigma);
        std::vector<float> x(y.size()), e(y.size());
        for (size_t i = 0; i < y.size(); ++i) x[i] = static_cast<float>(y[i] * to_x);
        if (jac) jac->assign(4 * static_cast<size_t>(n), 0.0);
        eps(x.data(), n, grid[k].t, e.data(), jac ? jac->data() : nullptr, nullptr);
        f.assign(e.begin(), e.end());
        if (jac)
            for (double& v : *jac) v *= to_x;
    };
    return g;
}

Tensor ode_sample(const NoiseField& eps, const Tensor& x_T, const Schedule& sched, int S) {
    if (x_T.ndim() != 2 || x_T.dim(0) < 1 || x_T.dim(1) != 2)
        throw Error("ode_sample: expected 2-D points (n, 2), got " + x_T.shape_str());
    const int n = x_T.dim(0);
    const std::vector<Node> grid = nodes(sched, S);
    const OdeGrid g = ddpm_grid(eps, grid);
    const double abar_top = sched.alphas_prod[grid.back().t];
    std::vector<double> xbar(x_T.size()), next;
    for (size_t i = 0; i < xbar.size(); ++i) xbar[i] = x_T[i] / std::sqrt(abar_top);
    // node S ... node 1, one Heun step each, carried in xbar; each frame is x at the node reached
    return reverse_loop(x_T, S, [&](float* x, int step) {
        const int k = S - step;
        step_down(g, k, xbar, n, next, nullptr);  // Heun, node k -> k - 1
        xbar.swap(next);
        // Back to x at the node reached: x = xbar sqrt(abar) = xbar / sqrt(1 + sigma^2).
        const double to_x = 1.0 / std::sqrt(1.0 + grid[k - 1].sigma * grid[k - 1].sigma);
        for (size_t i = 0; i < xbar.size(); ++i) x[i] = static_cast<float>(xbar[i] * to_x);
    });
}

}  // namespace ddpm
