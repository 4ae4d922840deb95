#include "likelihood/ode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "core/error.h"
#include "diffusion/guidance.h"
#include "diffusion/sample.h"

namespace ddpm {

namespace {

// One pass of the network at x (n, D) with its input Jacobian: out (n, D) and
// jac[(p D + i) D + j] = d out_i / d x_j. Backward with dout = e_i gives row i at every point.
void pass_with_jacobian(MLPDiffusion& model, const float* x, const Conditioning& in, int n,
                        float* out, double* jac) {
    const int D = model.config().dim;
    model.forward(out, x, in, n);
    std::vector<float> dout(static_cast<size_t>(n) * D), dx(dout.size());
    for (int i = 0; i < D; ++i) {
        for (size_t k = 0; k < dout.size(); ++k) dout[k] = k % D == size_t(i) ? 1.0f : 0.0f;
        std::fill(dx.begin(), dx.end(), 0.0f);
        model.backward(dout.data(), dx.data());  // dx = J^T e_i: row i of J
        for (int p = 0; p < n; ++p)
            for (int j = 0; j < D; ++j)
                jac[(static_cast<size_t>(p) * D + i) * D + j] = dx[static_cast<size_t>(p) * D + j];
    }
    model.zero_grad();  // the parameters' gradients are a by-product here
}

// The denoiser's output and its Jacobian, with its class and guidance (lib/diffusion/guidance.h):
// the guided mix uncond + w (cond - uncond) is linear, so its Jacobian is the same mix of the two.
void denoiser_jacobian(MLPDiffusion& model, const Denoiser& d, const float* x,
                       const Conditioning& time, int n, float* out, double* jac) {
    const size_t values = static_cast<size_t>(n) * model.config().dim;
    const size_t entries = values * model.config().dim;
    Conditioning in = time;
    in.c = nullptr;  // "no class"
    if (d.label < 0 || d.guidance == 0.0f) {
        pass_with_jacobian(model, x, in, n, out, jac);
        return;
    }
    const std::vector<int> labels(n, d.label);
    in.c = labels.data();
    pass_with_jacobian(model, x, in, n, out, jac);  // conditional
    if (d.guidance == 1.0f) return;
    std::vector<float> uncond(values);
    std::vector<double> uncond_jac(entries);
    in.c = nullptr;
    pass_with_jacobian(model, x, in, n, uncond.data(), uncond_jac.data());
    guide(out, out, uncond.data(), static_cast<int>(values), d.guidance);
    for (size_t k = 0; k < entries; ++k)
        jac[k] = uncond_jac[k] + d.guidance * (jac[k] - uncond_jac[k]);
}

}  // namespace

NoiseField network_field(const Denoiser& d, const Schedule& sched, Divergence how, Rng* rng) {
    if (!d.model) throw Error("network_field: no model");
    if (d.objective == Objective::flow)
        throw UsageError("a flow-matching model is its own ODE (flow_encode), not an eps field");
    if (how == Divergence::hutchinson && !rng)
        throw Error("network_field: Hutchinson's estimate needs a generator");
    // The passes' buffers live in the model: the field keeps its own copy.
    auto model = std::make_shared<MLPDiffusion>(*d.model);
    return [model, d, sched, how, rng](const float* x, int n, int t, float* eps, double* jacobian,
                                       double* divergence) {
        const int D = model->config().dim;
        if (!jacobian && !divergence) {  // sampling: the samplers' own fast, threaded pass
            predict_eps(d, eps, x, t, n, sched);
            return;
        }
        // eps is affine in the output: eps = c_x x + c_out out (objective.h), so
        // d eps / d x = c_x I + c_out d out / d x.
        const double a = sched.alphas_bar_sqrt[t], s = sched.one_minus_alphas_bar_sqrt[t];
        const double c_x = d.objective == Objective::x0  ? 1 / s
                           : d.objective == Objective::v ? s
                                                         : 0;
        const double c_out = d.objective == Objective::x0  ? -a / s
                             : d.objective == Objective::v ? a
                                                           : 1;
        const std::vector<int> steps(n, t);
        Conditioning time;
        time.t = steps.data();
        std::vector<float> out(static_cast<size_t>(n) * D);
        if (how == Divergence::hutchinson) {  // v^T J v, v of random signs: E[v v^T] = I
            if (jacobian) throw Error("network_field: Hutchinson's estimate gives no Jacobian");
            Conditioning in = time;
            const std::vector<int> labels(n, d.label);
            in.c = d.label >= 0 && d.guidance != 0.0f ? labels.data() : nullptr;
            if (d.label >= 0 && d.guidance != 1.0f && d.guidance != 0.0f)
                throw Error("network_field: Hutchinson's estimate of a guided mix is not written");
            model->forward(out.data(), x, in, n);
            std::vector<float> v(out.size()), dx(out.size(), 0.0f);
            for (float& sign : v) sign = rng->uniform() < 0.5f ? -1.0f : 1.0f;
            model->backward(v.data(), dx.data());  // dx = J^T v
            model->zero_grad();
            for (int p = 0; p < n; ++p) {
                double vjv = 0;
                for (int i = 0; i < D; ++i) vjv += v[p * D + i] * dx[p * D + i];
                divergence[p] = c_x * D + c_out * vjv;
            }
        } else {
            std::vector<double> jac(static_cast<size_t>(n) * D * D);
            denoiser_jacobian(*model, d, x, time, n, out.data(), jac.data());
            for (int p = 0; p < n; ++p) {
                double trace = 0;
                for (int i = 0; i < D; ++i)
                    for (int j = 0; j < D; ++j) {
                        const size_t k = (static_cast<size_t>(p) * D + i) * D + j;
                        jac[k] = (i == j ? c_x : 0.0) + c_out * jac[k];
                        if (i == j) trace += jac[k];
                    }
                if (divergence) divergence[p] = trace;
            }
            if (jacobian) std::copy(jac.begin(), jac.end(), jacobian);
        }
        if (d.objective == Objective::eps)
            std::copy(out.begin(), out.end(), eps);
        else
            eps_from_output(eps, out.data(), x, n * D, t, sched, d.objective);
    };
}

NoiseField gaussian_field(const double mean[2], const double cov[2][2], const Schedule& sched) {
    const std::vector<float> a_of = sched.alphas_bar_sqrt, s_of = sched.one_minus_alphas_bar_sqrt;
    const double m0 = mean[0], m1 = mean[1];
    const double c00 = cov[0][0], c01 = cov[0][1], c11 = cov[1][1];
    return [=](const float* x, int n, int t, float* eps, double* jacobian, double* divergence) {
        const double a = a_of[t], s = s_of[t];
        // (a^2 cov + s^2 I)^-1, a 2 x 2 inverse
        const double p00 = a * a * c00 + s * s, p01 = a * a * c01, p11 = a * a * c11 + s * s;
        const double det = p00 * p11 - p01 * p01;
        const double i00 = p11 / det, i01 = -p01 / det, i11 = p00 / det;
        for (int p = 0; p < n; ++p) {
            const double d0 = x[2 * p] - a * m0, d1 = x[2 * p + 1] - a * m1;
            eps[2 * p] = static_cast<float>(s * (i00 * d0 + i01 * d1));
            eps[2 * p + 1] = static_cast<float>(s * (i01 * d0 + i11 * d1));
            if (jacobian) {
                double* J = jacobian + 4 * static_cast<size_t>(p);
                J[0] = s * i00;
                J[1] = s * i01;
                J[2] = s * i01;
                J[3] = s * i11;
            }
            if (divergence) divergence[p] = s * (i00 + i11);
        }
    };
}

Prior standard_prior() {
    return Prior{};
}

Prior matched_prior(const Tensor& data, const Schedule& sched) {
    if (data.ndim() != 2 || data.dim(1) != 2 || data.dim(0) < 2)
        throw Error("matched_prior: expected 2-D points (n >= 2, 2), got " + data.shape_str());
    const int n = data.dim(0), T = sched.num_steps - 1;
    double m[2] = {0, 0}, c[2][2] = {{0, 0}, {0, 0}};
    for (int p = 0; p < n; ++p)
        for (int i = 0; i < 2; ++i) m[i] += data.at(p, i) / static_cast<double>(n);
    for (int p = 0; p < n; ++p)
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j)
                c[i][j] += (data.at(p, i) - m[i]) * (data.at(p, j) - m[j]) / (n - 1.0);
    // q(x_T) = E over x_0 of N(a x_0, s^2 I): mean a m, covariance a^2 C + s^2 I.
    const double a = sched.alphas_bar_sqrt[T], s2 = 1.0 - sched.alphas_prod[T];
    Prior out;
    for (int i = 0; i < 2; ++i) {
        out.mean[i] = a * m[i];
        for (int j = 0; j < 2; ++j) out.cov[i][j] = a * a * c[i][j] + (i == j ? s2 : 0.0);
    }
    return out;
}

Tensor sample_prior(const Prior& prior, int n, Rng& rng) {
    // x = mean + L z with L L^T = cov (Cholesky). N(0, I) is drawn exactly as randn draws it.
    const double l00 = std::sqrt(prior.cov[0][0]), l10 = prior.cov[1][0] / l00;
    const double l11 = std::sqrt(prior.cov[1][1] - l10 * l10);
    Tensor z = randn(n, 2, rng);
    const bool standard =
        prior.mean[0] == 0 && prior.mean[1] == 0 && l00 == 1 && l10 == 0 && l11 == 1;
    if (standard) return z;
    for (int p = 0; p < n; ++p) {
        const double z0 = z.at(p, 0), z1 = z.at(p, 1);
        z.at(p, 0) = static_cast<float>(prior.mean[0] + l00 * z0);
        z.at(p, 1) = static_cast<float>(prior.mean[1] + l10 * z0 + l11 * z1);
    }
    return z;
}

double prior_log_density(const Prior& prior, double x, double y) {
    const double c00 = prior.cov[0][0], c01 = prior.cov[0][1], c11 = prior.cov[1][1];
    const double det = c00 * c11 - c01 * c01, d0 = x - prior.mean[0], d1 = y - prior.mean[1];
    const double quad = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det;  // d^T C^-1 d
    return -0.5 * quad - std::log(2 * M_PI) - 0.5 * std::log(det);
}

namespace {

// One step up from node k - 1 to node k: the same rule with h > 0, an approximate inverse of
// step_down (Newton's starting point, and the continuous-time encoding's step).
void step_up(const OdeGrid& g, int k, const std::vector<double>& y, int n,
             std::vector<double>& out) {
    const double h = g.s[k] - g.s[k - 1];
    std::vector<double> f0, f1, ahead(y.size());
    g.f(y, n, k - 1, f0, nullptr);
    out.resize(y.size());
    if (!g.heun) {
        for (size_t i = 0; i < y.size(); ++i) out[i] = y[i] + h * f0[i];
        return;
    }
    for (size_t i = 0; i < y.size(); ++i) ahead[i] = y[i] + h * f0[i];
    g.f(ahead, n, k, f1, nullptr);
    for (size_t i = 0; i < y.size(); ++i) out[i] = y[i] + h * 0.5 * (f0[i] + f1[i]);
}

// "s = 2029.2 to 64.16": where step k runs, for an error message.
std::string node_text(const OdeGrid& g, int k) {
    char text[64];
    std::snprintf(text, sizeof text, "s = %.4g to %.4g", g.s[k], g.s[k - 1]);
    return text;
}

// The points y at node k that step_down sends to `target` (n, 2) at node k - 1, by Newton's
// method on G(y) = step_down(y) - target from step_up's guess; adds -log |det J| at each solution
// to log_p. Each round evaluates only the points not yet converged. Returns the rounds taken.
int invert_step(const OdeGrid& g, int k, const std::vector<double>& target, int n,
                std::vector<double>& y, std::vector<double>& log_p) {
    step_up(g, k, target, n, y);
    std::vector<int> active(n);
    for (int p = 0; p < n; ++p) active[p] = p;
    const int kMaxRounds = 30;
    for (int round = 1; round <= kMaxRounds; ++round) {
        const int m = static_cast<int>(active.size());
        std::vector<double> ys(2 * static_cast<size_t>(m)), reached, jac;
        for (int i = 0; i < m; ++i)
            for (int d = 0; d < 2; ++d) ys[2 * i + d] = y[2 * static_cast<size_t>(active[i]) + d];
        step_down(g, k, ys, m, reached, &jac);
        std::vector<int> still;
        for (int i = 0; i < m; ++i) {
            const size_t p = static_cast<size_t>(active[i]);
            const Mat2 J = mat_at(jac, i);
            const double det = J.a * J.d - J.b * J.c;
            const double g0 = reached[2 * i] - target[2 * p],
                         g1 = reached[2 * i + 1] - target[2 * p + 1];
            if (!(std::isfinite(det) && det > 0))
                throw Error("the ODE sampler's step from " + node_text(g, k) +
                            " folds the plane at a point (its Jacobian's determinant is " +
                            std::to_string(det) +
                            "): the sampler has no density there; try other steps, or a "
                            "schedule whose last step is less abrupt");
            // Converged when the step lands on its target to the float network's rounding: of its
            // output, which the displacement h f carries (a relative 1e-7 of it), and of its input
            // (y is rounded to float, a relative 6e-8, before the network reads it).
            const double moved = std::fabs(reached[2 * i] - ys[2 * i]) +
                                 std::fabs(reached[2 * i + 1] - ys[2 * i + 1]);
            const double size = std::fabs(ys[2 * i]) + std::fabs(ys[2 * i + 1]);
            if (std::fabs(g0) + std::fabs(g1) <= 1e-5 * moved + 2.4e-7 * size + 1e-15) {
                log_p[p] -= std::log(det);  // the change of variables of this step
                continue;
            }
            y[2 * p] -= (J.d * g0 - J.b * g1) / det;  // Newton's update, y -= J^-1 G
            y[2 * p + 1] -= (-J.c * g0 + J.a * g1) / det;
            still.push_back(active[i]);
        }
        active.swap(still);
        if (active.empty()) return round;
    }
    throw Error("the ODE sampler's step from " + node_text(g, k) +
                ": inverting it did not "
                "converge in " +
                std::to_string(kMaxRounds) + " Newton rounds at " + std::to_string(active.size()) +
                " points (it nearly folds there); try other steps");
}

// The exact encoding along a grid: x_0 (at node 0) -> y_S, log p(x_0) = log p_S(y_S) - the sum of
// the steps' log |det|, where log p_S is given.
OdeEncoding encode_exact(const OdeGrid& g, const Tensor& x_0,
                         const std::function<double(double, double)>& log_p_top,
                         std::vector<double>* y_top) {
    const int n = x_0.dim(0), S = static_cast<int>(g.s.size()) - 1;
    std::vector<double> y(x_0.data(), x_0.data() + x_0.size()), up;
    OdeEncoding out{Tensor(x_0.shape()), std::vector<double>(n, 0.0), 0};
    for (int k = 1; k <= S; ++k) {
        out.newton_iterations =
            std::max(out.newton_iterations, invert_step(g, k, y, n, up, out.log_p));
        y.swap(up);
    }
    for (int p = 0; p < n; ++p) out.log_p[p] += log_p_top(y[2 * p], y[2 * p + 1]);
    *y_top = y;
    return out;
}

// The field at xbar (n, D) on node k: eps, and the divergence in xbar, tr(J) / sqrt(1 + sigma^2).
void field_at(const NoiseField& eps, const std::vector<double>& xbar, const Node& node, int n,
              std::vector<float>& x, std::vector<float>& out, std::vector<double>* div) {
    const double to_x = 1.0 / std::sqrt(1.0 + node.sigma * node.sigma);
    for (size_t i = 0; i < xbar.size(); ++i) x[i] = static_cast<float>(xbar[i] * to_x);
    eps(x.data(), n, node.t, out.data(), nullptr, div ? div->data() : nullptr);
    if (div)
        for (double& d : *div) d *= to_x;
}

// One Heun step of all points up the grid, from node `from` to node `to` (the continuous-time
// estimate's encoding), adding the trapezoid rule's share of the divergence's integral to log_p.
// That integral is taken in u = log sigma (integrand sigma div) between two nodes above sigma =
// 0: at the top of a schedule sigma grows by a large factor from one step to the next (cosine's:
// 31), and there div ~ D / sigma, which the trapezoid rule in sigma overestimates by that
// factor; in log sigma it is nearly constant.
void heun_step_up(const NoiseField& eps, std::vector<double>& xbar, const Node& from,
                  const Node& to, int n, std::vector<double>& log_p) {
    const double h = to.sigma - from.sigma;
    std::vector<float> x(xbar.size()), f0(xbar.size()), f1(xbar.size());
    std::vector<double> div0(n), div1(n);
    field_at(eps, xbar, from, n, x, f0, &div0);
    std::vector<double> ahead(xbar.size());
    for (size_t i = 0; i < xbar.size(); ++i) ahead[i] = xbar[i] + h * f0[i];  // Euler: DDIM
    field_at(eps, ahead, to, n, x, f1, &div1);
    for (size_t i = 0; i < xbar.size(); ++i) xbar[i] += h * 0.5 * (f0[i] + f1[i]);  // Heun
    const bool in_log = from.sigma > 0 && to.sigma > 0;
    const double hu = in_log ? std::log(to.sigma / from.sigma) : h;
    const double w0 = in_log ? from.sigma : 1.0, w1 = in_log ? to.sigma : 1.0;  // d sigma / du
    for (int p = 0; p < n; ++p) log_p[p] += hu * 0.5 * (w0 * div0[p] + w1 * div1[p]);  // trapezoid
}

void check_points(const Tensor& x, const char* what) {
    if (x.ndim() != 2 || x.dim(0) < 1 || x.dim(1) != 2)
        throw Error(std::string(what) + ": expected 2-D points (n, 2), got " + x.shape_str());
}

}  // namespace

OdeEncoding ode_encode(const NoiseField& eps, const Tensor& x_0, const Schedule& sched, int S,
                       const Prior& prior) {
    check_points(x_0, "ode_encode");
    const std::vector<Node> grid = nodes(sched, S);
    const double a_top = std::sqrt(sched.alphas_prod[grid.back().t]);
    // xbar_T = x_T / a_top, so p(xbar_T) = p_T(x_T) a_top^D.
    auto log_p_top = [&](double y0, double y1) {
        return prior_log_density(prior, y0 * a_top, y1 * a_top) + 2 * std::log(a_top);
    };
    std::vector<double> y_top;
    OdeEncoding out = encode_exact(ddpm_grid(eps, grid), x_0, log_p_top, &y_top);
    for (size_t i = 0; i < y_top.size(); ++i) out.x_T[i] = static_cast<float>(y_top[i] * a_top);
    return out;
}

OdeEncoding ode_encode_integral(const NoiseField& eps, const Tensor& x_0, const Schedule& sched,
                                int S, const Prior& prior) {
    check_points(x_0, "ode_encode_integral");
    const int n = x_0.dim(0);
    const std::vector<Node> grid = nodes(sched, S);
    std::vector<double> xbar(x_0.data(), x_0.data() + x_0.size());  // sigma = 0: xbar = x_0
    OdeEncoding out{Tensor(x_0.shape()), std::vector<double>(n, 0.0), 0};
    for (int k = 0; k < S; ++k) heun_step_up(eps, xbar, grid[k], grid[k + 1], n, out.log_p);
    const double a_top = std::sqrt(sched.alphas_prod[grid.back().t]);
    for (int p = 0; p < n; ++p) {
        const double x0 = xbar[2 * static_cast<size_t>(p)] * a_top;
        const double x1 = xbar[2 * static_cast<size_t>(p) + 1] * a_top;
        out.x_T.at(p, 0) = static_cast<float>(x0);
        out.x_T.at(p, 1) = static_cast<float>(x1);
        // log p_T(x_T) + D log sqrt(abar_top) + the integral so far
        out.log_p[p] += prior_log_density(prior, x0, x1) + 2 * std::log(a_top);
    }
    return out;
}

OdeEncoding flow_encode(const Denoiser& d, const Tensor& x_0, int steps, FlowSolver solver,
                        float rho) {
    check_points(x_0, "flow_encode");
    if (!d.model || d.objective != Objective::flow)
        throw UsageError("flow_encode: the model must be a flow-matching one");
    if (steps < 1 || steps > 100000)
        throw UsageError("flow_encode: steps must be in [1, 100000], got " + std::to_string(steps));
    // The sampler's times tau_0 = 1 > ... > tau_N = 0, read from the data up: node k is tau_{N-k}.
    const std::vector<float> tau = flow_times(steps, rho);
    auto model = std::make_shared<MLPDiffusion>(*d.model);
    OdeGrid g;
    for (int k = 0; k <= steps; ++k) g.s.push_back(tau[steps - k]);
    g.heun = solver == FlowSolver::heun;
    g.f = [&](const std::vector<double>& y, int n, int k, std::vector<double>& f,
              std::vector<double>* jac) {
        const std::vector<float> x(y.begin(), y.end());
        const std::vector<float> s(n, flow_position(tau[steps - k], model->config().num_steps));
        Conditioning time;
        time.s = s.data();
        std::vector<float> v(y.size());
        if (jac) {
            jac->resize(4 * static_cast<size_t>(n));
            denoiser_jacobian(*model, d, x.data(), time, n, v.data(), jac->data());
        } else {
            denoiser_output(d, v.data(), x.data(), time, n);
        }
        f.assign(v.begin(), v.end());
    };
    auto log_p_top = [](double y0, double y1) {
        return prior_log_density(standard_prior(), y0, y1);
    };
    std::vector<double> y_top;
    OdeEncoding out = encode_exact(g, x_0, log_p_top, &y_top);
    for (size_t i = 0; i < y_top.size(); ++i) out.x_T[i] = static_cast<float>(y_top[i]);
    return out;
}

}  // namespace ddpm
