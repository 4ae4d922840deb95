#include "diffusion/denoiser.h"

#include <vector>

#include "core/error.h"
#include "diffusion/guidance.h"
#include "fast/predict.h"

namespace ddpm {

int evaluations_per_call(const Denoiser& d) {
    const bool mixed = d.label >= 0 && d.guidance != 1.0f && d.guidance != 0.0f;
    return mixed ? 2 : 1;
}

void denoiser_output(const Denoiser& d, float* out, const float* x, const Conditioning& time,
                     int n) {
    if (!d.model) throw Error("denoiser: no model");
    const int D = d.model->config().dim;
    Conditioning in = time;
    in.c = nullptr;  // "no class"
    if (d.label < 0 || d.guidance == 0.0f) {
        fast::predict(*d.model, out, x, in, n);
        return;
    }
    const std::vector<int> labels(n, d.label);
    in.c = labels.data();
    fast::predict(*d.model, out, x, in, n);  // conditional
    if (d.guidance == 1.0f) return;
    std::vector<float> uncond(static_cast<size_t>(n) * D);
    in.c = nullptr;
    fast::predict(*d.model, uncond.data(), x, in, n);
    guide(out, out, uncond.data(), n * D, d.guidance);
}

void predict_eps(const Denoiser& d, float* eps, const float* x, int t, int n,
                 const Schedule& sched) {
    if (d.objective == Objective::flow)
        throw UsageError("a flow-matching model samples with the euler or heun sampler");
    const std::vector<int> steps(n, t);
    Conditioning time;
    time.t = steps.data();
    denoiser_output(d, eps, x, time, n);
    if (d.objective != Objective::eps)  // the output is x0 or v: convert, in place
        eps_from_output(eps, eps, x, n * d.model->config().dim, t, sched, d.objective);
}

}  // namespace ddpm
