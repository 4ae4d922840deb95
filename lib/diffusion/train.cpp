#include "diffusion/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "diffusion/loss.h"
#include "fast/linear.h"
#include "fast/optim.h"

namespace ddpm {

BatchLoader::BatchLoader(const Tensor& data, int batch_size)
    : data_(data), batch_size_(batch_size), dim_(data.ndim() == 2 ? data.dim(1) : 0) {
    if (data.ndim() != 2 || data.dim(0) < 1)
        throw Error("training data must be (N, D) with N >= 1, got " + data.shape_str());
    if (batch_size < 1) throw UsageError("batch size must be at least 1");
    order_.resize(data.dim(0));
    std::iota(order_.begin(), order_.end(), 0);
}

void BatchLoader::shuffle(Rng& rng) {
    std::iota(order_.begin(), order_.end(), 0);  // from the identity, so an epoch's order
    rng.shuffle(order_);                         // depends only on the generator's state
}

void BatchLoader::set_order(const std::vector<int>& order) {
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
        if (sorted.size() != order_.size() || sorted[i] != static_cast<int>(i))
            throw Error("saved epoch order is not a permutation of the " +
                        std::to_string(order_.size()) + " training points");
    order_ = order;
}

int BatchLoader::num_batches() const {
    return (static_cast<int>(order_.size()) + batch_size_ - 1) / batch_size_;
}

int BatchLoader::batch_end(int i) const {
    return std::min((i + 1) * batch_size_, static_cast<int>(order_.size()));
}

int BatchLoader::batch(int i, float* out) const {
    const int begin = i * batch_size_, end = batch_end(i);
    for (int r = begin; r < end; ++r)
        for (int d = 0; d < dim_; ++d) out[(r - begin) * dim_ + d] = data_.at(order_[r], d);
    return end - begin;
}

void BatchLoader::batch_labels(int i, const std::vector<int>& labels, int* out) const {
    const int begin = i * batch_size_, end = batch_end(i);
    for (int r = begin; r < end; ++r) out[r - begin] = labels[order_[r]];
}

void validate(const TrainConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError(what);
    };
    need(cfg.epochs >= 0 && cfg.epochs <= 10000000, "epochs must be in [0, 10000000]");
    need(cfg.batch >= 1 && cfg.batch <= 1000000, "batch must be in [1, 1000000]");
    need(cfg.lr > 0 && cfg.lr < 10, "lr must be in (0, 10)");
    need(cfg.clip > 0 && std::isfinite(cfg.clip), "clip must be a positive number");
    need(cfg.ema_mu > 0 && cfg.ema_mu <= 1, "ema mu must be in (0, 1]");
    need(cfg.p_uncond >= 0 && cfg.p_uncond <= 1, "label dropout must be in [0, 1]");
}

Trainer::Trainer(const ModelConfig& mc, const TrainConfig& c, const Schedule& s, uint64_t seed)
    : model_cfg(mc),
      cfg(c),
      sched(s),
      seed(seed),
      rng(seed),
      model(mc),
      adam(model.num_params(), AdamConfig{c.lr}),
      ema(model.params.data(), model.num_params(), c.ema_mu) {
    validate(c);
    if (mc.num_steps != s.num_steps)
        throw UsageError("the model's num_steps (" + std::to_string(mc.num_steps) +
                         ") differs from the schedule's (" + std::to_string(s.num_steps) + ")");
    model.init(rng);
    ema = EMA(model.params.data(), model.num_params(), c.ema_mu);  // registered after init
    model.reserve(c.batch);
    buffers.reserve(c.batch, mc.dim);
}

float Trainer::step(const float* x_0, int B) {
    return step(x_0, nullptr, B);
}

float Trainer::step(const float* x_0, const int* labels, int B) {
    if (model_cfg.num_classes > 0 && !labels)
        throw Error("a model with classes trains on labelled data");
    // The loss of one batch (lib/diffusion/loss.h), then loss.backward().
    const LossSettings set{cfg.objective, cfg.p_uncond};
    const float loss = diffusion_loss_fn(model, x_0, B, sched, rng, buffers, set, labels);
    model.zero_grad();
    diffusion_loss_backward(model, buffers);
    const float norm = clip_grad_norm(model.grads.data(), model.num_params(), cfg.clip);
    if (!std::isfinite(loss) || !std::isfinite(norm))
        throw Error(std::string(std::isfinite(loss) ? "the gradient" : "the loss") + " became " +
                    std::to_string(std::isfinite(loss) ? norm : loss) + " at epoch " +
                    std::to_string(epoch + 1) + ", step " + std::to_string(adam.t + 1) +
                    "; the weights are those of the step before");
    // optimizer.step(), then ema(): the fast tier does both in one pass, with the same bits.
    if (fast::enabled()) {
        fast::adam_ema_step(adam, ema, model.params.data(), model.grads.data());
    } else {
        adam.step(model.params.data(), model.grads.data());
        ema.update(model.params.data());
    }
    return loss;
}

void Trainer::train(const Tensor& data, const std::function<bool(const EpochReport&)>& on_epoch,
                    const std::atomic<bool>* stop) {
    train(data, std::vector<int>(), on_epoch, stop);
}

void Trainer::train(const Tensor& data, const std::vector<int>& labels,
                    const std::function<bool(const EpochReport&)>& on_epoch,
                    const std::atomic<bool>* stop) {
    if (data.ndim() != 2 || data.dim(1) != model_cfg.dim)
        throw Error("training data must be (N, " + std::to_string(model_cfg.dim) + "), got " +
                    data.shape_str());
    const bool labelled = model_cfg.num_classes > 0;
    if (labelled && static_cast<int>(labels.size()) != data.dim(0))
        throw Error("a model with " + std::to_string(model_cfg.num_classes) +
                    " classes needs a label for each of the " + std::to_string(data.dim(0)) +
                    " training points, got " + std::to_string(labels.size()));
    for (int c : labels)
        if (c < 0 || c >= model_cfg.num_classes)
            throw Error("training label " + std::to_string(c) + " out of range [0, " +
                        std::to_string(model_cfg.num_classes) + ")");
    BatchLoader loader(data, cfg.batch);
    if (!epoch_order.empty()) loader.set_order(epoch_order);  // resume mid-epoch
    std::vector<float> batch(static_cast<size_t>(cfg.batch) * model_cfg.dim);
    std::vector<int> batch_labels(labelled ? cfg.batch : 0);
    const auto start = std::chrono::steady_clock::now();
    const int first_epoch = epoch;
    const long first_step = adam.t;
    while (epoch < cfg.epochs) {
        if (epoch_order.empty()) {  // a new epoch: reshuffle
            loader.shuffle(rng);
            epoch_order = loader.order();
        }
        float loss = 0;
        while (next_batch < loader.num_batches()) {
            int B = loader.batch(next_batch, batch.data());
            if (labelled) loader.batch_labels(next_batch, labels, batch_labels.data());
            loss = step(batch.data(), labelled ? batch_labels.data() : nullptr, B);
            epoch_loss_sum += loss;
            ++next_batch;
            if (stop && stop->load() && next_batch < loader.num_batches()) return;
        }
        ++epoch;
        epoch_loss.push_back(static_cast<float>(epoch_loss_sum / loader.num_batches()));
        epoch_order.clear();  // between epochs
        next_batch = 0;
        epoch_loss_sum = 0;
        EpochReport r;
        r.epoch = epoch;
        r.epochs = cfg.epochs;
        r.last_loss = loss;
        r.mean_loss = epoch_loss.back();
        r.steps = adam.t;
        r.run_epochs = epoch - first_epoch;
        r.run_steps = adam.t - first_step;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (on_epoch && !on_epoch(r)) break;
        if (stop && stop->load()) break;
    }
}

MLPDiffusion ema_model(const Trainer& tr) {
    MLPDiffusion m = tr.model;
    m.params = tr.ema.shadow;
    return m;
}

}  // namespace ddpm
