// Solution to exercise 01: each schedule a loop with one line of formula, derive one running
// product (lib/diffusion/schedule.cpp computes the same in double before rounding to float).
#include <cmath>

#include "exercise.h"

namespace ex {

static double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}

std::vector<double> sigmoid_betas(int T) {
    std::vector<double> betas(T, 0.0);
    for (int i = 0; i < T; ++i) {
        const double x = -6.0 + 12.0 * i / (T - 1);
        betas[i] = sigmoid(x) * (5e-3 - 1e-5) + 1e-5;
    }
    return betas;
}

std::vector<double> linear_betas(int T) {
    std::vector<double> betas(T, 0.0);
    for (int i = 0; i < T; ++i) betas[i] = 1e-4 + (0.02 - 1e-4) * i / (T - 1);
    return betas;
}

std::vector<double> logsnr_betas(int T, double lambda_max, double lambda_min) {
    std::vector<double> betas(T, 0.0);
    double abar_prev = 1.0;  // abar_{-1}: nothing has been added before step 0
    for (int t = 0; t < T; ++t) {
        const double lambda = lambda_max + (lambda_min - lambda_max) * t / (T - 1);
        const double abar = sigmoid(lambda);
        betas[t] = 1.0 - abar / abar_prev;
        abar_prev = abar;
    }
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
    double p = 1.0;
    for (size_t t = 0; t < T; ++t) {
        d.alphas[t] = 1.0 - betas[t];
        d.alphas_prod_p[t] = p;
        p *= d.alphas[t];
        d.alphas_prod[t] = p;
        d.alphas_bar_sqrt[t] = std::sqrt(p);
        d.one_minus_alphas_bar_sqrt[t] = std::sqrt(1.0 - p);
    }
    return d;
}

}  // namespace ex
