// Exercise 15: the layer norm that keeps a wide network's units alive (lesson 15,
// lib/nn/layers.h).
#pragma once

namespace ex {

// Each row of in (B, C) moved to mean 0 and scaled to variance 1:
//   out = (in - mean) / sqrt(var + 1e-5),   var the row's population variance (divide by C)
// and each row's 1 / sqrt(var + 1e-5) written to rstd (B,), for the backward.
void layer_norm_forward(double* out, double* rstd, const double* in, int B, int C);

// Its backward, given the forward's OUTPUT out and rstd: ADDS (+=) the gradient at the input,
// for each row,
//   din += rstd * (dout - mean(dout) - out * mean(dout * out))
// where the means are over the row's C values.
void layer_norm_backward(double* din, const double* dout, const double* out, const double* rstd,
                         int B, int C);

}  // namespace ex
