// "No memory allocation inside a training step": every operator new in this test binary is
// counted, and ten training steps after a warm-up must make none.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "data/datasets.h"
#include "diffusion/train.h"
#include "fast/predict.h"
#include "fast/parallel.h"

static std::atomic<long> g_allocations{0};

void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's temporary buffer uses it): every new of this binary
// must pair with the delete below, or AddressSanitizer reports a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++g_allocations;
    return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

TEST_CASE("a training step allocates no memory (1 and 2 threads)") {
    for (int threads : {1, 2}) {
        CAPTURE(threads);
        ddpm::set_num_threads(threads);
        ddpm::TrainConfig cfg;
        ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 3);
        ddpm::Tensor batch = ddpm::make_dataset("s_curve", 128, 3);
        for (int i = 0; i < 3; ++i) tr.step(batch.data(), 128);  // warm-up: buffers settle
        const long before = g_allocations.load();
        for (int i = 0; i < 10; ++i) tr.step(batch.data(), 128);
        CHECK(g_allocations.load() - before == 0);
    }
    ddpm::set_num_threads(1);
}

// Sampling calls the model's prediction once a step; after the first call its blocks' buffers and
// the shared transposed weights are in place, and a call makes no allocation.
TEST_CASE("a prediction over many points allocates no memory once warmed up (1 and 2 threads)") {
    for (int threads : {1, 2}) {
        CAPTURE(threads);
        ddpm::set_num_threads(threads);
        ddpm::MLPDiffusion model;
        ddpm::Rng rng(4);
        model.init(rng);
        constexpr int n = 2000;  // four blocks of points
        ddpm::Tensor x = ddpm::make_dataset("s_curve", n, 4), eps({n, 2});
        static int t[n];  // not a std::vector: GCC warns of its inlined delete beside ours
        for (int i = 0; i < n; ++i) t[i] = i % 100;
        for (int i = 0; i < 3; ++i) ddpm::fast::predict_noise(model, eps.data(), x.data(), t, n);
        const long before = g_allocations.load();
        for (int i = 0; i < 5; ++i) ddpm::fast::predict_noise(model, eps.data(), x.data(), t, n);
        CHECK(g_allocations.load() - before == 0);
    }
    ddpm::set_num_threads(1);
}
