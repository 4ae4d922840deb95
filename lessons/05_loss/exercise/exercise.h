// Exercise 05: the loss the notebook did not choose: asking for x_0 instead of the noise (lesson
// 05, lib/diffusion/loss.cpp; DDPM Sec. 3.2 and Eq. 14).
#pragma once
#include "core/rng.h"
#include "diffusion/schedule.h"
#include "nn/model.h"

namespace ex {

// The signal-to-noise ratio of x_t: SNR(t) = abar_t / (1 - abar_t). Take 1 - abar_t as
// one_minus_alphas_bar_sqrt[t]^2: near t = 0, 1 - alphas_prod[t] in float keeps few digits.
double snr(int t, const ddpm::Schedule& sched);

// The same network eps_theta, trained to predict x_0 instead: its noise estimate gives the x_0
// that x_t implies (invert x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps),
//   x0_hat = (x_t - one_minus_alphas_bar_sqrt[t] * eps_theta(x_t, t)) / alphas_bar_sqrt[t],
// and the loss is the mean over the B*2 values of (x_0 - x0_hat)^2, for the batch x_0 (B, 2).
// Draw as the notebook's loss does: first the steps with the library's antithetic_steps(t, B, T,
// rng), then eps ~ N(0, I) with rng.normal() row by row; x_t by the library's q_x.
float x0_loss(ddpm::MLPDiffusion& model, const float* x_0, int B, const ddpm::Schedule& sched,
              ddpm::Rng& rng);

}  // namespace ex
