// Exercise 11: what the ideal denoiser knows about x_0 (lesson 11, lib/score.h). For N training
// points x^i and a noised point x_t = a x_0 + s eps (a = alphas_bar_sqrt[t], s =
// one_minus_alphas_bar_sqrt[t]), Bayes' rule gives each training point's responsibility for x_t,
//   w_i = exp(-|x_t - a x^i|^2 / (2 s^2)) / sum_j exp(-|x_t - a x^j|^2 / (2 s^2)),
// and with them the posterior over x_0, a distribution on the training points:
//   x0_hat = sum_i w_i x^i                        its mean, the denoised guess E[x_0 | x_t]
//   spread = sum_i w_i |x^i - x0_hat|^2           its spread, tr Cov[x_0 | x_t]
#pragma once

namespace ex {

// For n points x_t (n, 2): x0_hat (n, 2) and spread (n). points (N, 2). Must not overflow or
// divide 0 by 0 for an x_t far from every training point (the exponents are then all very
// negative: subtract the largest before exponentiating).
void posterior_x0(float* x0_hat, double* spread, const float* x_t, int n, const float* points,
                  int N, double a, double s);

// Tweedie's formula, the score from the denoised guess: grad log q(x_t) = (a x0_hat - x_t) / s^2,
// for n points (n, 2).
void score_from_x0(float* score, const float* x_t, const float* x0_hat, int n, double a, double s);

}  // namespace ex
