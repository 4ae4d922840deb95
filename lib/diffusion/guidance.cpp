#include "diffusion/guidance.h"

namespace ddpm {

void drop_labels(int* c, int B, int num_classes, float p_uncond, Rng& rng) {
    for (int i = 0; i < B; ++i)
        if (rng.uniform() < p_uncond) c[i] = num_classes;
}

void guide(float* out, const float* cond, const float* uncond, int n_values, float w) {
    for (int i = 0; i < n_values; ++i) out[i] = uncond[i] + w * (cond[i] - uncond[i]);
}

}  // namespace ddpm
