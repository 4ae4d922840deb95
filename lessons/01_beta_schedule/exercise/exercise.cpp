// Exercise 01: fill in the four functions. `make exercise` in lessons/01_beta_schedule checks them.
#include <cmath>

#include "exercise.h"

namespace ex {

std::vector<double> sigmoid_betas(int T) {
    std::vector<double> betas(T, 0.0);
    // TODO: betas[i] = sigmoid(x_i) * (5e-3 - 1e-5) + 1e-5, x_i = -6 + 12 i / (T - 1)
    return betas;
}

std::vector<double> linear_betas(int T) {
    std::vector<double> betas(T, 0.0);
    // TODO: T evenly spaced values from 1e-4 to 0.02, both ends included
    return betas;
}

std::vector<double> logsnr_betas(int T, double lambda_max, double lambda_min) {
    std::vector<double> betas(T, 0.0);
    // TODO: lambda_t, then abar_t = sigmoid(lambda_t), then each beta from two neighbouring abar
    return betas;
}

Derived derive(const std::vector<double>& betas) {
    Derived d;
    const size_t T = betas.size();
    d.alphas.assign(T, 0.0);
    d.alphas_prod.assign(T, 0.0);
    d.alphas_prod_p.assign(T, 0.0);
    d.alphas_bar_sqrt.assign(T, 0.0);
    d.one_minus_alphas_bar_sqrt.assign(T, 0.0);
    // TODO: fill the five arrays
    return d;
}

}  // namespace ex
