// Lesson 06: training.
//
// The notebook's loop (DDPM Algorithm 1): for each epoch, shuffle the 10,000 points; for each
// batch of 128: zero the gradients, compute the loss and its gradient, clip the gradient's norm to
// 1, take an Adam step (lr 1e-3), update the EMA. The notebook runs 4000 epochs (316,000 steps).
// Here: ddpm::Trainer::step and ::train in lib/train.cpp; Adam and clipping in lib/optim.cpp.
//
// Run it longer with:  EPOCHS=4000 make
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../lesson.h"
#include "datasets.h"
#include "io/checkpoint.h"
#include "io/progress.h"
#include "render/plot.h"
#include "render/png.h"
#include "train.h"

int main(int argc, char** argv) {
    lesson::Checks check(argc, argv);
    ddpm::TrainConfig cfg;  // batch 128, lr 1e-3, clip 1.0, EMA mu 0.01: the notebook's
    cfg.epochs = check.epochs(/*quick=*/20, /*full=*/600);  // EPOCHS=4000 make: the notebook's
    const uint64_t seed = 1234;  // the notebook defines this seed but never uses it; we do
    ddpm::Tensor dataset = ddpm::make_dataset("s_curve", 10000, seed);
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), seed);
    std::printf("training %zu parameters for %d epochs of %d steps (batch %d)\n",
                tr.model.num_params(), cfg.epochs, (10000 + cfg.batch - 1) / cfg.batch, cfg.batch);

    // The notebook prints the loss every 100 epochs: the loss of the epoch's LAST batch, which
    // holds only 16 points, so it jumps around. We print it beside the epoch's mean.
    const int print_every = cfg.epochs >= 1000 ? 100 : std::max(1, cfg.epochs / 10);
    ddpm::Progress progress;
    double seconds = 0;
    tr.train(dataset, [&](const ddpm::EpochReport& r) {
        if (r.epoch % print_every == 0) {
            progress.finish();
            std::printf("epoch %4d: loss %.4f (last batch, as the notebook prints)  mean %.4f\n",
                        r.epoch, r.last_loss, r.mean_loss);
        }
        progress.update(r);
        seconds = r.seconds;
        return true;
    });
    progress.finish();
    const long steps = tr.adam.t;
    std::printf("\n%ld steps in %.1f s: %.0f steps/s, %.2f ms a step\n", steps, seconds,
                steps / seconds, 1e3 * seconds / steps);

    // The loss curve (lib/render/plot.cpp, loss_chart): each epoch's mean loss and a smoothed
    // line, on a log scale.
    ddpm::save_png(ddpm::loss_chart(tr.epoch_loss), "loss.png");
    ddpm::save_checkpoint(tr, "model.ckpt");
    std::printf(
        "wrote loss.png and model.ckpt (parameters, EMA weights, Adam state, generator)\n\n");

    // Claims: the loss fell, and the checkpoint holds exactly this model.
    float first = tr.epoch_loss.front(), last = tr.epoch_loss.back();
    std::printf("mean loss: epoch 1 %.4f, epoch %d %.4f\n", first, tr.epoch, last);
    check.that(last < 0.6f * first, "training brings the loss well below its start");
    ddpm::Trainer back = ddpm::load_checkpoint("model.ckpt");
    check.that(back.model.params == tr.model.params && back.ema.shadow == tr.ema.shadow,
               "model.ckpt reloads bit for bit");
    return check.finish();
}
