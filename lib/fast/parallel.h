// parallel_for: a small pool of worker threads for the fast tier (products, sampling in blocks,
// the gradient norm) and the optimiser.
//
// Work is split by OUTPUT: each index of [0, n) is handled by exactly one call, in the same way
// whichever thread runs it, so results are bit-identical for any number of threads. (A split that
// summed partial results per thread would make the sums, and so the training, depend on the
// thread count.)
#pragma once

namespace ddpm {

// A reference to a callable f(int begin, int end), without copying it: std::function would
// allocate for lambdas that capture more than a pointer or two, and a training step must not
// allocate. The callable must outlive the call (parallel_for waits for it, so a lambda is fine).
class RangeFn {
public:
    template <typename F>
    RangeFn(const F& f)  // NOLINT: implicit, so a lambda can be passed directly
        : object_(&f),
          call_([](const void* o, int b, int e) { (*static_cast<const F*>(o))(b, e); }) {}
    void operator()(int begin, int end) const { call_(object_, begin, end); }

private:
    const void* object_;
    void (*call_)(const void*, int, int);
};

// 1 (the default) runs everything on the calling thread; n > 1 starts n - 1 workers; 0 means one
// thread per core. Call it before the work, not from inside parallel_for.
void set_num_threads(int n);
// The threads a parallel_for called here would use: the pool's, or 1 inside a chunk of another
// parallel_for and on a background thread (become_background_thread).
int num_threads();

// Flush denormal floats to zero, on the calling thread and on every worker (x86: the FTZ and DAZ
// bits of MXCSR; ARM64: the FZ bit of FPCR; elsewhere nothing). Training makes some gradients and
// products tiny; below 1.2e-38 floats are "denormal", and arithmetic on them can take a slow path
// through microcode, so a long run slows down badly. Flushing them changes only values that small.
// The tools and lessons turn it on; it is off by default, so lib alone keeps IEEE arithmetic.
void set_flush_denormals(bool on);

// For a thread that works beside the pool's owner (fast/background.h: sampling while training
// goes on): from now on its parallel_for calls run on it alone, and it takes the pool's
// floating-point mode (set_flush_denormals).
void become_background_thread();

// The least work worth sending to another core, in multiply-adds: a chunk's inputs and results
// move between the two cores' caches, and below this the move costs more than the work saves.
// A training step's products (128 x 128 x 128: 2M multiply-adds) stay on one core; make bench
// and docs/architecture.md give the figures.
constexpr long kMinParallelWork = 1L << 22;
// The same for element-wise work (Adam, the EMA, the gradient norm's sum, the weights' transposes):
// the least number of elements worth a thread. The notebook's 72,066 parameters stay on one
// thread; a picture model's 0.9 million go to two, which makes its step on two threads faster.
constexpr long kMinParallelElements = kMinParallelWork / 32;

// Calls f(begin, end) on contiguous chunks that cover [0, n) once, one chunk per thread, and
// returns when all are done. Small n (fewer than min_chunk per thread) run on the caller alone,
// and so does a parallel_for called from inside a chunk of another.
void parallel_for(int n, RangeFn f, int min_chunk = 1);

}  // namespace ddpm
