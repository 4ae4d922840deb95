// Solution to exercise 07: the library's p_sample_update (lib/diffusion.cpp).
#include "diffusion.h"
#include "exercise.h"

namespace ex {

void p_sample(float* x, const float* eps, int n_values, int t, const ddpm::Schedule& sched,
              ddpm::Rng& rng, bool last_step_noise) {
    ddpm::SamplerOptions opt;  // sigma^2 = beta_t, the notebook's
    opt.noise_at_last_step = last_step_noise;
    ddpm::p_sample_update(x, eps, n_values, t, sched, rng, opt);
}

}  // namespace ex
