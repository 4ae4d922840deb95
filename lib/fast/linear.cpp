#include "fast/linear.h"

#include <atomic>

#include "fast/gemm.h"

namespace ddpm::fast {

static std::atomic<bool> g_enabled{true};

void set_enabled(bool on) {
    g_enabled.store(on, std::memory_order_relaxed);
}

bool enabled() {
    return g_enabled.load(std::memory_order_relaxed);
}

template <typename T>
void linear_forward(T* out, const T* in, const T* w, const T* b, int B, int C, int OC) {
    Epilogue<T> bias;
    bias.bias = b;
    gemm_nt(out, in, w, B, C, OC, bias);  // out = b + in · wᵀ, w read as it is stored (OC, C)
}

template <typename T>
void linear_embedding_relu_forward(T* out, const T* in, const T* w, const T* wt, const T* b,
                                   const T* table0, const int* index0, const T* table1,
                                   const int* index1, int B, int C, int OC) {
    Epilogue<T> block;
    block.bias = b;
    block.table[0] = table0;
    block.index[0] = index0;
    block.table[1] = table1;
    block.index[1] = index1;
    block.relu = true;
    if (wt && fills_a_tile<T>(OC))
        gemm(out, in, wt, B, C, OC, block);  // the same product on w already transposed
    else
        gemm_nt(out, in, w, B, C, OC, block);
}

template <typename T>
void linear_input_relu_backward(T* da, const T* dout, const T* w, const T* h, int B, int C,
                                int OC) {
    Epilogue<T> relu_backward;
    relu_backward.gate = h;
    gemm(da, dout, w, B, OC, C, relu_backward);  // da = relu_backward(0 + dout · w), w as stored
}

template <typename T>
void linear_backward(T* din, T* dw, T* db, const T* dout, const T* in, const T* w, int B, int C,
                     int OC) {
    if (din) gemm_acc(din, dout, w, B, OC, C);
    // dw += doutᵀ · in, dout read as it is (B, OC); narrow (C below a vector): dot products of
    // doutᵀ's rows with inᵀ's.
    if (fills_a_tile<T>(C))
        gemm_tn_acc(dw, dout, in, OC, B, C);
    else
        gemm_tn_dots(dw, dout, in, OC, B, C);
    // db: sample after sample, each adding its row, as the plain layer does (so the same sums),
    // with the inner loop over outputs, which vectorises.
    if (db)
        for (int i = 0; i < B; ++i)
            for (int o = 0; o < OC; ++o) db[o] += dout[i * OC + o];
}

template void linear_forward<float>(float*, const float*, const float*, const float*, int, int,
                                    int);
template void linear_forward<double>(double*, const double*, const double*, const double*, int, int,
                                     int);
template void linear_embedding_relu_forward<float>(float*, const float*, const float*, const float*,
                                                   const float*, const float*, const int*,
                                                   const float*, const int*, int, int, int);
template void linear_embedding_relu_forward<double>(double*, const double*, const double*,
                                                    const double*, const double*, const double*,
                                                    const int*, const double*, const int*, int, int,
                                                    int);
template void linear_input_relu_backward<float>(float*, const float*, const float*, const float*,
                                                int, int, int);
template void linear_input_relu_backward<double>(double*, const double*, const double*,
                                                 const double*, int, int, int);
template void linear_backward<float>(float*, float*, float*, const float*, const float*,
                                     const float*, int, int, int);
template void linear_backward<double>(double*, double*, double*, const double*, const double*,
                                      const double*, int, int, int);

}  // namespace ddpm::fast
