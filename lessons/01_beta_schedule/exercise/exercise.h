// Exercise 01: the schedules and the arrays derived from them (lesson 01,
// lib/diffusion/schedule.cpp). Everything in double: the checks compare to 1e-12 where the formula
// allows it.
#pragma once
#include <vector>

namespace ex {

// The notebook's: sigmoid(linspace(-6, 6, T)) * (5e-3 - 1e-5) + 1e-5.
std::vector<double> sigmoid_betas(int T);
// DDPM's: linspace(1e-4, 0.02, T).
std::vector<double> linear_betas(int T);

// A schedule the lesson does not show, defined by its signal-to-noise ratio instead of its betas.
// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps has SNR(t) = abar_t / (1 - abar_t). Here
// lambda_t = log SNR(t) falls in equal steps from lambda_max at t = 0 to lambda_min at t = T-1
// (a "linear log-SNR" schedule, Kingma et al. 2021), so abar_t = sigmoid(lambda_t); return the
// betas that give this abar through the cumulative product of lesson 01:
//   beta_0 = 1 - abar_0,   beta_t = 1 - abar_t / abar_{t-1}   for t = 1 ... T-1.
std::vector<double> logsnr_betas(int T, double lambda_max, double lambda_min);

struct Derived {
    std::vector<double> alphas, alphas_prod, alphas_prod_p, alphas_bar_sqrt,
        one_minus_alphas_bar_sqrt;
};
// alphas = 1 - betas; alphas_prod = cumulative product; alphas_prod_p = [1] + alphas_prod[:-1];
// alphas_bar_sqrt = sqrt(alphas_prod); one_minus_alphas_bar_sqrt = sqrt(1 - alphas_prod).
Derived derive(const std::vector<double>& betas);

}  // namespace ex
