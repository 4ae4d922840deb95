// Exercise 08: the EMA update (lesson 08, lib/optim.cpp).
#pragma once
#include <cstddef>

namespace ex {

// The notebook's EMA: shadow = mu * params + (1 - mu) * shadow, for n values, in place.
void ema_update(float* shadow, const float* params, size_t n, float mu);

}  // namespace ex
