#include "fast/optim.h"

#include <string>

#include "core/error.h"
#include "fast/parallel.h"

namespace ddpm::fast {

// params[begin, end): Adam's update, then the EMA's of the weight just written. __restrict says the
// five arrays never overlap, so the compiler vectorises the loop without checking.
static void adam_ema_range(float* __restrict params, const float* __restrict grads,
                           float* __restrict m, float* __restrict v, float* __restrict shadow,
                           int begin, int end, AdamStep s, float mu) {
    for (int i = begin; i < end; ++i) {
        adam_update(params[i], m[i], v[i], grads[i], s);
        ema_update(shadow[i], params[i], mu);
    }
}

void adam_ema_step(Adam& adam, EMA& ema, float* params, const float* grads) {
    if (adam.m.size() != ema.shadow.size())
        throw Error("adam_ema_step: Adam has " + std::to_string(adam.m.size()) +
                    " parameters, the EMA " + std::to_string(ema.shadow.size()));
    const AdamStep s = adam.next_step();
    parallel_for(
        static_cast<int>(adam.m.size()),
        [&](int begin, int end) {
            adam_ema_range(params, grads, adam.m.data(), adam.v.data(), ema.shadow.data(), begin,
                           end, s, ema.mu);
        },
        kMinParallelElements);
}

}  // namespace ddpm::fast
