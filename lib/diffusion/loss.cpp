#include "diffusion/loss.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "diffusion/flow.h"
#include "diffusion/forward.h"
#include "diffusion/guidance.h"
#include "nn/layers.h"

namespace ddpm {

void LossBuffers::reserve(int B, int D) {
    if (static_cast<int>(t.size()) >= B && static_cast<int>(eps.size()) >= B * D) return;
    t.resize(B);
    tau.resize(B);
    s.resize(B);
    c.resize(B);
    eps.resize(static_cast<size_t>(B) * D);
    x_t.resize(eps.size());
    target.resize(eps.size());
    pred.resize(eps.size());
    dpred.resize(eps.size());
}

float diffusion_loss_fn(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                        Rng& rng, LossBuffers& buf, const LossSettings& set, const int* labels) {
    const ModelConfig& cfg = model.config();
    if (cfg.num_steps != sched.num_steps)
        throw Error("the model has " + std::to_string(cfg.num_steps) +
                    " step embeddings but the schedule has " + std::to_string(sched.num_steps) +
                    " steps");
    buf.reserve(B, cfg.dim);
    // The times: antithetic DDPM steps (the notebook's), or flow matching's times.
    if (set.objective == Objective::flow)
        antithetic_times(buf.tau.data(), B, rng);
    else
        antithetic_steps(buf.t.data(), B, sched.num_steps, rng);
    // The noise, eps ~ N(0, I), one value after another.
    randn(buf.eps.data(), static_cast<size_t>(B) * cfg.dim, rng);
    // The labels, each dropped to "no class" with probability p_uncond.
    buf.labelled = labels != nullptr;
    if (labels) {
        std::copy(labels, labels + B, buf.c.begin());
        drop_labels(buf.c.data(), B, cfg.num_classes, set.p_uncond, rng);
    }
    return diffusion_loss_given(model, x_0, B, sched, buf, set);
}

float diffusion_loss_given(MLPDiffusion& model, const float* x_0, int B, const Schedule& sched,
                           LossBuffers& buf, const LossSettings& set) {
    const ModelConfig& cfg = model.config();
    const int D = cfg.dim;
    buf.n = B * D;
    Conditioning in;
    if (buf.labelled) in.c = buf.c.data();
    if (set.objective == Objective::flow) {
        // x_tau = (1 - tau) x_0 + tau eps, target eps - x_0: the straight path and its velocity
        flow_path(buf.x_t.data(), buf.target.data(), x_0, buf.eps.data(), buf.tau.data(), B, D);
        for (int b = 0; b < B; ++b) buf.s[b] = flow_position(buf.tau[b], cfg.num_steps);
        in.s = buf.s.data();
    } else {
        // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps (Eq. 4); the target eps, x0 or v
        q_x(buf.x_t.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched);
        objective_target(buf.target.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched,
                         set.objective);
        in.t = buf.t.data();
    }
    model.forward(buf.pred.data(), buf.x_t.data(), in, B);          // the network's output
    return mse_forward(buf.pred.data(), buf.target.data(), buf.n);  // mean of the squares, Eq. 14
}

void diffusion_loss_backward(MLPDiffusion& model, LossBuffers& buf) {
    std::fill(buf.dpred.begin(), buf.dpred.begin() + buf.n, 0.0f);
    mse_backward(buf.dpred.data(), buf.pred.data(), buf.target.data(), buf.n);  // dL/d output
    model.backward(buf.dpred.data());                                           // the chain rule
}

}  // namespace ddpm
