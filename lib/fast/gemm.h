// Matrix products for the fast linear layer (fast/linear.h): the sums of lib/nn/layers.cpp's plain
// loops, in the same order, arranged so the compiler keeps a tile of the result in vector
// registers. tests/test_fast.cpp checks them against the plain layers.
//
// Every product of a linear layer is one matrix multiply of the form C += A · B (all row-major):
//   forward    out  (B, OC) = in   (B, C)  · wᵀ (C, OC)   (+ bias)   gemm_nt_acc
//   backward   din  (B, C)  += dout (B, OC) · w  (OC, C)             gemm_acc
//              dw   (OC, C) += doutᵀ (OC, B) · in (B, C)             gemm_tn_acc
// One product does all three: the two with a transposed operand read it where it is stored.
#pragma once

#include "fast/isa.h"  // kVecBytes

namespace ddpm::fast {

// C (M, N) += A (M, K) · B (K, N), on the pool's threads (fast/parallel.h). It looks at A first: most
// products use register tiles, but when A is mostly zeros, as the output of a ReLU is (and every
// gradient that flows back through one), skipping the zeros does less work. The two give the
// same bits: a zero term adds nothing, and the other terms are summed in the same order.
template <typename T>
void gemm_acc(T* C, const T* A, const T* B, int M, int K, int N);

// The two ways gemm_acc computes, each on the calling thread:
//   tiles: a few rows × a few vectors of C stay in registers while k runs over all of K;
//   skip zeros: one row of C at a time, adding only the rows of B whose a is not zero.
template <typename T>
void gemm_acc_tiles(T* C, const T* A, const T* B, int M, int K, int N);
template <typename T>
void gemm_acc_skip_zeros(T* C, const T* A, const T* B, int M, int K, int N);

// C (M, N) += A (M, K) · Btᵀ for Bt (N, K). A result at least one vector wide (fills_a_tile) is
// gemm_acc's product, bit for bit, with Bt transposed a strip at a time as the tiles read it. A
// narrower one (N = 2, the output layer) is a dot product of two contiguous rows per entry,
// summed in vector lanes: the same terms in another order.
template <typename T>
void gemm_nt_acc(T* C, const T* A, const T* Bt, int M, int K, int N);

// What a product does to its result on the way out (gemm_nt): C starts as the bias (zeros when it
// is null) where an accumulating product starts from C's own values; once every term is in, row i
// of C gets row index[q][i] of table[q] added (q = 0, then 1; a null table is skipped), then the
// ReLU (relu_forward of nn/layers.h) when relu is set, then, when gate is set, relu_backward's
// step: each entry kept where gate's entry is above 0 and +0 elsewhere, added to +0, as
// relu_backward adds it into a zeroed gradient. The tables and gate are N wide, as C is. Done
// while a piece of C is still in registers (the skipping path's strips, the tiles), or to each
// entry as its sum is done (the narrow products), these need no pass over C of their own: a hidden
// block of the model (linear, embeddings, ReLU) in one product, and going back, the gradient
// through a block's Linear and the ReLU below it (fast::linear_input_relu_backward).
template <typename T>
struct Epilogue {
    const T* bias = nullptr;   // (N,)
    const T* table[2] = {};    // (rows, N) each
    const int* index[2] = {};  // (M,) each: the row of table q that C's row i gets
    bool relu = false;
    const T* gate = nullptr;  // (M, N): a block's output h, whose zeros stop the gradient
};

// C (M, N) = bias + A (M, K) · Btᵀ for Bt (N, K), then e's tables and ReLU: gemm_nt_acc's sums
// (from the bias, not from C), with e applied in the same order as the plain loops apply the
// bias, embedding_forward and relu_forward, and so the same bits as those after gemm_nt_acc.
template <typename T>
void gemm_nt(T* C, const T* A, const T* Bt, int M, int K, int N, const Epilogue<T>& e);

// gemm_nt for B (K, N) as stored, where gemm_nt takes it transposed: for a caller that has B
// already, read by many products (fast::predict's blocks of points, each hidden layer's weight
// transposed once for all of them, where gemm_nt would transpose it in every product). For a
// result that fills a tile (fills_a_tile), it is the same product, so the same bits, as gemm_nt on
// Bᵀ; narrower, gemm_acc's sums, not gemm_nt's lanes.
template <typename T>
void gemm(T* C, const T* A, const T* B, int M, int K, int N, const Epilogue<T>& e);

// C (M, N) += Atᵀ · B for At (K, M), B (K, N): gemm_acc's product, bit for bit, reading A's
// entries from the transposed At where they are stored.
template <typename T>
void gemm_tn_acc(T* C, const T* At, const T* B, int M, int K, int N);

// C (M, N) += Atᵀ · B for At (K, M), B (K, N), with N below a vector (a weight gradient of a
// narrow input, as the notebook's 2-wide one): gemm_nt_acc's dot products of Atᵀ's rows with Bᵀ's,
// summed in the same lanes, so the same bits as gemm_nt_acc on transposed copies, which it never
// makes. Every set of products runs it on the build's own lanes, as gemm_nt_acc's narrow ones.
template <typename T>
void gemm_tn_dots(T* C, const T* At, const T* B, int M, int K, int N);

// Whether a result N columns wide fills at least one vector (kVecBytes, the build's own width) of
// gemm_acc's register tiles; narrower ones go to gemm_nt_acc.
template <typename T>
bool fills_a_tile(int N);

// out (cols, rows) = inᵀ for in (rows, cols).
template <typename T>
void transpose(T* out, const T* in, int rows, int cols);

// The width of the vectors the products above use in this run, in bytes: kVecBytes, or 32 when a
// portable x86-64 build (NATIVE=0) runs its products compiled for AVX, as it does on a processor
// that has it (fast/gemm_dispatch.cpp).
int vector_bytes();

}  // namespace ddpm::fast
