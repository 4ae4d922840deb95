#include "fast/normal.h"

#include <algorithm>
#include <cstdint>

#include "fast/parallel.h"

namespace ddpm::fast {

// The fewest pairs worth a thread: each pair calls libm four times, so a few thousand pairs
// outweigh the hand-off (a batch of 128 points in 2-D stays on the caller; a picture batch's
// 25,088 values and a sampler's 20,000 are split).
constexpr int kMinParallelPairs = 2048;
// parallel_for counts in int: more pairs than this go in several calls.
constexpr size_t kMaxPairsPerCall = size_t(1) << 30;

void fill_normal(float* out, size_t n, Rng& rng) {
    size_t i = 0;
    // The second value of normal()'s last pair, if it kept one, comes first.
    if (n > 0 && rng.state().has_cached) out[i++] = rng.normal();
    // Each thread's pairs from its own copy of the generator, moved on (Rng::skip) to where their
    // two draws a pair start in the stream: the draws the calling thread would have made one
    // after another, and each pair's two values the same function of them (box_muller).
    const size_t pairs = (n - i) / 2;
    const Rng from = rng;
    float* pair_values = out + i;
    for (size_t p0 = 0; p0 < pairs; p0 += kMaxPairsPerCall) {
        const int count = static_cast<int>(std::min(pairs - p0, kMaxPairsPerCall));
        parallel_for(
            count,
            [&](int q0, int q1) {
                Rng own = from;
                own.skip(2 * (p0 + q0));
                for (size_t p = p0 + q0; p < p0 + q1; ++p) {
                    const uint32_t u = own.next_u32();
                    const uint32_t v = own.next_u32();
                    box_muller(u, v, pair_values[2 * p], pair_values[2 * p + 1]);
                }
            },
            kMinParallelPairs);
    }
    rng.skip(2 * pairs);
    i += 2 * pairs;
    if (i < n) {
        // An odd last value: normal() draws a new pair and keeps its second for the next call.
        out[i] = rng.normal();
    } else if (n > 0 && !rng.state().has_cached) {
        // normal() leaves the last second value it returned in its (spent) cache: so does this,
        // so that a checkpoint saving the generator's state writes the same bytes.
        Rng::State state = rng.state();
        state.cached_normal = out[n - 1];
        rng.set_state(state);
    }
}

}  // namespace ddpm::fast
