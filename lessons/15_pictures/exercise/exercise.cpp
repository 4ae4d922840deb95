// Exercise 15: fill in the layer norm. `make exercise` in lessons/15_pictures checks it.
#include <cmath>

#include "exercise.h"

namespace ex {

void layer_norm_forward(double* out, double* rstd, const double* in, int B, int C) {
    // TODO: for each row: its mean, its variance, rstd, then the normalised values
}

void layer_norm_backward(double* din, const double* dout, const double* out, const double* rstd,
                         int B, int C) {
    // TODO: for each row: the two means, then add each value's gradient to din
}

}  // namespace ex
