#include "fast/normal.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fast/parallel.h"

namespace ddpm::fast {

// The fewest pairs worth a thread: each pair calls libm four times, so a few thousand pairs
// outweigh the hand-off (a batch of 128 points in 2-D stays on the caller; a picture batch's
// 25,088 values and a sampler's 20,000 are split).
constexpr int kMinParallelPairs = 2048;
// Pairs drawn at a time, so the draws' buffer stays small (512 KB) however large n is.
constexpr size_t kPairsPerRound = size_t(1) << 16;

void fill_normal(float* out, size_t n, Rng& rng) {
    size_t i = 0;
    // The second value of normal()'s last pair, if it kept one, comes first.
    if (n > 0 && rng.state().has_cached) out[i++] = rng.normal();
    thread_local std::vector<uint32_t> draws;
    while (n - i >= 2) {
        const size_t pairs = std::min((n - i) / 2, kPairsPerRound);
        // The draws, two a pair, in the generator's order.
        if (draws.size() < 2 * pairs) draws.resize(2 * pairs);
        for (size_t d = 0; d < 2 * pairs; ++d) draws[d] = rng.next_u32();
        // Each pair's two values, on whichever thread: the same function of the same two draws.
        // (By pointer: on another thread, draws would name that thread's own buffer.)
        const uint32_t* uv = draws.data();
        float* pair_values = out + i;
        parallel_for(
            static_cast<int>(pairs),
            [&](int p0, int p1) {
                for (int p = p0; p < p1; ++p)
                    box_muller(uv[2 * p], uv[2 * p + 1], pair_values[2 * p],
                               pair_values[2 * p + 1]);
            },
            kMinParallelPairs);
        i += 2 * pairs;
    }
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
