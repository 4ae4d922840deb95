#include "diffusion/sampler.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>

#include "core/error.h"
#include "diffusion/flow.h"
#include "diffusion/ode_sampler.h"

namespace ddpm {

const std::vector<std::string>& sampler_names() {
    static const std::vector<std::string> names = {"notebook", "algorithm2", "ddpm", "ddim",
                                                   "ode",      "euler",      "heun"};
    return names;
}

namespace {

// The kinds by name. "notebook" and "algorithm2" are the ddpm kind with its two named settings.
struct KindName {
    const char* name;
    Sampler::Kind kind;
};
const KindName kKinds[] = {{"ddpm", Sampler::Kind::ddpm},
                           {"ddim", Sampler::Kind::ddim},
                           {"ode", Sampler::Kind::ode},
                           {"euler", Sampler::Kind::euler},
                           {"heun", Sampler::Kind::heun}};

}  // namespace

Sampler parse_sampler(const std::string& name) {
    // A kind's name, then for the deterministic ones an optional count of steps ("algorithm2"'s
    // 2 is part of its name).
    size_t digits = name.size();
    const auto& names = sampler_names();
    if (std::find(names.begin(), names.end(), name) == names.end())
        while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
    const std::string kind = name.substr(0, digits), count = name.substr(digits);
    Sampler s;
    if (kind == "algorithm2") {
        s.ddpm = SamplerOptions::algorithm2();
    } else if (kind != "notebook") {  // the default Sampler is the notebook's
        const KindName* k = std::find_if(std::begin(kKinds), std::end(kKinds),
                                         [&](const KindName& kn) { return kind == kn.name; });
        if (k == std::end(kKinds))
            throw UsageError("sampler \"" + name +
                             "\": use notebook, algorithm2, ddpm, ddim, ode, euler or heun");
        s.kind = k->kind;
    }
    if (!count.empty()) {
        if (s.kind == Sampler::Kind::ddpm)
            throw UsageError("sampler \"" + name +
                             "\": only ddim, ode, euler and heun take a count of steps, as in "
                             "ddim20");
        if (count.size() > 6 || count[0] == '0')
            throw UsageError("sampler \"" + name +
                             "\": the count of steps must be 1 to 999999, as in ddim20");
        s.steps = std::stoi(count);
    }
    return s;
}

std::string sampler_name(const Sampler& s) {
    if (s.kind != Sampler::Kind::ddpm) {
        for (const KindName& k : kKinds)
            if (k.kind == s.kind) return k.name + (s.steps > 0 ? std::to_string(s.steps) : "");
    }
    const bool posterior = s.ddpm.variance == SamplerOptions::Variance::posterior;
    const bool clipped = s.ddpm.clip_x0 > 0.0f;
    if (!posterior && s.ddpm.noise_at_last_step && !clipped) return "notebook";
    if (posterior && !s.ddpm.noise_at_last_step && !clipped) return "algorithm2";
    char clip[64] = "";
    if (clipped)
        std::snprintf(clip, sizeof clip, ", x_0 clipped to [-%g, %g]", s.ddpm.clip_x0,
                      s.ddpm.clip_x0);
    return std::string("ddpm, ") + (posterior ? "posterior" : "beta") +
           " variance, last-step noise " + (s.ddpm.noise_at_last_step ? "on" : "off") + clip;
}

bool is_flow_sampler(const Sampler& s) {
    return s.kind == Sampler::Kind::euler || s.kind == Sampler::Kind::heun;
}

int sampler_steps(const Sampler& s, int T) {
    if (s.kind == Sampler::Kind::ddpm) return T;
    if (s.steps > 0) return s.steps;
    const bool two_calls = s.kind == Sampler::Kind::ode || s.kind == Sampler::Kind::heun;
    return two_calls ? std::max(1, T / 2) : T;
}

Tensor sample(const Denoiser& d, const Tensor& x_T, const Schedule& sched, Rng& rng,
              const Sampler& s) {
    const bool flow_model = d.objective == Objective::flow;
    if (flow_model && !is_flow_sampler(s))
        throw UsageError("sampler " + sampler_name(s) +
                         ": a flow-matching model samples with euler or heun");
    if (!flow_model && is_flow_sampler(s))
        throw UsageError("sampler " + sampler_name(s) +
                         ": euler and heun integrate a flow-matching model; this one predicts " +
                         objective_name(d.objective));
    const int S = sampler_steps(s, sched.num_steps);
    switch (s.kind) {
        case Sampler::Kind::ddpm:
            return p_sample_loop(d, x_T, sched, rng, s.ddpm);
        case Sampler::Kind::ddim:
            return ddim_sample_loop(d, x_T, sched, rng, S, s.eta);
        case Sampler::Kind::ode: {
            // The ODE's field is the denoiser's eps, asked as the other samplers ask it.
            const NoiseField eps = [&d, &sched](const float* x, int n, int t, float* out, double*,
                                                double*) { predict_eps(d, out, x, t, n, sched); };
            return ode_sample(eps, x_T, sched, S);
        }
        case Sampler::Kind::euler:
            return flow_sample_loop(d, x_T, S, FlowSolver::euler);
        case Sampler::Kind::heun:
            return flow_sample_loop(d, x_T, S, FlowSolver::heun);
    }
    throw Error("sample: unknown sampler");
}

}  // namespace ddpm
