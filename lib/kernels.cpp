#include "kernels.h"

#include <cstring>

namespace ddpm {

// The vector width of the machine the build targets: 16 bytes (SSE2, every x86-64), 32 (AVX),
// 64 (AVX-512, with NATIVE=1 on a machine that has it). Vec<T> is that many bytes of T, and
// arithmetic on it is one instruction for all its lanes (GCC's and Clang's vector extensions).
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
template <typename T>
struct VecOf {
    typedef T type __attribute__((vector_size(kVecBytes)));
};
template <typename T>
using Vec = typename VecOf<T>::type;

// The register tile of C: 4 rows × 2 vectors (8 columns of float under SSE, 32 under AVX-512).
constexpr int kRows = 4, kVecs = 2;

template <typename T>
static Vec<T> load(const T* p) {
    Vec<T> v;
    std::memcpy(&v, p, sizeof v);  // an unaligned load
    return v;
}

template <typename T>
static void store(T* p, Vec<T> v) {
    std::memcpy(p, &v, sizeof v);
}

template <typename T>
void gemm_acc(T* C, const T* A, const T* B, int M, int K, int N) {
    constexpr int lanes = kVecBytes / sizeof(T), cols = kVecs * lanes;
    const int Mt = M - M % kRows, Nt = N - N % cols;
    for (int i = 0; i < Mt; i += kRows) {
        for (int j = 0; j < Nt; j += cols) {
            // The tile C[i : i+4, j : j+cols] stays in registers for the whole sum over k: each
            // step loads a strip of a row of B once and uses it for 4 rows of A.
            Vec<T> acc[kRows][kVecs];
            for (int r = 0; r < kRows; ++r)
                for (int v = 0; v < kVecs; ++v) acc[r][v] = load(C + (i + r) * N + j + v * lanes);
            for (int k = 0; k < K; ++k) {
                Vec<T> b[kVecs];
                for (int v = 0; v < kVecs; ++v) b[v] = load(B + k * N + j + v * lanes);
                for (int r = 0; r < kRows; ++r) {
                    const T a = A[(i + r) * K + k];
                    for (int v = 0; v < kVecs; ++v) acc[r][v] += a * b[v];
                }
            }
            for (int r = 0; r < kRows; ++r)
                for (int v = 0; v < kVecs; ++v) store(C + (i + r) * N + j + v * lanes, acc[r][v]);
        }
    }
    // What the tiles leave over: the last M % 4 rows (all columns) and the last N % cols columns
    // of the tiled rows. Plain i-k-j loops.
    auto plain = [&](int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; ++i)
            for (int k = 0; k < K; ++k) {
                const T a = A[i * K + k];
                for (int j = j0; j < j1; ++j) C[i * N + j] += a * B[k * N + j];
            }
    };
    plain(0, Mt, Nt, N);
    plain(Mt, M, 0, N);
}

template <typename T>
void transpose(T* out, const T* in, int rows, int cols) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
}

template <typename T>
void linear_forward_fast(T* out, const T* in, const T* w, const T* b, T* wT, int B, int C, int OC) {
    transpose(wT, w, OC, C);
    for (int i = 0; i < B; ++i)
        for (int o = 0; o < OC; ++o) out[i * OC + o] = b ? b[o] : T(0);
    gemm_acc(out, in, wT, B, C, OC);
}

template <typename T>
void linear_backward_fast(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, T* doutT,
                          int B, int C, int OC) {
    if (din) gemm_acc(din, dout, w, B, OC, C);
    transpose(doutT, dout, B, OC);
    gemm_acc(dw, doutT, in, OC, B, C);
    if (db)
        for (int o = 0; o < OC; ++o) {
            T s = 0;
            for (int i = 0; i < B; ++i) s += doutT[o * B + i];
            db[o] += s;
        }
}

#define DDPM_INSTANTIATE(T)                                                                   \
    template void gemm_acc<T>(T*, const T*, const T*, int, int, int);                        \
    template void transpose<T>(T*, const T*, int, int);                                      \
    template void linear_forward_fast<T>(T*, const T*, const T*, const T*, T*, int, int, int); \
    template void linear_backward_fast<T>(T*, T*, T*, const T*, const T*, const T*, T*, int, int, int);
DDPM_INSTANTIATE(float)
DDPM_INSTANTIATE(double)
#undef DDPM_INSTANTIATE

}  // namespace ddpm
