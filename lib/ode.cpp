#include "ode.h"

#include <cmath>

#include "diffusion.h"
#include "error.h"
#include "fast/predict.h"

namespace ddpm {

NoiseField network_field(MLPDiffusion& model, Divergence how, Rng* rng) {
    if (how == Divergence::hutchinson && !rng)
        throw Error("network_field: Hutchinson's estimate needs a generator");
    return [&model, how, rng](const float* x, int n, int t, float* eps, double* divergence) {
        const int D = model.config().dim;
        const std::vector<int> steps(n, t);
        if (!divergence) {  // sampling: the fast, threaded forward pass
            fast::predict_noise(model, eps, x, steps.data(), n);
            return;
        }
        model.forward(eps, x, steps.data(), n);
        std::vector<float> dout(static_cast<size_t>(n) * D), dx(dout.size());
        std::fill(divergence, divergence + n, 0.0);
        if (how == Divergence::exact) {
            for (int j = 0; j < D; ++j) {  // row j of d eps / d x at every point: its j-th entry
                for (size_t i = 0; i < dout.size(); ++i) dout[i] = i % D == size_t(j) ? 1.0f : 0.0f;
                std::fill(dx.begin(), dx.end(), 0.0f);
                model.backward(dout.data(), dx.data());
                for (int p = 0; p < n; ++p) divergence[p] += dx[static_cast<size_t>(p) * D + j];
            }
        } else {  // v^T J v, v of random signs: E[v v^T] = I, so its mean is the trace
            for (float& v : dout) v = rng->uniform() < 0.5f ? -1.0f : 1.0f;
            std::fill(dx.begin(), dx.end(), 0.0f);
            model.backward(dout.data(), dx.data());  // dx = J^T v
            for (size_t i = 0; i < dx.size(); ++i) divergence[i / D] += dout[i] * dx[i];
        }
        model.zero_grad();  // the parameters' gradients are a by-product here
    };
}

NoiseField gaussian_field(const double mean[2], const double cov[2][2], const Schedule& sched) {
    const std::vector<float> a_of = sched.alphas_bar_sqrt, s_of = sched.one_minus_alphas_bar_sqrt;
    const double m0 = mean[0], m1 = mean[1];
    const double c00 = cov[0][0], c01 = cov[0][1], c11 = cov[1][1];
    return [=](const float* x, int n, int t, float* eps, double* divergence) {
        const double a = a_of[t], s = s_of[t];
        // (a^2 cov + s^2 I)^-1, a 2 x 2 inverse
        const double p00 = a * a * c00 + s * s, p01 = a * a * c01, p11 = a * a * c11 + s * s;
        const double det = p00 * p11 - p01 * p01;
        const double i00 = p11 / det, i01 = -p01 / det, i11 = p00 / det;
        for (int p = 0; p < n; ++p) {
            const double d0 = x[2 * p] - a * m0, d1 = x[2 * p + 1] - a * m1;
            eps[2 * p] = static_cast<float>(s * (i00 * d0 + i01 * d1));
            eps[2 * p + 1] = static_cast<float>(s * (i01 * d0 + i11 * d1));
            if (divergence) divergence[p] = s * (i00 + i11);
        }
    };
}

namespace {

// One point of the grid: its sigma, and the step whose field is used there.
struct Node {
    double sigma;
    int t;
};

// The grid from the data up: sigma = 0 (with tau_0's field), then each tau_i.
std::vector<Node> nodes(const Schedule& sched, int S) {
    std::vector<Node> out = {{0.0, 0}};
    for (int t : ddim_steps(sched.num_steps, S)) {
        const double abar = sched.alphas_prod[t];
        out.push_back({std::sqrt((1 - abar) / abar), t});
    }
    out[0].t = out[1].t;
    return out;
}

// The field at xbar (n, D) on node k: eps, and the divergence in xbar, tr(J) / sqrt(1 + sigma^2).
void field_at(const NoiseField& eps, const std::vector<double>& xbar, const Node& node, int n,
              std::vector<float>& x, std::vector<float>& out, std::vector<double>* div) {
    const double to_x = 1.0 / std::sqrt(1.0 + node.sigma * node.sigma);
    for (size_t i = 0; i < xbar.size(); ++i) x[i] = static_cast<float>(xbar[i] * to_x);
    eps(x.data(), n, node.t, out.data(), div ? div->data() : nullptr);
    if (div)
        for (double& d : *div) d *= to_x;
}

// One Heun step of all points from node `from` to node `to` (either direction), in sigma; with
// `log_p`, adds the trapezoid rule's share of the divergence's integral. That integral is taken
// in u = log sigma (integrand sigma div) between two nodes above sigma = 0: at the top of a
// schedule sigma grows by a large factor from one step to the next (cosine's: 31), and there
// div ~ D / sigma, which the trapezoid rule in sigma overestimates by that factor; in log sigma
// it is nearly constant.
void heun_step(const NoiseField& eps, std::vector<double>& xbar, const Node& from, const Node& to,
               int n, std::vector<double>* log_p) {
    const double h = to.sigma - from.sigma;
    std::vector<float> x(xbar.size()), f0(xbar.size()), f1(xbar.size());
    std::vector<double> div0(n), div1(n);
    field_at(eps, xbar, from, n, x, f0, log_p ? &div0 : nullptr);
    std::vector<double> ahead(xbar.size());
    for (size_t i = 0; i < xbar.size(); ++i) ahead[i] = xbar[i] + h * f0[i];  // Euler: DDIM
    field_at(eps, ahead, to, n, x, f1, log_p ? &div1 : nullptr);
    for (size_t i = 0; i < xbar.size(); ++i) xbar[i] += h * 0.5 * (f0[i] + f1[i]);
    if (!log_p) return;
    const bool in_log = from.sigma > 0 && to.sigma > 0;
    const double hu = in_log ? std::log(to.sigma / from.sigma) : h;
    const double w0 = in_log ? from.sigma : 1.0, w1 = in_log ? to.sigma : 1.0;  // d sigma / du
    for (int p = 0; p < n; ++p) (*log_p)[p] += hu * 0.5 * (w0 * div0[p] + w1 * div1[p]);
}

void check_points(const Tensor& x, const char* what) {
    if (x.ndim() != 2 || x.dim(0) < 1)
        throw Error(std::string(what) + ": expected points (n, D), got " + x.shape_str());
}

}  // namespace

Tensor ode_sample(const NoiseField& eps, const Tensor& x_T, const Schedule& sched, int S) {
    check_points(x_T, "ode_sample");
    const int n = x_T.dim(0), D = x_T.dim(1);
    const std::vector<Node> grid = nodes(sched, S);
    const double abar_top = sched.alphas_prod[grid.back().t];
    std::vector<double> xbar(x_T.size());
    for (size_t i = 0; i < xbar.size(); ++i) xbar[i] = x_T[i] / std::sqrt(abar_top);
    Tensor seq({S + 1, n, D});
    std::copy(x_T.data(), x_T.data() + x_T.size(), seq.data());
    for (int k = S; k >= 1; --k) {
        heun_step(eps, xbar, grid[k], grid[k - 1], n, nullptr);
        // Back to x at the node reached: x = xbar sqrt(abar) = xbar / sqrt(1 + sigma^2).
        const double to_x = 1.0 / std::sqrt(1.0 + grid[k - 1].sigma * grid[k - 1].sigma);
        float* frame = seq.data() + static_cast<size_t>(S - k + 1) * x_T.size();
        for (size_t i = 0; i < xbar.size(); ++i) frame[i] = static_cast<float>(xbar[i] * to_x);
    }
    return seq;
}

OdeEncoding ode_encode(const NoiseField& eps, const Tensor& x_0, const Schedule& sched, int S) {
    check_points(x_0, "ode_encode");
    const int n = x_0.dim(0), D = x_0.dim(1);
    const std::vector<Node> grid = nodes(sched, S);
    std::vector<double> xbar(x_0.data(), x_0.data() + x_0.size());  // sigma = 0: xbar = x_0
    OdeEncoding out{Tensor(x_0.shape()), std::vector<double>(n, 0.0)};
    for (int k = 0; k < S; ++k) heun_step(eps, xbar, grid[k], grid[k + 1], n, &out.log_p);
    const double a_top = std::sqrt(sched.alphas_prod[grid.back().t]);
    for (int p = 0; p < n; ++p) {
        double sq = 0;
        for (int d = 0; d < D; ++d) {
            const double x_T = xbar[static_cast<size_t>(p) * D + d] * a_top;
            out.x_T[static_cast<size_t>(p) * D + d] = static_cast<float>(x_T);
            sq += x_T * x_T;
        }
        // log N(x_T; 0, I) + D log sqrt(abar_top) + the integral so far
        out.log_p[p] += -0.5 * sq - 0.5 * D * std::log(2 * M_PI) + D * std::log(a_top);
    }
    return out;
}

}  // namespace ddpm
