// gemm.h's functions, each handing its work to one compilation of fast/gemm.cpp: the build's own
// (namespace base), or, in a portable x86-64 build (NATIVE=0), the one compiled for AVX (namespace
// avx) when the processor has it. Portable binaries then run the products with 32-byte vectors on
// the machines that have them, and still start on every x86-64.
//
// The AVX products multiply and add in two roundings, as the SSE2 build's plain loops do (no
// FMA), and sum every entry in the same order, so they give the SSE2 products' bits: a portable
// binary computes the same numbers with AVX or without. The one place where the width would show
// is a result narrower than a vector, summed in the vector's lanes (gemm_nt_acc): those stay with
// the build's own products, and so does the choice of what counts as narrow (fills_a_tile).
#include "fast/gemm.h"
#include "fast/gemm_instances.h"
#include "fast/isa.h"

namespace ddpm::fast {

// The functions one compilation of gemm.cpp defines, in namespace ns.
#define DDPM_DECLARE_PRODUCTS(ns)                                                           \
    namespace ns {                                                                          \
    template <typename T>                                                                   \
    void gemm_acc(T* C, const T* A, const T* B, int M, int K, int N);                       \
    template <typename T>                                                                   \
    void gemm_acc_tiles(T* C, const T* A, const T* B, int M, int K, int N);                 \
    template <typename T>                                                                   \
    void gemm_acc_skip_zeros(T* C, const T* A, const T* B, int M, int K, int N);            \
    template <typename T>                                                                   \
    void gemm_nt_acc(T* C, const T* A, const T* Bt, int M, int K, int N);                   \
    template <typename T>                                                                   \
    void gemm_nt(T* C, const T* A, const T* Bt, int M, int K, int N, const Epilogue<T>& e); \
    template <typename T>                                                                   \
    void gemm(T* C, const T* A, const T* B, int M, int K, int N, const Epilogue<T>& e);     \
    template <typename T>                                                                   \
    void gemm_tn_acc(T* C, const T* At, const T* B, int M, int K, int N);                   \
    template <typename T>                                                                   \
    void gemm_tn_dots(T* C, const T* At, const T* B, int M, int K, int N);                  \
    template <typename T>                                                                   \
    bool fills_a_tile(int N);                                                               \
    template <typename T>                                                                   \
    void transpose(T* out, const T* in, int rows, int cols);                                \
    int vector_bytes();                                                                     \
    }
DDPM_DECLARE_PRODUCTS(base)
#if defined(DDPM_GEMM_AVX)
DDPM_DECLARE_PRODUCTS(avx)
#endif
#undef DDPM_DECLARE_PRODUCTS

// The AVX compilation where fast/isa.h says the AVX loops run, in a build that carries it.
#if defined(DDPM_GEMM_AVX)
#define DDPM_CALL(function) (avx_in_use() ? avx::function : base::function)
#else
#define DDPM_CALL(function) base::function
#endif

int vector_bytes() {
    return DDPM_CALL(vector_bytes)();
}

template <typename T>
void gemm_acc(T* C, const T* A, const T* B, int M, int K, int N) {
    DDPM_CALL(gemm_acc<T>)(C, A, B, M, K, N);
}

template <typename T>
void gemm_acc_tiles(T* C, const T* A, const T* B, int M, int K, int N) {
    DDPM_CALL(gemm_acc_tiles<T>)(C, A, B, M, K, N);
}

template <typename T>
void gemm_acc_skip_zeros(T* C, const T* A, const T* B, int M, int K, int N) {
    DDPM_CALL(gemm_acc_skip_zeros<T>)(C, A, B, M, K, N);
}

template <typename T>
void gemm_nt_acc(T* C, const T* A, const T* Bt, int M, int K, int N) {
#if defined(DDPM_GEMM_AVX)
    if (avx_in_use() && avx::fills_a_tile<T>(N)) {  // the tiles: the same sums in either set
        avx::gemm_nt_acc<T>(C, A, Bt, M, K, N);
        return;
    }
#endif
    base::gemm_nt_acc<T>(C, A, Bt, M, K, N);  // narrower: sums in the build's own lanes
}

template <typename T>
void gemm_nt(T* C, const T* A, const T* Bt, int M, int K, int N, const Epilogue<T>& e) {
#if defined(DDPM_GEMM_AVX)
    if (avx_in_use() && avx::fills_a_tile<T>(N)) {  // as gemm_nt_acc
        avx::gemm_nt<T>(C, A, Bt, M, K, N, e);
        return;
    }
#endif
    base::gemm_nt<T>(C, A, Bt, M, K, N, e);
}

template <typename T>
void gemm(T* C, const T* A, const T* B, int M, int K, int N, const Epilogue<T>& e) {
    // The tiles or the skipping path, never the narrow lanes: the same sums in either set.
    DDPM_CALL(gemm<T>)(C, A, B, M, K, N, e);
}

template <typename T>
void gemm_tn_acc(T* C, const T* At, const T* B, int M, int K, int N) {
    DDPM_CALL(gemm_tn_acc<T>)(C, At, B, M, K, N);
}

template <typename T>
void gemm_tn_dots(T* C, const T* At, const T* B, int M, int K, int N) {
    base::gemm_tn_dots<T>(C, At, B, M, K, N);  // sums in the build's own lanes, as gemm_nt_acc
}

template <typename T>
bool fills_a_tile(int N) {
    return base::fills_a_tile<T>(N);  // the build's own width, whichever set runs
}

template <typename T>
void transpose(T* out, const T* in, int rows, int cols) {
    DDPM_CALL(transpose<T>)(out, in, rows, cols);
}
#undef DDPM_CALL

DDPM_GEMM_INSTANTIATE(float)
DDPM_GEMM_INSTANTIATE(double)

}  // namespace ddpm::fast
