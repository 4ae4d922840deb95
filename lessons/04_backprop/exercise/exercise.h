// Exercise 04: the backward passes of linear, relu and embedding (lesson 04, lib/layers.cpp).
// Each ACCUMULATES (+=) into the gradients it writes, like the library's.
#pragma once

namespace ex {

// linear: out = in · wᵀ + b, in (B, C), w (OC, C), b (OC,). From dout (B, OC):
//   din (B, C)  += dout · w                     (din may be null)
//   dw  (OC, C) += doutᵀ · in
//   db  (OC,)   += the sum of dout over the batch
void linear_backward(double* din, double* dw, double* db, const double* dout, const double* in,
                     const double* w, int B, int C, int OC);

// relu: out = max(in, 0) over N values. Given its OUTPUT: din += dout where out > 0.
void relu_backward(double* din, const double* dout, const double* out, int N);

// embedding: out[b] += table[t[b]], table (steps, C). Backward: dtable[t[b]] += dout[b].
void embedding_backward(double* dtable, const double* dout, const int* t, int B, int C);

}  // namespace ex
