// The fast linear layer: the same contract as linear_forward and linear_backward of layers.h,
// computed by the products of fast/gemm.h. The plain layers call these when the fast tier is on
// (the default), so the model's code names only the plain layers, with two exceptions: its hidden
// blocks call linear_embedding_relu_forward, three of the model's steps in one product, and going
// back, linear_input_relu_backward, two in one.
//
// Same bits as the plain loops where the sums run in the same order: every product that goes
// through gemm_acc (the hidden layers, and din of every layer). The narrow ones (the output layer's
// forward, and dw of the 2-wide input layer) are dot products summed in vector lanes, another
// order of the same terms: they agree with the plain loops to float rounding (tests/test_fast.cpp
// measures both).
#pragma once

namespace ddpm::fast {

// On (the default): the plain layers run these. Off: every layer runs its plain loops, for the
// tests, make bench and lesson 04, which compare the two.
void set_enabled(bool on);
bool enabled();

// linear_forward of layers.h:   in (B, C)   w (OC, C)   b (OC,)   ->   out (B, OC)
template <typename T>
void linear_forward(T* out, const T* in, const T* w, const T* b, int B, int C, int OC);

// A hidden block of the model without its norm, in place in out (B, OC): linear_forward, then
// embedding_forward of table0 by index0 and of table1 by index1 (a null table is skipped), then
// relu_forward, with out written once: the additions and the ReLU happen to each piece of the
// product before it is stored (gemm_nt's epilogue). The same bits as the four one after another.
// wt, when not null, is w transposed (C, OC), made by the caller for many calls (fast::predict's
// blocks of points): the product reads it as stored (gemm), with the same bits.
template <typename T>
void linear_embedding_relu_forward(T* out, const T* in, const T* w, const T* wt, const T* b,
                                   const T* table0, const int* index0, const T* table1,
                                   const int* index1, int B, int C, int OC);

// Going back through a hidden block's Linear and the ReLU of the block below it, in one product:
//   dout (B, OC), w (OC, C), h (B, C)  ->  da (B, C) = relu_backward of dout · w at h
// What linear_backward's din (dout · w added into zeros) and then relu_backward (into zeros, with
// h the lower block's output) give, with da written once and that din never stored (gemm's
// epilogue, its gate): the same bits as the two one after another.
template <typename T>
void linear_input_relu_backward(T* da, const T* dout, const T* w, const T* h, int B, int C, int OC);

// linear_backward of layers.h (accumulates the same way):
//   dout (B, OC)  ->  din (B, C) (may be null), dw (OC, C), db (OC,)
template <typename T>
void linear_backward(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, int B, int C,
                     int OC);

}  // namespace ddpm::fast
