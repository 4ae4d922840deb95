// Adam's step and the EMA's update in one pass over the parameters: the same contract as
// Adam::step followed by EMA::update (nn/optim.h), and the same bits. The trainer calls this when
// the fast tier is on.
//
// Adam waits on the processor's divider (a square root and two divisions a parameter), and the
// EMA reads the weights Adam has just written. Done one after the other, the EMA is a second pass
// over two arrays of n floats; done in Adam's loop, it is a few more instructions while the
// divider works. Each parameter still goes through Adam's arithmetic, then the EMA's, as
// adam_update and ema_update write them.
#pragma once

#include "nn/optim.h"

namespace ddpm::fast {

// adam.step(params, grads), then ema.update(params), for the n parameters both were made for.
void adam_ema_step(Adam& adam, EMA& ema, float* params, const float* grads);

}  // namespace ddpm::fast
