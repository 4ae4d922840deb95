// Exercise 08: the EMA early in training, where the notebook's starts badly (lesson 08,
// lib/nn/optim.cpp). Written with the papers' decay d = 1 - mu (the notebook's mu = 0.01 is
// d = 0.99):
//   shadow = d * shadow + (1 - d) * params
#pragma once
#include <cstddef>

namespace ex {

// A warm-up: the decay grows with the number of updates so far, `step` (0 for the first), the way
// TensorFlow's ExponentialMovingAverage(num_updates=...) does it:
//   d = min(max_decay, (1 + step) / (10 + step))
double warmup_decay(long step, double max_decay);

// One EMA update of n values, in place, with the warm-up's decay for this step.
void ema_update_warmup(float* shadow, const float* params, size_t n, long step, double max_decay);

// Bias correction, as Adam does for its moments (Kingma & Ba 2015, Sec. 3): a shadow that started
// at 0 and was updated `steps` times with a fixed decay d holds only 1 - d^steps of the weights'
// average, so
//   out = shadow / (1 - d^steps)
void ema_debiased(float* out, const float* shadow, size_t n, double decay, long steps);

}  // namespace ex
