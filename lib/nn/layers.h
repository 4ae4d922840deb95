// Layers: each is a pair of plain functions, forward and backward (the llm.c way).
//
// - The caller owns every buffer. (The fast tier keeps one scratch buffer per thread, grown once.)
// - Forward keeps nothing: backward is given what it needs (the layer's input, or its output).
// - Backward ACCUMULATES (+=) into the gradients it writes, so a caller can sum over uses and
//   must zero the gradients before a step (MLP::zero_grad does).
// - linear_forward and linear_backward hand their work to the fast tier (lib/fast/linear.h: the
//   same products, tiled and threaded) unless it is switched off; the plain loops in layers.cpp
//   are what both compute, and the tests check that they agree.
// - Each function is a template over the number type: float for training, double for the
//   gradient checks of lesson 04 and the tests (in double the check is sharp: ~1e-9, not ~1e-3).
//   They are instantiated for float and double in layers.cpp.
#pragma once

namespace ddpm {

// linear: out = in · wᵀ + b
//   in (B, C)   w (OC, C)   b (OC,)   ->   out (B, OC)
template <typename T>
void linear_forward(T* out, const T* in, const T* w, const T* b, int B, int C, int OC);

// Backward of linear, from dout (B, OC):
//   din (B, C)  += dout · w        (din may be null: the model's input x_t needs no gradient)
//   dw (OC, C)  += doutᵀ · in
//   db (OC,)    += sum over the batch of dout
template <typename T>
void linear_backward(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, int B, int C,
                     int OC);

// embedding: adds the row of `table` chosen by each sample's step to that sample's row of out.
//   t (B,) in [0, num_steps)   table (num_steps, C)   out (B, C) += table[t[b]]
// (A pure lookup is the same call on a zeroed out; the model adds the step's row to a linear's
// output, which is exactly the notebook's `x += embedding(t)`.)
template <typename T>
void embedding_forward(T* out, const int* t, const T* table, int B, int C);

// Backward of embedding: each sample's gradient is scatter-added into its step's row.
//   dtable (num_steps, C): dtable[t[b]] += dout[b]      (dtable may be null: a fixed table)
template <typename T>
void embedding_backward(T* dtable, const T* dout, const int* t, int B, int C);

// embedding at a continuous position (flow matching's time, lesson 14): each sample reads the table
// between two rows, by linear interpolation. With i = floor(s) (at most num_rows - 2) and f = s - i:
//   s (B,) in [0, num_rows - 1]   table (num_rows, C)   out (B, C) += (1 - f) table[i] + f table[i + 1]
// At a whole position the second weight is 0, and the row is read as it is.
template <typename T>
void embedding_lerp_forward(T* out, const float* s, const T* table, int num_rows, int B, int C);

// Backward: the gradient is shared between the two rows in the same proportions.
//   dtable[i] += (1 - f) dout[b],  dtable[i + 1] += f dout[b]      (dtable may be null)
template <typename T>
void embedding_lerp_backward(T* dtable, const T* dout, const float* s, int num_rows, int B, int C);

// relu: out = max(in, 0), element-wise over N values. In place (out == in) is allowed.
template <typename T>
void relu_forward(T* out, const T* in, int N);

// Backward of relu, given its OUTPUT: din += dout where out > 0 (the same test as in > 0).
template <typename T>
void relu_backward(T* din, const T* dout, const T* out, int N);

// layer_norm without a learned scale or shift (PyTorch's F.layer_norm(x, (C,))): each row of
// in (B, C) moved to mean 0 and scaled to variance 1,
//   out = (in - mean) / sqrt(var + 1e-5),   var the row's population variance
// and each row's 1 / sqrt(var + 1e-5) kept in rstd (B,) for the backward.
template <typename T>
void layer_norm_forward(T* out, T* rstd, const T* in, int B, int C);

// Backward of layer_norm, given its OUTPUT y and rstd: for each row,
//   din += rstd * (dout - mean(dout) - y * mean(dout * y))
template <typename T>
void layer_norm_backward(T* din, const T* dout, const T* out, const T* rstd, int B, int C);

// mse: the mean over all N values of (pred - target)^2.
template <typename T>
T mse_forward(const T* pred, const T* target, int N);

// Backward of mse: dpred += 2 (pred - target) / N.
template <typename T>
void mse_backward(T* dpred, const T* pred, const T* target, int N);

// softmax cross-entropy (PyTorch's F.cross_entropy): the mean over B samples of
//   -log softmax(logits)[label] = log sum_k exp(logits_k) - logits_label
// Keeps each sample's softmax in probs (B, K) for the backward.
//   logits (B, K)   labels (B,) in [0, K)   ->   probs (B, K), returns the mean loss
template <typename T>
T softmax_cross_entropy_forward(T* probs, const T* logits, const int* labels, int B, int K);

// Backward of softmax cross-entropy: dlogits += (probs - onehot(label)) / B.
template <typename T>
void softmax_cross_entropy_backward(T* dlogits, const T* probs, const int* labels, int B, int K);

}  // namespace ddpm
