// Solution to exercise 01: the library's own schedules. Read them in lib/schedule.cpp
// (Schedule::sigmoid, linear, cosine, from_betas).
#include "exercise.h"
#include "schedule.h"

namespace ex {

static std::vector<double> widen(const std::vector<float>& v) {
    return {v.begin(), v.end()};
}

std::vector<double> sigmoid_betas(int T) {
    return widen(ddpm::Schedule::sigmoid(T).betas);
}
std::vector<double> linear_betas(int T) {
    return widen(ddpm::Schedule::linear(T).betas);
}
std::vector<double> cosine_betas(int T) {
    return widen(ddpm::Schedule::cosine(T).betas);
}

Derived derive(const std::vector<double>& betas) {
    ddpm::Schedule s = ddpm::Schedule::from_betas("exercise", betas);
    return {widen(s.alphas), widen(s.alphas_prod), widen(s.alphas_prod_p), widen(s.alphas_bar_sqrt),
            widen(s.one_minus_alphas_bar_sqrt)};
}

}  // namespace ex
