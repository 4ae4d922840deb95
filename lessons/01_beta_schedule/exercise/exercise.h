// Exercise 01: the schedules and the arrays derived from them (lesson 01, lib/schedule.cpp).
#pragma once
#include <vector>

namespace ex {

// The notebook's: sigmoid(linspace(-6, 6, T)) * (5e-3 - 1e-5) + 1e-5.
std::vector<double> sigmoid_betas(int T);
// DDPM's: linspace(1e-4, 0.02, T).
std::vector<double> linear_betas(int T);
// Improved DDPM's, with s = 0.008:
//   abar(t) = f(t) / f(0),   f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2)
//   beta_t  = min(1 - abar(t + 1) / abar(t), 0.999)   for t = 0 ... T-1
std::vector<double> cosine_betas(int T);

struct Derived {
    std::vector<double> alphas, alphas_prod, alphas_prod_p, alphas_bar_sqrt,
        one_minus_alphas_bar_sqrt;
};
// alphas = 1 - betas; alphas_prod = cumulative product; alphas_prod_p = [1] + alphas_prod[:-1];
// alphas_bar_sqrt = sqrt(alphas_prod); one_minus_alphas_bar_sqrt = sqrt(1 - alphas_prod).
Derived derive(const std::vector<double>& betas);

}  // namespace ex
