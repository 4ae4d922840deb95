// Classifier-free guidance (lesson 13; Ho & Salimans 2022). One network learns p(x | c) and p(x)
// at once: in training each label is replaced by "no class" (the model's row num_classes) with
// probability p_uncond, so the same weights answer with a class and without one. Sampling mixes
// the two answers:
//   eps = eps_uncond + w (eps_cond - eps_uncond)
// w = 0 ignores the class, w = 1 is the conditional model alone, and w > 1 moves further from
// the unconditional answer than the model learned: samples keep closer to their class (precision)
// and spread less over it (recall).
#pragma once
#include "core/rng.h"

namespace ddpm {

// Label dropout: c (B,) in place, each label replaced by num_classes with probability p_uncond,
// one uniform draw per label, in order.
void drop_labels(int* c, int B, int num_classes, float p_uncond, Rng& rng);

// out = uncond + w (cond - uncond), for n_values values (out may be cond or uncond).
void guide(float* out, const float* cond, const float* uncond, int n_values, float w);

}  // namespace ddpm
