#include "diffusion/schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace ddpm {

const char* const kScheduleNames = "sigmoid|linear|linear_scaled|quadratic|cosine";

static void check_steps(int T) {
    if (T < 2 || T > 100000)
        throw UsageError("number of steps must be in [2, 100000], got " + std::to_string(T));
}

// linspace(a, b, T)[i], the way NumPy and PyTorch place the points.
static double linspace_at(double a, double b, int T, int i) {
    return a + (b - a) * static_cast<double>(i) / static_cast<double>(T - 1);
}

Schedule Schedule::from_betas(const std::string& name, const std::vector<double>& betas) {
    Schedule s;
    s.name = name;
    s.num_steps = static_cast<int>(betas.size());
    double prod = 1.0;
    for (double beta : betas) {
        if (!(beta > 0.0 && beta < 1.0))
            throw Error("schedule " + name + ": every beta must lie in (0, 1)");
        double prev = prod;
        prod *= 1.0 - beta;
        s.betas.push_back(static_cast<float>(beta));
        s.alphas.push_back(static_cast<float>(1.0 - beta));
        s.alphas_prod.push_back(static_cast<float>(prod));
        s.alphas_prod_p.push_back(static_cast<float>(prev));
        s.alphas_bar_sqrt.push_back(static_cast<float>(std::sqrt(prod)));
        s.one_minus_alphas_bar_log.push_back(static_cast<float>(std::log(1.0 - prod)));
        s.one_minus_alphas_bar_sqrt.push_back(static_cast<float>(std::sqrt(1.0 - prod)));
    }
    return s;
}

Schedule Schedule::sigmoid(int T, double start, double end) {
    check_steps(T);
    std::vector<double> betas(T);
    for (int i = 0; i < T; ++i) {
        double x = linspace_at(-6.0, 6.0, T, i);
        betas[i] = 1.0 / (1.0 + std::exp(-x)) * (end - start) + start;
    }
    return from_betas("sigmoid", betas);
}

Schedule Schedule::linear(int T, double start, double end) {
    check_steps(T);
    std::vector<double> betas(T);
    for (int i = 0; i < T; ++i) betas[i] = linspace_at(start, end, T, i);
    return from_betas("linear", betas);
}

Schedule Schedule::linear_scaled(int T) {
    check_steps(T);
    const double scale = 1000.0 / T;
    if (scale * 0.02 >= 1.0)
        throw UsageError("the linear_scaled schedule needs at least 21 steps, got " +
                         std::to_string(T));
    Schedule s = linear(T, scale * 1e-4, scale * 0.02);
    s.name = "linear_scaled";
    return s;
}

Schedule Schedule::quadratic(int T, double start, double end) {
    check_steps(T);
    std::vector<double> betas(T);
    for (int i = 0; i < T; ++i) {
        double r = linspace_at(std::sqrt(start), std::sqrt(end), T, i);
        betas[i] = r * r;
    }
    return from_betas("quadratic", betas);
}

Schedule Schedule::cosine(int T, double s) {
    check_steps(T);
    // alpha-bar(t) = f(t) / f(0), f(t) = cos^2(((t / T) + s) / (1 + s) * pi / 2);
    // beta_t = 1 - alpha-bar(t + 1) / alpha-bar(t), capped at 0.999 so the last step stays finite.
    auto f = [&](double t) {
        double c = std::cos((t / T + s) / (1.0 + s) * M_PI / 2.0);
        return c * c;
    };
    std::vector<double> betas(T);
    for (int i = 0; i < T; ++i) betas[i] = std::min(1.0 - f(i + 1) / f(i), 0.999);
    return from_betas("cosine", betas);
}

Schedule Schedule::by_name(const std::string& name, int T) {
    if (name == "sigmoid") return sigmoid(T);
    if (name == "linear") return linear(T);
    if (name == "linear_scaled") return linear_scaled(T);
    if (name == "quadratic") return quadratic(T);
    if (name == "cosine") return cosine(T);
    throw UsageError("unknown schedule '" + name + "' (expected " + kScheduleNames + ")");
}

void check_step(int t, const Schedule& sched) {
    if (t < 0 || t >= sched.num_steps)
        throw Error("step t = " + std::to_string(t) + " out of range [0, " +
                    std::to_string(sched.num_steps) + ")");
}

}  // namespace ddpm
