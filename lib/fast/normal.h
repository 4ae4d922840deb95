// fill_normal: many N(0, 1) draws at once (a batch's noise, a sampler's z), the very values that
// as many calls of rng.normal() give one after another, with their transforms on every thread.
//
// Each value's cost is its Box-Muller transform (a logarithm, a square root, a sine and a cosine
// in double), a function of its pair's two draws alone; and the generator need not run in
// sequence either: Rng::skip moves a copy of it to any place in its stream at once. So the pool's
// threads each take a range of pairs, draw their two draws a pair from a copy moved on to the
// range's first, and transform them with the same box_muller as normal() uses.
#pragma once
#include <cstddef>

#include "core/rng.h"

namespace ddpm::fast {

// out[i] = rng.normal() for i = 0, 1, ..., n - 1: the same values, and rng left in the same state
// (its cached second value too).
void fill_normal(float* out, size_t n, Rng& rng);

}  // namespace ddpm::fast
