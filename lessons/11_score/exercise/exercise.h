// Exercise 11: what the ideal denoiser knows about x_0 (lesson 11, lib/likelihood/score.h). The
// training set is N points x^i, each equally likely to be x_0, and a noised point is x_t = a x_0 +
// s eps with eps ~ N(0, I) (a = alphas_bar_sqrt[t], s = one_minus_alphas_bar_sqrt[t]). Given x_t,
// the posterior over x_0 is a distribution on the training points (Bayes' rule: derive its
// weights).
#pragma once

namespace ex {

// For n points x_t (n, 2): x0_hat (n, 2), the posterior's mean E[x_0 | x_t] (the denoised
// guess), and spread (n), its total variance tr Cov[x_0 | x_t] = E[|x_0 - x0_hat|^2 | x_t].
// points (N, 2). Must stay finite for an x_t far from every training point.
void posterior_x0(float* x0_hat, double* spread, const float* x_t, int n, const float* points,
                  int N, double a, double s);

// The score grad log q(x_t) of the noised training set, for n points (n, 2), from the denoised
// guess alone (Tweedie's formula: derive it from the gradient of each Gaussian q(x_t | x^i)).
void score_from_x0(float* score, const float* x_t, const float* x0_hat, int n, double a, double s);

}  // namespace ex
