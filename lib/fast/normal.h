// fill_normal: many N(0, 1) draws at once (a batch's noise, a sampler's z), the very values that
// as many calls of rng.normal() give one after another, with their transforms on every thread.
//
// Only the generator has to run in sequence: each value's cost is its Box-Muller transform (a
// logarithm, a square root, a sine and a cosine in double), a function of its pair's two draws
// alone. So the draws are taken in order on the calling thread, then the pool's threads each
// transform a range of pairs with the same box_muller as normal() uses.
#pragma once
#include <cstddef>

#include "core/rng.h"

namespace ddpm::fast {

// out[i] = rng.normal() for i = 0, 1, ..., n - 1: the same values, and rng left in the same state
// (its cached second value too).
void fill_normal(float* out, size_t n, Rng& rng);

}  // namespace ddpm::fast
