// Training: the mini-batch loader, and the training loop as the tools run it.
//
// The loop is the notebook's, which lesson 06 writes out in its main.cpp: for each epoch,
// reshuffle, and for each batch: the loss, zero the gradients, its gradient, clip the gradient
// norm to 1, an Adam step, the EMA. Trainer adds what a long run needs: it can stop after any step
// and go on from a checkpoint bit for bit. It reports each epoch through a callback and never
// prints, draws or writes a file (the callback does what the caller wants).
#pragma once
#include <atomic>
#include <functional>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/loss.h"
#include "diffusion/objective.h"
#include "diffusion/schedule.h"
#include "nn/model.h"
#include "nn/optim.h"

namespace ddpm {

// Mini-batches over the rows of a data set, reshuffled each epoch (PyTorch's DataLoader with
// shuffle=True): 10,000 points in batches of 128 are 78 batches of 128 and a last one of 16.
class BatchLoader {
public:
    BatchLoader(const Tensor& data, int batch_size);  // data (N, D)
    void shuffle(Rng& rng);                           // a new order for the next epoch
    int num_batches() const;
    // Copies batch i's rows into out (batch_size, D); returns how many rows it holds.
    int batch(int i, float* out) const;
    // The same batch's labels: labels (N,) of the data's rows -> out (batch_size,).
    void batch_labels(int i, const std::vector<int>& labels, int* out) const;
    const std::vector<int>& order() const { return order_; }
    void set_order(const std::vector<int>& order);  // a saved epoch's order (a permutation)

private:
    int batch_end(int i) const;  // one past batch i's last position in the order
    const Tensor& data_;
    int batch_size_, dim_;
    std::vector<int> order_;
};

struct TrainConfig {
    int epochs = 4000;  // the total: a resumed run stops at the same epoch
    int batch = 128;
    float lr = 1e-3f;
    float clip = 1.0f;  // max gradient norm
    float ema_mu = 0.01f;
    // What the network learns (lesson 14), and for a conditional model the label dropout of
    // classifier-free guidance (lesson 13).
    Objective objective = Objective::eps;
    float p_uncond = 0.1f;
};
void validate(const TrainConfig& cfg);  // throws UsageError naming the bad field

struct EpochReport {
    int epoch = 0;        // 1-based: the epoch just finished
    int epochs = 0;       // the total
    float last_loss = 0;  // the epoch's last batch (what the notebook prints)
    float mean_loss = 0;  // the mean over the epoch's batches
    long steps = 0;       // optimiser steps so far
    int run_epochs = 0;   // epochs done by this call of train() (a resumed run starts at 0)
    long run_steps = 0;   // optimiser steps taken by this call of train()
    double seconds = 0;   // wall time since this call of train() started
};

// Everything a run needs to continue where it stopped; a checkpoint saves exactly this.
struct Trainer {
    Trainer(const ModelConfig& model_cfg, const TrainConfig& cfg, const Schedule& sched,
            uint64_t seed);

    // One optimiser step on the batch x_0 (B, D); returns its loss. Allocates nothing once
    // buffers are reserved for B. If the loss or the gradient is not finite it throws Error
    // BEFORE updating anything, so the weights stay the last good ones.
    float step(const float* x_0, int B);
    // The same with each sample's label, labels (B,), for a conditional model (null otherwise).
    float step(const float* x_0, const int* labels, int B);
    // Runs until cfg.epochs epochs are done, continuing mid-epoch if a previous call stopped
    // there; calls on_epoch after each epoch (returning false stops after that epoch). If `stop`
    // is given and becomes true (e.g. from a Ctrl-C handler), returns after the current step;
    // the state is then exactly resumable (see io/checkpoint.h).
    void train(const Tensor& data, const std::function<bool(const EpochReport&)>& on_epoch,
               const std::atomic<bool>* stop = nullptr);
    // The same with a label for each row of data (N,), which a conditional model needs.
    void train(const Tensor& data, const std::vector<int>& labels,
               const std::function<bool(const EpochReport&)>& on_epoch,
               const std::atomic<bool>* stop = nullptr);
    bool finished() const { return epoch >= cfg.epochs; }

    ModelConfig model_cfg;
    TrainConfig cfg;
    Schedule sched;
    uint64_t seed;  // the run's seed (the tools also derive the data set from it)
    Rng rng;
    MLPDiffusion model;
    Adam adam;
    EMA ema;
    LossBuffers buffers;
    int epoch = 0;                  // epochs done
    std::vector<float> epoch_loss;  // mean loss of each epoch done
    // Where the current epoch stands: its shuffled order, the next batch, the losses so far.
    // (Empty order: the next epoch has not started.)
    std::vector<int> epoch_order;
    int next_batch = 0;
    double epoch_loss_sum = 0;
};

// A copy of the model with its weights replaced by the EMA's.
MLPDiffusion ema_model(const Trainer& tr);

}  // namespace ddpm
