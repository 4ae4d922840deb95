#include "diffusion/objective.h"

#include "core/error.h"

namespace ddpm {

static const char* const kObjectiveNames = "eps, x0, v, flow";

const char* objective_name(Objective o) {
    switch (o) {
        case Objective::eps:
            return "eps";
        case Objective::x0:
            return "x0";
        case Objective::v:
            return "v";
        case Objective::flow:
            return "flow";
    }
    return "?";
}

Objective parse_objective(const std::string& s) {
    for (Objective o : {Objective::eps, Objective::x0, Objective::v, Objective::flow})
        if (s == objective_name(o)) return o;
    throw UsageError("unknown objective '" + s + "': use one of " + kObjectiveNames);
}

static void check_ddpm_objective(Objective o, const char* what) {
    if (o == Objective::flow)
        throw UsageError(std::string(what) +
                         ": flow matching has its own path (lib/diffusion/flow.h)");
}

void objective_target(float* target, const float* x_0, const float* eps, const int* t, int B, int D,
                      const Schedule& sched, Objective o) {
    check_ddpm_objective(o, "objective_target");
    for (int b = 0; b < B; ++b) {
        const float a = sched.alphas_bar_sqrt[t[b]];
        const float s = sched.one_minus_alphas_bar_sqrt[t[b]];
        for (int d = 0; d < D; ++d) {
            const int i = b * D + d;
            if (o == Objective::eps) target[i] = eps[i];
            if (o == Objective::x0) target[i] = x_0[i];
            if (o == Objective::v) target[i] = a * eps[i] - s * x_0[i];
        }
    }
}

void eps_from_output(float* eps, const float* out, const float* x_t, int n_values, int t,
                     const Schedule& sched, Objective o) {
    check_ddpm_objective(o, "eps_from_output");
    const float a = sched.alphas_bar_sqrt[t];
    const float s = sched.one_minus_alphas_bar_sqrt[t];
    for (int i = 0; i < n_values; ++i) {
        if (o == Objective::eps) eps[i] = out[i];
        if (o == Objective::x0) eps[i] = (x_t[i] - a * out[i]) / s;
        if (o == Objective::v) eps[i] = s * x_t[i] + a * out[i];
    }
}

}  // namespace ddpm
