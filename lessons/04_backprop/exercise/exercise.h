// Exercise 04: backward passes the lesson did not write: a new activation, and a whole hidden
// block of the notebook's network (lesson 04, lib/nn/layers.h). Each ACCUMULATES (+=) into the
// gradients it writes, like the library's.
#pragma once

namespace ex {

// SiLU (also called swish), the activation of most diffusion U-Nets: out = in * sigmoid(in), over
// N values. Given the layer's INPUT (its output alone does not say where you are on the curve):
//   din += dout * d out / d in
void silu_backward(double* din, const double* dout, const double* in, int N);

// One hidden block of MLPDiffusion, lesson 03's three lines:
//   h = relu(x · wᵀ + b + table[t])       x (B, C), w (H, C), b (H,), table (steps, H), t (B,)
// From dh (B, H), add the gradients of the block's four inputs:
//   dx (B, C) (may be null), dw (H, C), db (H,), dtable (steps, H)
// Only x, w, b, table and t are given: recompute what the backward needs.
void block_backward(double* dx, double* dw, double* db, double* dtable, const double* dh,
                    const double* x, const double* w, const double* b, const double* table,
                    const int* t, int B, int C, int H);

}  // namespace ex
