#include "fast/optim.h"

#include <string>

#include "core/error.h"
#include "fast/isa.h"
#include "fast/parallel.h"

namespace ddpm::fast {

// params[begin, end): Adam's update, then the EMA's of the weight just written. __restrict says the
// five arrays never overlap, so the compiler vectorises the loop without checking.
[[gnu::always_inline]] static inline void adam_ema_range(float* __restrict params,
                                                         const float* __restrict grads,
                                                         float* __restrict m, float* __restrict v,
                                                         float* __restrict shadow, int begin,
                                                         int end, AdamStep s, float mu) {
    for (int i = begin; i < end; ++i) {
        adam_update(params[i], m[i], v[i], grads[i], s);
        ema_update(shadow[i], params[i], mu);
    }
}

// The build's own loop, and in a portable x86-64 build the same loop compiled for AVX (fast/isa.h):
// 8 lanes to SSE2's 4, and the same bits (its square roots and divisions are exact to the last
// bit in both, and without FMA each multiply and add rounds on its own, as in SSE2).
static void adam_ema_own(float* params, const float* grads, float* m, float* v, float* shadow,
                         int begin, int end, AdamStep s, float mu) {
    adam_ema_range(params, grads, m, v, shadow, begin, end, s, mu);
}

#if defined(DDPM_AVX_BESIDE)
[[gnu::target("avx")]] static void adam_ema_avx(float* params, const float* grads, float* m,
                                                float* v, float* shadow, int begin, int end,
                                                AdamStep s, float mu) {
    adam_ema_range(params, grads, m, v, shadow, begin, end, s, mu);
}
#endif

void adam_ema_step(Adam& adam, EMA& ema, float* params, const float* grads) {
    if (adam.m.size() != ema.shadow.size())
        throw Error("adam_ema_step: Adam has " + std::to_string(adam.m.size()) +
                    " parameters, the EMA " + std::to_string(ema.shadow.size()));
    const AdamStep s = adam.next_step();
    parallel_for(
        static_cast<int>(adam.m.size()),
        [&](int begin, int end) {
            auto* range = adam_ema_own;
#if defined(DDPM_AVX_BESIDE)
            if (avx_in_use()) range = adam_ema_avx;
#endif
            range(params, grads, adam.m.data(), adam.v.data(), ema.shadow.data(), begin, end, s,
                  ema.mu);
        },
        kMinParallelElements);
}

}  // namespace ddpm::fast
