// Checks for exercise 01, by value: the notebook's facts (to their six digits), the schedules'
// defining formulas, the log-SNR schedule through the abar it must produce, and the derived arrays
// on random betas against their definitions (to 1e-12: the exercise works in double).
#include <cmath>
#include <vector>

#include "check.h"
#include "core/rng.h"
#include "exercise.h"

// v[i], or NaN (which fails every check) when v is too short: a short vector is a wrong answer, not a
// crash.
static double value_at(const std::vector<double>& v, size_t i) {
    return i < v.size() ? v[i] : NAN;
}

int main() {
    exercise::Checker check = exercise::start("01 the beta schedules and the derived arrays");
    std::vector<double> s = ex::sigmoid_betas(100);
    check.equal("sigmoid_betas(100): the number of values", static_cast<long>(s.size()), 100);
    if (s.size() != 100) return check.finish();
    double sum = 0;
    for (double b : s) sum += b;
    check.near("sum of the notebook's betas", sum, 0.2505, 3e-6);
    check.near("sigmoid betas[0] = sigmoid(-6) * (5e-3 - 1e-5) + 1e-5", s[0],
               1 / (1 + std::exp(6.0)) * (5e-3 - 1e-5) + 1e-5, 1e-10);
    ex::Derived d = ex::derive(s);
    check.near("alphas_prod[99] (the notebook's fact)", value_at(d.alphas_prod, 99), 0.778003,
               1e-6);
    check.near("alphas_bar_sqrt[99]", value_at(d.alphas_bar_sqrt, 99), 0.882045, 1e-6);
    check.near("one_minus_alphas_bar_sqrt[99]", value_at(d.one_minus_alphas_bar_sqrt, 99), 0.471165,
               1e-6);

    std::vector<double> lin = ex::linear_betas(1000);
    check.equal("linear_betas(1000): the number of values", static_cast<long>(lin.size()), 1000);
    if (lin.size() == 1000) {
        check.near("linear betas[0]", lin[0], 1e-4, 1e-12);
        check.near("linear betas[999]", lin[999], 0.02, 1e-12);
        check.near("linear betas[500]", lin[500], 1e-4 + (0.02 - 1e-4) * 500 / 999.0, 1e-12);
    }

    // The log-SNR schedule: the betas are only a means; what must come out is abar_t =
    // sigmoid(lambda_t), checked through a cumulative product taken here.
    const int T = 40;
    std::vector<double> ls = ex::logsnr_betas(T, 6.0, -8.0);
    check.equal("logsnr_betas(40, 6, -8): the number of values", static_cast<long>(ls.size()), T);
    if (ls.size() == static_cast<size_t>(T)) {
        std::vector<double> abar(T), want(T), lambda(T);
        double p = 1;
        for (int t = 0; t < T; ++t) {
            p *= 1 - ls[t];
            abar[t] = p;
            const double l = 6.0 - 14.0 * t / (T - 1);
            want[t] = 1 / (1 + std::exp(-l));
            lambda[t] = std::log(p / (1 - p));
        }
        check.near("logsnr: beta_0 = 1 - sigmoid(lambda_max)", ls[0], 1 / (1 + std::exp(6.0)),
                   1e-12);
        check.all_near("logsnr: the product of (1 - beta) is sigmoid(lambda_t)", abar.data(),
                       want.data(), T, 1e-12, [](size_t i) { return "t = " + std::to_string(i); });
        std::vector<double> gaps(T - 1), step(T - 1, -14.0 / (T - 1));
        for (int t = 0; t + 1 < T; ++t) gaps[t] = lambda[t + 1] - lambda[t];
        check.all_near("logsnr: log SNR falls in equal steps of -14/39", gaps.data(), step.data(),
                       T - 1, 1e-9, [](size_t i) {
                           return "from t = " + std::to_string(i) + " to " + std::to_string(i + 1);
                       });
    }

    // The derived arrays on random betas, against their definitions.
    ddpm::Rng rng(3);
    std::vector<double> betas(20);
    for (double& b : betas) b = rng.uniform(0.001f, 0.2f);
    ex::Derived r = ex::derive(betas);
    std::vector<double> alphas(20), prod(20), prod_p(20), sq(20), sq1(20);
    double p = 1;
    for (int i = 0; i < 20; ++i) {
        alphas[i] = 1 - betas[i];
        prod_p[i] = p;
        p *= alphas[i];
        prod[i] = p;
        sq[i] = std::sqrt(p);
        sq1[i] = std::sqrt(1 - p);
    }
    // Each array: first its length (so nothing is read past a short one), then its values.
    auto compare = [&](const std::string& name, const std::vector<double>& got,
                       const std::vector<double>& want) {
        check.equal(name + ": the number of values", static_cast<long>(got.size()),
                    static_cast<long>(want.size()));
        if (got.size() == want.size())
            check.all_near(name, got.data(), want.data(), want.size(), 1e-12,
                           [](size_t i) { return "t = " + std::to_string(i); });
    };
    compare("alphas = 1 - betas", r.alphas, alphas);
    compare("alphas_prod (cumulative product)", r.alphas_prod, prod);
    compare("alphas_prod_p (the previous product, 1 first)", r.alphas_prod_p, prod_p);
    compare("alphas_bar_sqrt", r.alphas_bar_sqrt, sq);
    compare("one_minus_alphas_bar_sqrt", r.one_minus_alphas_bar_sqrt, sq1);
    return check.finish();
}
