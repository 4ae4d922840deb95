// Checks for exercise 05, by value: the pairing of the steps (even and odd batches), and the loss
// against the library's diffusion_loss_fn on the same random stream.
#include <vector>

#include "check.h"
#include "datasets.h"
#include "diffusion.h"
#include "exercise.h"

int main() {
    exercise::Checker check = exercise::start("05 the loss with antithetic steps");
    for (int B : {8, 7, 1}) {
        ddpm::Rng a(9), b(9);
        std::vector<int> mine(B), want(B);
        ex::antithetic_steps(mine.data(), B, 100, a);
        ddpm::antithetic_steps(want.data(), B, 100, b);
        check.all_near("steps for a batch of " + std::to_string(B) + ": t, then 99 - t" +
                           (B % 2 ? ", the last drawn alone" : ""),
                       mine.data(), want.data(), B, 0.0, [B](size_t i) {
                           return "t[" + std::to_string(i) + "] of " + std::to_string(B);
                       });
    }
    ddpm::Rng init(1);
    ddpm::MLPDiffusion model;
    model.init(init);
    ddpm::Tensor x0 = ddpm::make_s_curve(64, 0.1f, init);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    for (int B : {64, 13}) {
        ddpm::Rng a(5), b(5);
        ddpm::LossBuffers buf;
        float want = ddpm::diffusion_loss_fn(model, x0.data(), B, sched, b, buf);
        float mine = ex::diffusion_loss(model, x0.data(), B, sched, a);
        check.near("loss of a batch of " + std::to_string(B), mine, want, 1e-5);
    }
    return check.finish();
}
