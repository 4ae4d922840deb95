// Lesson 06: training.
//
// The notebook's loop (DDPM Algorithm 1), written out: for each epoch, shuffle the 10,000 points;
// for each batch of 128: the loss, zero the gradients, backward, clip the gradient's norm to 1, an
// Adam step (lr 1e-3), the EMA. The notebook runs 4000 epochs (316,000 steps).
// The pieces: diffusion_loss_fn and diffusion_loss_backward in lib/diffusion/loss.cpp
// (lessons 04, 05); Adam, clip_grad_norm and EMA in lib/nn/optim.cpp. The tools run the same loop
// as ddpm::Trainer (lib/diffusion/train.cpp), which can also stop and resume; this lesson checks
// that both give the same bits.
//
// Run it longer with:  EPOCHS=4000 make
#include <chrono>
#include <cstdio>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "data/datasets.h"
#include "diffusion/loss.h"
#include "diffusion/train.h"
#include "io/checkpoint.h"
#include "nn/model.h"
#include "nn/optim.h"
#include "render/plot.h"

// What a training run leaves: the notebook's objects as they end, and each epoch's mean loss.
struct Run {
    ddpm::MLPDiffusion model;
    ddpm::Adam optimizer;
    ddpm::EMA ema;
    ddpm::Rng rng;
    std::vector<float> epoch_loss;
};

// The notebook's training cell. One generator draws everything training needs, in this order:
// the initial weights, then each epoch's shuffle, each batch's steps and noise. Prints the loss
// every `print_every` epochs (0: never) and at the last.
Run train(const ddpm::Tensor& dataset, const ddpm::Schedule& sched, uint64_t seed, int num_epoch,
          int print_every) {
    const int batch_size = 128;
    ddpm::Rng rng(seed);
    ddpm::MLPDiffusion model;  // MLPDiffusion(n_steps): 2 -> 128 -> 128 -> 128 -> 2
    model.init(rng);
    ddpm::Adam optimizer(model.num_params(), ddpm::AdamConfig{/*lr=*/1e-3f});
    ddpm::EMA ema(model.params.data(), model.num_params(), /*mu=*/0.01f);  // ema.register(...)
    ddpm::BatchLoader dataloader(dataset, batch_size);  // DataLoader(..., shuffle=True)
    ddpm::LossBuffers buf;                              // x_t, eps, eps_theta of one batch
    std::vector<float> batch_x(static_cast<size_t>(batch_size) * 2);
    std::vector<float> epoch_loss;

    for (int t = 0; t < num_epoch; ++t) {
        dataloader.shuffle(rng);
        float loss = 0;
        double loss_sum = 0;
        for (int idx = 0; idx < dataloader.num_batches(); ++idx) {
            const int B = dataloader.batch(idx, batch_x.data());
            loss = ddpm::diffusion_loss_fn(model, batch_x.data(), B, sched, rng, buf);
            model.zero_grad();                          // optimizer.zero_grad()
            ddpm::diffusion_loss_backward(model, buf);  // loss.backward()
            ddpm::clip_grad_norm(model.grads.data(), model.num_params(), 1.0f);
            optimizer.step(model.params.data(), model.grads.data());
            ema.update(model.params.data());  // ema(name, param.data) for every parameter
            loss_sum += loss;
        }
        epoch_loss.push_back(static_cast<float>(loss_sum / dataloader.num_batches()));
        // The notebook prints the loss of the epoch's LAST batch, which holds only 16 points, so
        // it jumps around. We print it beside the epoch's mean.
        if (print_every && ((t + 1) % print_every == 0 || t + 1 == num_epoch))
            std::printf("epoch %4d: loss %.4f (last batch, as the notebook prints)  mean %.4f\n",
                        t + 1, loss, epoch_loss.back());
    }
    return Run{model, optimizer, ema, rng, epoch_loss};
}

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    const int num_epoch = check.epochs(/*quick=*/20, /*full=*/600);  // the notebook's: 4000
    const uint64_t seed = 1234;  // the notebook defines this seed but never uses it; we do
    ddpm::Tensor dataset = ddpm::make_dataset("s_curve", 10000, seed);
    const ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);

    // 1. The tools train with ddpm::Trainer (lib/diffusion/train.cpp): this loop, plus stopping and
    //    resuming. Same seed, same data, same epochs: the same bits. Checked on 3 epochs.
    ddpm::TrainConfig cfg;  // batch 128, lr 1e-3, clip 1.0, EMA mu 0.01: the notebook's
    cfg.epochs = 3;
    ddpm::Trainer trainer(ddpm::ModelConfig{}, cfg, sched, seed);
    trainer.train(dataset, nullptr);
    const Run short_run = train(dataset, sched, seed, cfg.epochs, /*print_every=*/0);
    check.that(trainer.model.params == short_run.model.params &&
                   trainer.ema.shadow == short_run.ema.shadow &&
                   trainer.epoch_loss == short_run.epoch_loss,
               "this loop and lib's Trainer end 3 epochs with the same weights, EMA and losses");

    // 2. The training.
    std::printf("\ntraining %zu parameters for %d epochs of %d steps (batch 128)\n",
                short_run.model.num_params(), num_epoch, (dataset.dim(0) + 127) / 128);
    const auto start = std::chrono::steady_clock::now();
    const Run run = train(dataset, sched, seed, num_epoch, /*print_every=*/100);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const long steps = run.optimizer.t;
    std::printf("\n%ld steps in %.1f s: %.0f steps/s, %.2f ms a step\n", steps, seconds,
                steps / seconds, 1e3 * seconds / steps);
    const float first = run.epoch_loss.front(), last = run.epoch_loss.back();
    std::printf("mean loss: epoch 1 %.4f, epoch %d %.4f\n", first, num_epoch, last);
    check.that(last < 0.6f * first, "training brings the loss well below its start");

    // 3. The loss curve (lib/render/plot.cpp, loss_chart): each epoch's mean loss and a smoothed
    //    line, on a log scale. The checkpoint (lib/io/checkpoint.cpp) holds a Trainer, the
    //    tools' form of a run: this one's objects go into it, so ddpm sample and ddpm train
    //    --resume can take it.
    const ddpm::Canvas loss = ddpm::loss_chart(run.epoch_loss);
    lesson::save_figure(loss, "loss", lesson::Svg::always);
    cfg.epochs = num_epoch;
    ddpm::Trainer done(ddpm::ModelConfig{}, cfg, sched, seed);
    done.model = run.model;
    done.adam = run.optimizer;
    done.ema = run.ema;
    done.rng = run.rng;
    done.epoch = num_epoch;
    done.epoch_loss = run.epoch_loss;
    ddpm::RunInfo info;  // the S-curve of 10,000 points, the notebook's recipe
    info.dataset_n = dataset.dim(0);
    ddpm::save_checkpoint(done, info, "model.ckpt");
    std::printf(
        "wrote loss.png, loss.svg and model.ckpt (parameters, EMA weights, Adam state, "
        "generator)\n");
    ddpm::Checkpoint back = ddpm::load_checkpoint("model.ckpt");
    check.that(
        back.trainer.model.params == run.model.params && back.trainer.ema.shadow == run.ema.shadow,
        "model.ckpt reloads bit for bit");
    return check.finish();
}
