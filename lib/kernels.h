// Fast kernels: the same products as the plain layers in layers.h, arranged so the compiler can
// keep a tile of the result in vector registers. The plain versions stay in layers.cpp, where the
// lessons teach them; tests/test_kernels.cpp checks that both agree.
//
// Every product of a linear layer is one matrix multiply of the form C += A · B (all row-major):
//   forward    out  (B, OC) = in   (B, C)  · wᵀ (C, OC)   (+ bias)
//   backward   din  (B, C)  += dout (B, OC) · w  (OC, C)
//              dw   (OC, C) += doutᵀ (OC, B) · in (B, C)
// so one kernel, gemm_acc, does all three after a transpose into a scratch buffer.
#pragma once

namespace ddpm {

// The vector width of the machine the build targets: 16 bytes (SSE2, every x86-64), 32 (AVX),
// 64 (AVX-512, with NATIVE=1 on a machine that has it).
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif

// C (M, N) += A (M, K) · B (K, N), on the pool's threads (parallel.h). It looks at A first: most
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

// C (M, N) += A (M, K) · Btᵀ for Bt (N, K): every entry a dot product of two contiguous rows,
// summed in vector lanes. For narrow results (N = 2, the output layer) where gemm_acc's tiles
// would not fit and the matrix is already stored as rows.
template <typename T>
void gemm_nt_acc(T* C, const T* A, const T* Bt, int M, int K, int N);

// out (cols, rows) = inᵀ for in (rows, cols).
template <typename T>
void transpose(T* out, const T* in, int rows, int cols);

// embedding_forward then relu_forward of layers.h in one pass over out: the same arithmetic, so
// the same bits, reading and writing out once instead of twice.
//   t (B,)   table (num_steps, C)   out (B, C) = max(out + table[t], 0)
template <typename T>
void add_embedding_relu(T* out, const int* t, const T* table, int B, int C);

// linear_forward of layers.h, fast. wT is caller-owned scratch of C * OC values.
//   in (B, C)   w (OC, C)   b (OC,)   ->   out (B, OC)
template <typename T>
void linear_forward_fast(T* out, const T* in, const T* w, const T* b, T* wT, int B, int C, int OC);

// linear_backward of layers.h, fast (accumulates the same way). scratch is caller-owned, of
// B * (OC + C) values.
template <typename T>
void linear_backward_fast(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, T* scratch,
                          int B, int C, int OC);

}  // namespace ddpm
