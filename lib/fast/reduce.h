// sum_of_squares: the sum of g[i]^2 over a long array, as clip_grad_norm needs it, fast and with
// a result that does not depend on the number of threads.
#pragma once
#include <cstddef>

namespace ddpm::fast {

// sum over i < n of g[i]^2, in double. The array is cut into at most 64 blocks whose bounds depend
// only on n; each block is summed in 8 running sums (so the additions overlap), and the blocks'
// sums are added in order. The pool's threads may take whole blocks.
double sum_of_squares(const float* g, size_t n);

}  // namespace ddpm::fast
