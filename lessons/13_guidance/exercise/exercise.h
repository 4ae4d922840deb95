// Exercise 13: classifier-free guidance, and the classifier it hides (lesson 13, lib/guidance.h,
// docs/theory.md).
#pragma once
#include "schedule.h"

namespace ex {

// Classifier-free guidance's mix of the network's two answers, for n_values values:
//   eps = eps_uncond + w (eps_cond - eps_uncond)
void guided_eps(float* eps, const float* eps_cond, const float* eps_uncond, int n_values, float w);

// The classifier the two answers imply. Each eps is a score (lesson 11):
//   grad log q(x_t | c) = -eps_cond / sqrt(1 - abar_t),  grad log q(x_t) = -eps_uncond / sqrt(1 - abar_t)
// and by Bayes, log p(c | x_t) = log q(x_t | c) + log p(c) - log q(x_t), so
//   grad_x log p(c | x_t) = -(eps_cond - eps_uncond) / sqrt(1 - abar_t)
// Guidance with weight w then samples with the score of q(x_t) p(c | x_t)^w: a classifier's
// gradient, pushed w times, with no classifier trained. grad (n_values) at step t.
void implied_classifier_gradient(float* grad, const float* eps_cond, const float* eps_uncond,
                                 int n_values, int t, const ddpm::Schedule& sched);

}  // namespace ex
