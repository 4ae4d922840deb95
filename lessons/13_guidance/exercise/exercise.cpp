// Exercise 13: fill in the loop. `make exercise` in lessons/13_guidance checks it.
#include <vector>

#include "exercise.h"

namespace ex {

void guided_sample(float* x, int n, const Eps& eps_cond, const Eps& eps_uncond, float w,
                   const ddpm::Schedule& sched, ddpm::Rng& rng) {
    // TODO: for each step, from the last down: both predictions, their guided mix, one step of
    // Algorithm 2
}

}  // namespace ex
