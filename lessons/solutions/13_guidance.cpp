// Solution to exercise 13: the mix is guide()'s line (lib/guidance.cpp); the classifier's
// gradient is the difference of two scores, score_from_eps's line (lib/score.cpp) applied to
// eps_cond - eps_uncond.
#include "exercise.h"

namespace ex {

void guided_eps(float* eps, const float* eps_cond, const float* eps_uncond, int n_values, float w) {
    for (int i = 0; i < n_values; ++i) eps[i] = eps_uncond[i] + w * (eps_cond[i] - eps_uncond[i]);
}

void implied_classifier_gradient(float* grad, const float* eps_cond, const float* eps_uncond,
                                 int n_values, int t, const ddpm::Schedule& sched) {
    const float s = sched.one_minus_alphas_bar_sqrt[t];
    for (int i = 0; i < n_values; ++i) grad[i] = -(eps_cond[i] - eps_uncond[i]) / s;
}

}  // namespace ex
