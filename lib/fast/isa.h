// Which vector instructions the fast tier runs. A portable x86-64 build (NATIVE=0) is compiled for
// SSE2, which every x86-64 processor has, and carries its busiest loops a second time, compiled
// for AVX: the products (fast/gemm_dispatch.cpp), Adam with the EMA (fast/optim.cpp) and the
// gradient norm's sum (fast/reduce.cpp). Those run where the processor has AVX. They multiply and
// add in two roundings, as the SSE2 loops do (no FMA), and sum in the same order, so a portable
// binary computes the same bits with AVX or without.
#pragma once

// Defined in a build that compiles loops for AVX beside its own: an x86-64 build for processors
// without AVX, by GCC or Clang (whose target attribute compiles one function for AVX).
#if defined(__x86_64__) && !defined(__AVX__) && defined(__GNUC__)
#define DDPM_AVX_BESIDE 1
#endif

namespace ddpm::fast {

// The vector width of the machine the build targets: 16 bytes (SSE2, every x86-64), 32 (AVX),
// 64 (AVX-512, with NATIVE=1 on a machine that has it). The products may run wider
// (fast/gemm.h's vector_bytes), and so may the loops carried for AVX beside the build's own.
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif

// Whether the loops compiled for AVX run: only in a build that carries them, on a processor (and
// system) that has AVX, and while allow_avx has not turned them off.
bool avx_in_use();

// Whether such a build may run its AVX loops (on by default). The tests turn it off to check the
// build's own loops too; in any other build it changes nothing.
void allow_avx(bool on);

}  // namespace ddpm::fast
