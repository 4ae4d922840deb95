// parallel_for: a small pool of worker threads for the fast kernels and the optimiser.
//
// Work is split by OUTPUT: each index of [0, n) is handled by exactly one call, in the same way
// whichever thread runs it, so results are bit-identical for any number of threads. (A split that
// summed partial results per thread would make the sums, and so the training, depend on the
// thread count.)
#pragma once
#include <functional>

namespace ddpm {

// 1 (the default) runs everything on the calling thread; n > 1 starts n - 1 workers; 0 means one
// thread per core. Call it before the work, not from inside parallel_for.
void set_num_threads(int n);
int num_threads();

// Calls f(begin, end) on contiguous chunks that cover [0, n) once, one chunk per thread, and
// returns when all are done. Small n (fewer than min_chunk per thread) run on the caller alone.
void parallel_for(int n, const std::function<void(int begin, int end)>& f, int min_chunk = 1);

}  // namespace ddpm
