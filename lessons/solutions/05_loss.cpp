// Solution to exercise 05: the library's antithetic_steps and diffusion_loss_fn
// (lib/diffusion.cpp).
#include "diffusion.h"
#include "exercise.h"

namespace ex {

void antithetic_steps(int* t, int B, int T, ddpm::Rng& rng) {
    ddpm::antithetic_steps(t, B, T, rng);
}

float diffusion_loss(ddpm::MLPDiffusion& model, const float* x_0, int B,
                     const ddpm::Schedule& sched, ddpm::Rng& rng) {
    ddpm::LossBuffers buf;
    return ddpm::diffusion_loss_fn(model, x_0, B, sched, rng, buf);
}

}  // namespace ex
