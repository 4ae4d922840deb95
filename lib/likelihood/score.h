// The score view of the network (lesson 11): what eps_theta is the gradient of, and the one
// network that is best on the training set, in closed form.
//
// Tweedie / denoising score matching: the noise the network predicts and the score of the noised
// data are one thing, scaled:
//   s_theta(x, t) = grad_x log q(x_t) ~ -eps_theta(x, t) / one_minus_alphas_bar_sqrt[t]
//
// The ideal denoiser: for N training points x^i, q(x_t) is exactly a mixture of N Gaussians,
//   q(x_t) = 1/N sum_i N(x_t; a x^i, s^2 I),   a = alphas_bar_sqrt[t], s = one_minus_alphas_bar_sqrt[t]
// so its score is a weighted pull towards the points, and the eps that minimises L_simple on the
// training set (the best any network can do on it) is
//   w_i  = softmax_i(-|x_t - a x^i|^2 / (2 s^2))        (how likely x_t came from x^i)
//   eps* = (x_t - a sum_i w_i x^i) / s                  (x_t minus its expected clean part)
// A sampler driven by eps* reproduces training points: it memorises.
#pragma once
#include "core/tensor.h"
#include "diffusion/schedule.h"

namespace ddpm {

// s = -eps / one_minus_alphas_bar_sqrt[t], for n_values values.
void score_from_eps(float* score, const float* eps, int n_values, int t, const Schedule& sched);

// The ideal denoiser of a training set `points` (N, D).
class IdealDenoiser {
public:
    explicit IdealDenoiser(const Tensor& points);

    // eps*(x_t, t) for n points x (n, D) -> eps (n, D). In double, with the softmax's largest
    // term factored out, so far-away points cannot underflow every weight to 0.
    void eps(float* eps, const float* x, int n, int t, const Schedule& sched) const;
    // log q(x_t) at n points, the mixture's density (nats).
    void log_density(double* log_q, const float* x, int n, int t, const Schedule& sched) const;

    const Tensor& points() const { return points_; }

private:
    Tensor points_;
};

}  // namespace ddpm
