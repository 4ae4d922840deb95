// The explicit instantiations of gemm.h's function templates for T, in the namespace where the
// macro is used: each compilation of fast/gemm.cpp (ddpm::fast::base, ddpm::fast::avx) and
// fast/gemm_dispatch.cpp (ddpm::fast) instantiate the same list.
#pragma once

#define DDPM_GEMM_INSTANTIATE(T)                                                         \
    template void gemm_acc<T>(T*, const T*, const T*, int, int, int);                    \
    template void gemm_acc_tiles<T>(T*, const T*, const T*, int, int, int);              \
    template void gemm_acc_skip_zeros<T>(T*, const T*, const T*, int, int, int);         \
    template void gemm_nt_acc<T>(T*, const T*, const T*, int, int, int);                 \
    template void gemm_nt<T>(T*, const T*, const T*, int, int, int, const Epilogue<T>&); \
    template void gemm<T>(T*, const T*, const T*, int, int, int, const Epilogue<T>&);    \
    template void gemm_tn_acc<T>(T*, const T*, const T*, int, int, int);                 \
    template void gemm_tn_dots<T>(T*, const T*, const T*, int, int, int);                \
    template bool fills_a_tile<T>(int);                                                  \
    template void transpose<T>(T*, const T*, int, int);
