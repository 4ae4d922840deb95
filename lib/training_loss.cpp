#include "training_loss.h"

#include <algorithm>

#include "error.h"
#include "flow.h"
#include "guidance.h"
#include "layers.h"

namespace ddpm {

float training_loss(MLPDiffusion& model, const float* x_0, const int* labels, int B,
                    const Schedule& sched, Rng& rng, LossBuffers& buf, const LossSettings& set) {
    const ModelConfig& cfg = model.config();
    const int D = cfg.dim;
    const bool flow = set.objective == Objective::flow;
    if (cfg.num_steps != sched.num_steps)
        throw Error("the model has " + std::to_string(cfg.num_steps) +
                    " step embeddings but the schedule has " + std::to_string(sched.num_steps) +
                    " steps");
    buf.reserve(B, D);
    buf.n = B * D;
    if (flow)
        antithetic_times(buf.tau.data(), B, rng);
    else
        antithetic_steps(buf.t.data(), B, sched.num_steps, rng);
    for (int i = 0; i < B * D; ++i) buf.eps[i] = rng.normal();
    Conditioning in;
    if (labels) {
        std::copy(labels, labels + B, buf.c.begin());
        drop_labels(buf.c.data(), B, cfg.num_classes, set.p_uncond, rng);
        in.c = buf.c.data();
    }
    if (flow) {
        flow_path(buf.x_t.data(), buf.target.data(), x_0, buf.eps.data(), buf.tau.data(), B, D);
        for (int b = 0; b < B; ++b) buf.s[b] = flow_position(buf.tau[b], cfg.num_steps);
        in.s = buf.s.data();
    } else {
        q_x(buf.x_t.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched);
        objective_target(buf.target.data(), x_0, buf.eps.data(), buf.t.data(), B, D, sched,
                         set.objective);
        in.t = buf.t.data();
    }
    model.forward(buf.pred.data(), buf.x_t.data(), in, B);
    return mse_forward(buf.pred.data(), buf.target.data(), buf.n);
}

void training_loss_backward(MLPDiffusion& model, LossBuffers& buf) {
    std::fill(buf.dpred.begin(), buf.dpred.begin() + buf.n, 0.0f);
    mse_backward(buf.dpred.data(), buf.pred.data(), buf.target.data(), buf.n);
    model.backward(buf.dpred.data());
}

}  // namespace ddpm
