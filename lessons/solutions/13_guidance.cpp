// Solution to exercise 13: at each step the guided eps, eps_uncond + w (eps_cond - eps_uncond)
// (Ho & Salimans' mix, their weight plus one), then Eq. 11's mean and the posterior variance's
// noise, which lib's p_step computes for any eps.
#include <vector>

#include "diffusion/sample.h"
#include "exercise.h"

namespace ex {

void guided_sample(float* x, int n, const Eps& eps_cond, const Eps& eps_uncond, float w,
                   const ddpm::Schedule& sched, ddpm::Rng& rng) {
    const ddpm::SamplerOptions alg2 = ddpm::SamplerOptions::algorithm2();  // DDPM's Algorithm 2
    std::vector<float> cond(2 * static_cast<size_t>(n)), uncond(cond.size()), eps(cond.size());
    for (int t = sched.num_steps - 1; t >= 0; --t) {
        eps_cond(x, n, t, cond.data());
        eps_uncond(x, n, t, uncond.data());
        for (size_t i = 0; i < eps.size(); ++i)
            eps[i] = uncond[i] + w * (cond[i] - uncond[i]);  // the guided mix
        ddpm::p_step(x, eps.data(), 2 * n, t, sched, rng, alg2);
    }
}

}  // namespace ex
