// Schedule: the noise levels beta_t and every array derived from them, under the notebook's names.
//
//   betas[t]                       beta_t, the variance of the noise added at step t
//   alphas[t]                      1 - beta_t
//   alphas_prod[t]                 alpha-bar_t = prod_{s<=t} alphas[s]
//   alphas_prod_p[t]               alpha-bar_{t-1}, with alphas_prod_p[0] = 1
//   alphas_bar_sqrt[t]             sqrt(alpha-bar_t)        (how much of x_0 is left in x_t)
//   one_minus_alphas_bar_log[t]    log(1 - alpha-bar_t)
//   one_minus_alphas_bar_sqrt[t]   sqrt(1 - alpha-bar_t)    (the std of the noise in x_t)
//
// Steps are numbered t = 0 ... T-1 as in the notebook (DDPM's paper counts 1 ... T). The arrays are
// float32 like the model; they are computed in double and rounded once.
#pragma once
#include <string>
#include <vector>

namespace ddpm {

struct Schedule {
    std::string name;
    int num_steps = 0;
    std::vector<float> betas, alphas, alphas_prod, alphas_prod_p, alphas_bar_sqrt,
        one_minus_alphas_bar_log, one_minus_alphas_bar_sqrt;

    // The notebook's: sigmoid(linspace(-6, 6, T)) * (end - start) + start.
    static Schedule sigmoid(int T, double start = 1e-5, double end = 0.5e-2);
    // DDPM (Ho et al. 2020): linspace(start, end, T).
    static Schedule linear(int T, double start = 1e-4, double end = 0.02);
    // DDPM's linear betas for 1000 steps scaled to T (Improved DDPM's rule): 1000/T times
    // linspace(1e-4, 0.02, T), so x_T is noise for any T (1e-3 ... 0.2 for T = 100: pictures).
    static Schedule linear_scaled(int T);
    // linspace(sqrt(start), sqrt(end), T) squared: slow at first, faster later.
    static Schedule quadratic(int T, double start = 1e-4, double end = 0.02);
    // Improved DDPM (Nichol & Dhariwal 2021): alpha-bar follows cos^2, betas capped at 0.999.
    static Schedule cosine(int T, double s = 0.008);
    // "sigmoid", "linear", "linear_scaled", "quadratic" or "cosine"; anything else throws
    // UsageError.
    static Schedule by_name(const std::string& name, int T);
    // Derives every array from the betas (in double).
    static Schedule from_betas(const std::string& name, const std::vector<double>& betas);
};

// Throws Error unless 0 <= t < T: the steps every q and p function takes.
void check_step(int t, const Schedule& sched);

// The names by_name accepts, for help texts.
extern const char* const kScheduleNames;

}  // namespace ddpm
