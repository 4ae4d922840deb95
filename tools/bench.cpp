// make bench: speed figures. Tests never assert timings; this prints them so a change can be
// measured before and after, on the same machine, in one run, each beside its goal (issue 33's)
// and PyTorch's figure for the same work when torch is installed; the 128-wide product also beside
// oneDNN's and libxsmm's when their packages are (peer_products).
//
//   bench [PORTABLE_BENCH ...]   every figure; then each portable build's steps beside ours
//   bench --steps                only the two training steps on 1 thread (what the portable
//                                builds report: make bench builds them with NATIVE=0)
//   bench --peers                only the other libraries' 128-wide products (run by the rest)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include <dlfcn.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/aligned.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "fast/background.h"
#include "fast/gemm.h"
#include "fast/linear.h"
#include "fast/parallel.h"
#include "io/atomic_file.h"
#include "nn/layers.h"
#include "render/animation.h"
#include "render/plot.h"

#if defined(DDPM_BENCH_LIBXSMM)
#include <libxsmm.h>
#endif

namespace {

double seconds_of(const std::function<void()>& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The middle value of a figure's rounds (the mean of the middle two for an even count).
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// On a shared machine (the course's is a virtual machine) a core's speed moves from minute to
// minute, by a quarter and more. So a figure whose goal compares it with another (the peak, or
// the same work on 1 thread) is measured in kRounds rounds that take the two in turn, and the
// median round's ratio is the figure: both sides of each ratio come from the same seconds.
constexpr int kRounds = 9;

// The memory in use now (resident set), in KB: Linux's /proc/self/statm, in pages. 0 elsewhere.
long rss_kb() {
    long pages = 0, resident = 0;
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// "met" or "NOT met", for a figure printed beside its goal.
const char* verdict(bool met) {
    return met ? "met" : "NOT met";
}

// The processor's name, as Linux reports it (the figures belong to it); "" elsewhere.
std::string processor_name() {
    std::FILE* f = std::fopen("/proc/cpuinfo", "r");
    if (!f) return "";
    char line[512];
    std::string name;
    while (name.empty() && std::fgets(line, sizeof line, f)) {
        const std::string l = line;
        const size_t colon = l.find(':');
        if (colon != std::string::npos && l.rfind("model name", 0) == 0)
            name = l.substr(colon + 2, l.size() - colon - 3);  // without ": " and the newline
    }
    std::fclose(f);
    return name;
}

// The floating-point work of one training step of MLPDiffusion at batch B: each Linear(C, OC)
// costs 2·B·C·OC forward and twice that backward (din and dw), minus din of the first layer.
double step_flops(int B) {
    const double H = 128, fwd = 2.0 * B * (2 * H + H * H + H * H + H * 2);
    const double bwd = 2 * fwd - 2.0 * B * 2 * H;
    return fwd + bwd;
}

// `chains` independent running vectors v = v * a + b, n times: multiply-adds with enough of them in
// flight to hide their latency. The vectors are locals of this function, so they live in registers.
// (Kept in an array captured by a lambda instead, each update would go through memory and the
// figure would be a fraction of the real peak.)
__attribute__((noinline)) float fma_chains(long n, float x) {
    typedef float V __attribute__((vector_size(ddpm::fast::kVecBytes)));
    constexpr int lanes = ddpm::fast::kVecBytes / 4, chains = 12;
    V acc[chains], a, b;
    for (int l = 0; l < lanes; ++l) {
        a[l] = 0.999f * x;
        b[l] = 0.001f;
    }
    for (V& v : acc) v = b;
    for (long i = 0; i < n; ++i)
#pragma GCC unroll 12
        for (int c = 0; c < chains; ++c) acc[c] = acc[c] * a + b;
    float sum = 0;
    for (V& v : acc) sum += v[0];
    return sum;
}

// One core's multiply-adds per second, from n steps of fma_chains (a round's: kRoundPeak, about a
// hundredth of a second).
constexpr long kRoundPeak = 5000000;

double peak_gflops(long n) {
    constexpr int lanes = ddpm::fast::kVecBytes / 4, chains = 12;
    float sink = 0;
    double s = seconds_of([&] { sink = fma_chains(n, 1.0f); });
    if (sink == 42) std::printf(" ");  // use the result
    return 2.0 * lanes * chains * n / s / 1e9;
}

// work (flop multiply-adds and adds) timed in kRounds rounds, each right after a measurement of
// the peak: the median of work's seconds and of its share of the peak measured beside it.
struct AgainstPeak {
    double seconds = 0, share = 0;
};

AgainstPeak against_peak(double flop, const std::function<void()>& work) {
    std::vector<double> seconds, shares;
    for (int r = 0; r < kRounds; ++r) {
        const double peak = peak_gflops(kRoundPeak);
        const double s = seconds_of(work);
        seconds.push_back(s);
        shares.push_back(flop / s / 1e9 / peak);
    }
    return {median(seconds), median(shares)};
}

// work timed on 1 thread and on 2, in turn, in kRounds rounds: the median seconds of each and the
// median round's speed-up. Each switch starts or stops the pool's worker, and the system takes a
// while to settle a new thread on the other core, so work runs once untimed after each switch.
struct OneTwo {
    double one = 0, two = 0, speedup = 0;
};

OneTwo one_and_two(const std::function<void()>& work) {
    std::vector<double> one, two, speedups;
    for (int r = 0; r < kRounds; ++r) {
        ddpm::set_num_threads(1);
        work();
        one.push_back(seconds_of(work));
        ddpm::set_num_threads(2);
        work();
        two.push_back(seconds_of(work));
        speedups.push_back(one.back() / two.back());
    }
    ddpm::set_num_threads(1);
    return {median(one), median(two), median(speedups)};
}

// The product the tiles are measured on, and their peers: kN x kN x kN, the notebook's width.
constexpr int kN = 128;
constexpr double kProductFlop = 2.0 * kN * kN * kN;

// A (kN, kN) with a share of its entries zero, as after a ReLU, and B (kN, kN), from one seed.
void product_operands(double zeros, ddpm::AlignedVector<float>* A, ddpm::AlignedVector<float>* B) {
    A->resize(kN * kN);
    B->resize(kN * kN);
    ddpm::Rng rng(9);
    for (float& x : *A) x = rng.uniform(0.0f, 1.0f) < zeros ? 0.0f : rng.normal();
    for (float& x : *B) x = rng.normal();
}

// Microseconds per call of run, one such product, after 200 calls untimed; with against, timed in
// rounds beside the peak (against_peak), whose figures it gets.
double product_time_us(const std::function<void()>& run, AgainstPeak* against) {
    for (int i = 0; i < 200; ++i) run();
    const int reps = against ? 500 : 4000;
    auto all = [&] {
        for (int i = 0; i < reps; ++i) run();
    };
    if (against) {
        *against = against_peak(kProductFlop * reps, all);
        return 1e6 * against->seconds / reps;
    }
    return 1e6 * seconds_of(all) / reps;
}

// A 128 x 128 x 128 product (gemm_acc's two paths) with a share of A's entries zero, as after a
// ReLU. Returns microseconds per product; with against, timed in rounds beside the peak
// (against_peak), whose figures it gets.
double product_us(bool skip, double zeros, AgainstPeak* against = nullptr) {
    ddpm::AlignedVector<float> A, B, C(kN * kN, 0.0f);
    product_operands(zeros, &A, &B);
    return product_time_us(
        [&] {
            if (skip)
                ddpm::fast::gemm_acc_skip_zeros(C.data(), A.data(), B.data(), kN, kN, kN);
            else
                ddpm::fast::gemm_acc_tiles(C.data(), A.data(), B.data(), kN, kN, kN);
        },
        against);
}

// Other libraries' products, the 128-wide product's peers (issue 33): each run computes C += A · B
// for row-major kN x kN floats, on one thread. oneDNN is loaded when bench runs, from Debian's
// libdnnl2 (which python3-torch brings); libxsmm is linked in from libxsmm-dev's static library
// when the build found it (the Makefile defines DDPM_BENCH_LIBXSMM). *missing gets the packages
// of those not found. A peer found but not measurable says why instead of running.
struct Peer {
    std::string name;
    std::function<void(float* C, const float* A, const float* B)> run;
    std::string why_not;
};

std::vector<Peer> peer_products(std::string* missing) {
    std::vector<Peer> peers;
    // oneDNN's C API (oneapi/dnnl/dnnl.h), declared here so that only its library is needed.
    using Sgemm = int (*)(char, char, int64_t, int64_t, int64_t, float, const float*, int64_t,
                          const float*, int64_t, float, float*, int64_t);
    struct DnnlVersion {
        int major, minor, patch;
        const char* hash;
        unsigned cpu_runtime, gpu_runtime;
    };
    constexpr unsigned kRuntimeSequential = 1, kRuntimeOpenMP = 2;
    if (void* dnnl = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL)) {
        const auto sgemm = reinterpret_cast<Sgemm>(dlsym(dnnl, "dnnl_sgemm"));
        const auto version =
            reinterpret_cast<const DnnlVersion* (*)()>(dlsym(dnnl, "dnnl_version"));
        const auto omp_threads =
            reinterpret_cast<void (*)(int)>(dlsym(dnnl, "omp_set_num_threads"));
        const DnnlVersion* v = version ? version() : nullptr;
        // One thread, as ours: its OpenMP threads set to one, or a build without threads.
        const bool one_thread = v && (v->cpu_runtime == kRuntimeSequential ||
                                      (v->cpu_runtime == kRuntimeOpenMP && omp_threads));
        const std::string name = v ? "oneDNN " + std::to_string(v->major) + "." +
                                         std::to_string(v->minor) + "'s dnnl_sgemm"
                                   : "oneDNN's dnnl_sgemm";
        if (sgemm && one_thread) {
            if (omp_threads) omp_threads(1);
            peers.push_back({name,
                             [sgemm](float* C, const float* A, const float* B) {
                                 sgemm('N', 'N', kN, kN, kN, 1.0f, A, kN, B, kN, 1.0f, C, kN);
                             },
                             ""});
        } else {
            peers.push_back({name, nullptr,
                             sgemm ? "this build of it cannot be kept to one thread"
                                   : "not found in libdnnl.so.2"});
        }
    } else {
        *missing += " libdnnl2";
    }
#if defined(DDPM_BENCH_LIBXSMM)
    libxsmm_init();
    const float alpha = 1, beta = 1;
    const int flags = LIBXSMM_GEMM_FLAG_NONE;
    // libxsmm's matrices are column-major: C += A · B row-major is Cᵀ += Bᵀ · Aᵀ there.
    if (const libxsmm_smmfunction kernel = libxsmm_smmdispatch(
            kN, kN, kN, nullptr, nullptr, nullptr, &alpha, &beta, &flags, nullptr))
        peers.push_back({"libxsmm " + std::to_string(LIBXSMM_VERSION_MAJOR) + "." +
                             std::to_string(LIBXSMM_VERSION_MINOR) + "'s JIT kernel",
                         [kernel](float* C, const float* A, const float* B) { kernel(B, A, C); },
                         ""});
    else
        peers.push_back({"libxsmm's JIT kernel", nullptr, "it made no kernel of this size"});
#else
    *missing += " libxsmm-dev";
#endif
    return peers;
}

// A peer's product on the tiles' operands, timed as product_us times the tiles. Returns
// microseconds, or 0 when its result is not the tiles' to float rounding (a library called wrongly
// measures nothing).
double peer_us(const Peer& peer, AgainstPeak* against) {
    ddpm::AlignedVector<float> A, B, C(kN * kN, 0.0f), tiles(kN * kN, 0.0f);
    product_operands(0.0, &A, &B);
    peer.run(C.data(), A.data(), B.data());
    ddpm::fast::gemm_acc_tiles(tiles.data(), A.data(), B.data(), kN, kN, kN);
    for (int i = 0; i < kN * kN; ++i)
        if (!(std::fabs(C[i] - tiles[i]) <= 1e-4f * (1 + std::fabs(tiles[i])))) return 0;
    return product_time_us([&] { peer.run(C.data(), A.data(), B.data()); }, against);
}

// bench --peers: the peers' 128-wide products, each beside the peak as the tiles' is, and the
// packages that would add the missing ones.
void print_peers() {
    std::string missing;
    for (const Peer& peer : peer_products(&missing)) {
        AgainstPeak theirs;
        if (!peer.why_not.empty())
            std::printf("  %s: %s, so no figure\n", peer.name.c_str(), peer.why_not.c_str());
        else if (const double us = peer_us(peer, &theirs))
            std::printf("  %s, 1 thread: %.1f us (%.0f GFLOP/s, %.1f%% of peak)\n",
                        peer.name.c_str(), us, kProductFlop / us / 1e3, 100 * theirs.share);
        else
            std::printf("  %s: its result differs from the tiles', so no figure\n",
                        peer.name.c_str());
    }
    if (!missing.empty())
        std::printf("  (apt-get install%s adds %s of the same size)\n", missing.c_str(),
                    missing.find(' ', 1) == std::string::npos ? "its product" : "their products");
}

// Runs this program again with one argument, and waits for it; its output goes where ours does,
// and a line says so if it could not run or did not finish (a library that crashed in it, say).
void run_self(const char* argument) {
    char self[4096];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        std::printf("  (bench %s did not run: this system has no /proc/self/exe)\n", argument);
        return;
    }
    self[len] = '\0';
    char* const args[] = {self, const_cast<char*>(argument), nullptr};
    std::fflush(stdout);
    pid_t pid = 0;
    int status = 0;
    if (posix_spawn(&pid, self, nullptr, nullptr, args, environ) != 0 ||
        waitpid(pid, &status, 0) != pid) {
        std::printf("  (bench %s did not run)\n", argument);
        return;
    }
    if (WIFSIGNALED(status))
        std::printf("  (bench %s stopped on signal %d)\n", argument, WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        std::printf("  (bench %s failed with status %d)\n", argument, WEXITSTATUS(status));
}

// A fresh model's training step, in milliseconds; with against, timed in rounds beside the peak
// (against_peak), whose figures it gets.
double train_step_ms(int threads, ddpm::Tensor& batch, AgainstPeak* against = nullptr) {
    ddpm::set_num_threads(threads);
    ddpm::TrainConfig cfg;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 1);
    for (int i = 0; i < 100; ++i) tr.step(batch.data(), 128);
    const int steps = against ? 300 : 3000;
    auto all = [&] {
        for (int i = 0; i < steps; ++i) tr.step(batch.data(), 128);
    };
    if (against) {
        *against = against_peak(step_flops(128) * steps, all);
        return 1e3 * against->seconds / steps;
    }
    return 1e3 * seconds_of(all) / steps;
}

double sample_seconds(int threads) {
    ddpm::set_num_threads(threads);
    ddpm::MLPDiffusion model;
    ddpm::Rng rng(5);
    model.init(rng);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::p_sample_loop(model, 1000, sched, rng);  // warm up
    return seconds_of([&] { ddpm::p_sample_loop(model, 10000, sched, rng); });
}

// Renders and encodes `frames` frames of 10,000 points at 480 x 360 (the forward process of the
// S-curve, one q_x per frame, made when needed). Returns seconds; the GIF's size in *bytes.
double gif_run(int frames, const std::string& path, size_t* bytes) {
    ddpm::Tensor data = ddpm::make_dataset("s_curve", 10000, 3);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(frames);
    ddpm::Rng rng(4);
    ddpm::AnimationStyle style;  // 480 x 360, fixed limits from the noisiest frame
    style.limits = ddpm::limits_of(ddpm::q_x(data, frames - 1, sched, rng));
    double s = seconds_of([&] {
        ddpm::write_animation(
            frames, [&](int i) { return ddpm::q_x(data, i, sched, rng); },
            [](int i) { return "q(x_{" + std::to_string(i + 1) + "} | x_0)"; }, style, path);
    });
    *bytes = ddpm::read_file(path).size();
    std::remove(path.c_str());
    return s;
}

// `python3 tools/bench_torch.py` when torch is installed: its "torch_<name> <value>" lines.
std::map<std::string, std::string> torch_figures() {
    std::map<std::string, std::string> out;
    // The first python3 that can import torch (Debian's package is for /usr/bin/python3).
    std::FILE* p = popen(
        "for py in python3 /usr/bin/python3; do $py -c 'import torch' 2>/dev/null && "
        "exec $py tools/bench_torch.py 1 2>/dev/null; done",
        "r");
    if (!p) return out;
    char key[64], value[128];
    while (std::fscanf(p, "%63s %127[^\n]", key, value) == 2) out[key] = value;
    pclose(p);
    return out;
}

// PyTorch's figure `name` (0 when torch is not installed).
double torch_figure(const std::map<std::string, std::string>& torch, const std::string& name) {
    const auto it = torch.find(name);
    return it == torch.end() ? 0.0 : std::atof(it->second.c_str());
}

// A run's first figure: how fast one core can multiply-add at all (the median of kRounds
// measurements). The goals below compare with the peak measured beside each of their rounds.
double print_peak() {
    std::vector<double> peaks;
    for (int r = 0; r < kRounds; ++r) peaks.push_back(peak_gflops(2 * kRoundPeak));
    const double peak = median(peaks);
    std::printf(
        "one core's peak (vector multiply-adds): %.0f GFLOP/s (%.0f to %.0f in %d rounds)\n", peak,
        *std::min_element(peaks.begin(), peaks.end()),
        *std::max_element(peaks.begin(), peaks.end()), kRounds);
    std::printf("  so a step's %.1f MFLOP take at least %.3f ms on one core, done densely\n",
                step_flops(128) / 1e6, step_flops(128) / peak / 1e6);
    std::printf(
        "  (a figure against the peak or against 1 thread: the median of %d rounds, each "
        "measuring both sides in turn)\n\n",
        kRounds);
    return peak;
}

// gemm_acc picks its path by the share of zeros in A (fast/gemm.cpp): these are the figures.
void print_products(const std::map<std::string, std::string>& torch) {
    AgainstPeak paired;
    const double tiles = product_us(false, 0.0, &paired);
    std::printf(
        "a 128 x 128 x 128 product, 1 thread: register tiles %.1f us (%.0f GFLOP/s, %.1f%% of "
        "peak; goal >= 90%%: %s)\n",
        tiles, kProductFlop / tiles / 1e3, 100 * paired.share, verdict(paired.share >= 0.9));
    if (const double t_us = torch_figure(torch, "torch_mm128_us"))
        std::printf("  PyTorch's torch.mm of the same size: %.1f us (%.0f GFLOP/s)\n", t_us,
                    kProductFlop / t_us / 1e3);
    // The other libraries' products, from this program run again (bench --peers): loaded there,
    // their libraries add nothing to the memory this run reports below.
    run_self("--peers");
    std::printf("  skipping the zeros of A:");
    for (double zeros : {0.0, 0.5, 0.6, 0.9, 0.98})
        std::printf("%s %.0f%% zeros %.1f us", zeros > 0 ? "," : "", 100 * zeros,
                    product_us(true, zeros));
    std::printf("\n\n");
}

void print_gif() {
    size_t bytes = 0;
    double g50 = gif_run(50, "/tmp/ddpm-bench-50.gif", &bytes);
    long rss50 = peak_rss_kb();
    double g200 = gif_run(200, "/tmp/ddpm-bench-200.gif", &bytes);
    long rss200 = peak_rss_kb();
    std::printf(
        "GIF, 10,000 points at 480x360: 200 frames in %.2f s (%.1f ms a frame), %.0f KB;\n"
        "  peak memory %ld MB after 50 frames (%.2f s), %ld MB after 200\n\n",
        g200, 1e3 * g200 / 200, bytes / 1024.0, rss50 / 1024, g50, rss200 / 1024);
}

// A freshly initialised model: about half of its activations are zero, fewer than later. Also
// the plain loops of lib/nn/layers.cpp alone (the fast tier switched off), the reference the fast
// tier is tested against.
void print_fresh_model(ddpm::Tensor& batch, const std::map<std::string, std::string>& torch) {
    double step_ms = 0, sample_s = 0;  // on 1 thread
    AgainstPeak paired;                // the step on 1 thread
    std::printf("a fresh model (its first steps):\n");
    for (int threads : {1, 2}) {
        const double ms = train_step_ms(threads, batch, threads == 1 ? &paired : nullptr);
        const double s = sample_seconds(threads);
        if (threads == 1) {
            step_ms = ms;
            sample_s = s;
        }
        std::printf(
            "  %d thread%s: training step %.3f ms = %.0f steps/s = %.1f GFLOP/s; "
            "p_sample_loop 10,000 x 100: %.2f s\n",
            threads, threads > 1 ? "s" : " ", ms, 1e3 / ms, step_flops(128) / ms / 1e6, s);
    }
    // The goal: within 15% of the step done densely at the peak, the peak measured beside each
    // round (share: the dense limit over the step). goal_ms: the limit + 15% at the median
    // round's.
    const double goal_ms = 1.15 * step_ms * paired.share;
    std::printf(
        "  the step on 1 thread: %.2fx the dense limit at the peak beside it; goal <= 1.15x, "
        "here %.3f ms: %s\n",
        1 / paired.share, goal_ms, verdict(paired.share >= 1 / 1.15));
    if (const double t_ms = torch_figure(torch, "torch_step_ms"))
        std::printf(
            "  PyTorch, 1 thread: training step %.3f ms, p_sample_loop (no autograd) %.2f s; this "
            "course %.1fx and %.1fx faster\n",
            t_ms, torch_figure(torch, "torch_sample_s"), t_ms / step_ms,
            torch_figure(torch, "torch_sample_s") / sample_s);
    std::printf(
        "  (a batch of 128 trains on one core whatever the threads: below kMinParallelWork, "
        "moving its data\n   between cores costs more than it saves; docs/architecture.md)\n");
    ddpm::fast::set_enabled(false);
    const double plain_ms = train_step_ms(1, batch);
    ddpm::fast::set_enabled(true);
    std::printf(
        "  the plain layers alone (fast tier off), 1 thread: training step %.3f ms, %.1fx "
        "the fast tier's\n",
        plain_ms, plain_ms / step_ms);
}

struct FullRun {
    double seconds = 0, steps = 0;
    double step_ms() const { return 1e3 * seconds / steps; }
};

// The notebook's whole run: 4000 epochs over 10,000 points, and every 100 epochs a sampling of
// 10,000 points with its 10 panels drawn (not written). As ddpm train --sample-every does: each
// sampling on a second thread, from a copy of the model, while training goes on
// (fast/background.h). Training and sampling are timed apart: as the model learns, more of its
// activations are zero and both get faster.
void print_full_run(const std::map<std::string, std::string>& torch) {
    ddpm::set_num_threads(0);
    ddpm::TrainConfig cfg;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 1234);
    ddpm::Tensor data = ddpm::make_dataset("s_curve", 10000, 1234);
    ddpm::Rng sample_rng(7);
    std::map<int, long> rss_at;  // memory in use at epochs 100, 1000, 2000, 3000 and 4000
    std::printf("\nthe notebook's full run (4000 epochs, 40 samplings), %d threads: ",
                ddpm::num_threads());
    std::fflush(stdout);
    double sampling = 0;
    ddpm::Background background;
    FullRun run;
    run.seconds = seconds_of([&] {
        tr.train(data, [&](const ddpm::EpochReport& r) {
            if (r.epoch == 100 || r.epoch % 1000 == 0) rss_at[r.epoch] = rss_kb();
            if (r.epoch % 100 == 0)
                background.run([model = tr.model, &tr, &sample_rng, &sampling] {
                    sampling += seconds_of([&] {
                        ddpm::reverse_panels(
                            ddpm::p_sample_loop(model, 10000, tr.sched, sample_rng));
                    });
                });
            return true;
        });
        background.wait();
    });
    run.steps = static_cast<double>(tr.adam.t);
    std::printf("%.0f s (goal <= 35 s: %s)\n  memory in use (MB) at epoch", run.seconds,
                verdict(run.seconds <= 35));
    for (const auto& [epoch, kb] : rss_at) std::printf(" %d: %.1f", epoch, kb / 1024.0);
    std::printf("\n");
    std::printf(
        "  %.0f steps: %.3f ms = %.0f steps/s on average; the 40 samplings, on the second "
        "core meanwhile, %.0f s (%.2f s each)\n",
        run.steps, run.step_ms(), run.steps / run.seconds, sampling, sampling / 40);
    if (const double t_ms = torch_figure(torch, "torch_step_ms"))
        std::printf(
            "  PyTorch's step costs the same whatever the activations: %.3f ms, %.1fx our "
            "average\n",
            t_ms, t_ms / run.step_ms());
    for (int threads : {1, 2}) {  // the median of three samplings
        ddpm::set_num_threads(threads);
        std::vector<double> runs;
        for (int r = 0; r < 3; ++r)
            runs.push_back(
                seconds_of([&] { ddpm::p_sample_loop(tr.model, 10000, tr.sched, sample_rng); }));
        const double s = median(runs), goal = threads == 1 ? 0.25 : 0.15;
        std::printf(
            "  the trained model's p_sample_loop 10,000 x 100, %d thread%s: %.3f s, the median of "
            "3 (goal <= %.2f s: %s)\n",
            threads, threads > 1 ? "s" : " ", s, goal, verdict(s <= goal));
    }
}

// Lesson 15's picture model (ddpm train --dataset fashion_mnist): 196 -> 512 -> 512 -> 512 -> 196,
// a layer norm before each ReLU, the skip, 10 classes. Its step's products, counted as
// multiply-adds: forward, and backward's two products a layer but none for the input's gradient.
double picture_step_flops(int B, int D, int H, int depth) {
    const double products = D * H + (depth - 1.0) * H * H + H * D + D * D;  // a sample's
    const double no_input_gradient = D * H + D * D;
    return 2.0 * B * (3 * products - no_input_gradient);
}

// Lesson 15's picture model, a fresh one, warmed up with 20 steps on the threads set now: a
// function that trains it `steps` more steps on the same batch of 128.
std::function<void()> picture_steps(int steps) {
    ddpm::ModelConfig mc;
    mc.dim = 196;
    mc.hidden = 512;
    mc.num_classes = 10;
    mc.norm = true;
    mc.skip = true;
    struct Run {
        ddpm::Trainer tr;
        ddpm::Tensor batch;
        std::vector<int> labels;
    };
    auto run = std::make_shared<Run>(
        Run{ddpm::Trainer(mc, ddpm::TrainConfig{}, ddpm::Schedule::linear_scaled(100), 1),
            ddpm::Tensor({128, 196}), std::vector<int>(128)});
    ddpm::Rng rng(2);
    for (size_t i = 0; i < run->batch.size(); ++i)
        run->batch[i] = static_cast<float>(2 * rng.uniform() - 1);
    for (int i = 0; i < 128; ++i) run->labels[i] = i % 10;
    for (int i = 0; i < 20; ++i) run->tr.step(run->batch.data(), run->labels.data(), 128);
    return [run, steps] {
        for (int i = 0; i < steps; ++i) run->tr.step(run->batch.data(), run->labels.data(), 128);
    };
}

double picture_step_ms(int threads) {
    ddpm::set_num_threads(threads);
    const int steps = 200;
    return 1e3 * seconds_of(picture_steps(steps)) / steps;
}

// The wide layers alone: the picture model's four Linears (196 -> 512 -> 512 -> 512 -> 196) at
// batch 128, forward and backward (the weights' gradients, and the inputs' but the first's), as
// the layers of nn/layers.h run them: no norm, ReLU, loss or optimiser. Dense inputs, so the
// register tiles. A function that runs them `reps` times, warmed up; *flop gets a pass's work.
// The arrays are 64-byte aligned, as the model's parameters and activations are (AlignedVector):
// from malloc's 16-byte alignment most vector loads and stores of the rows straddle two cache
// lines, and the same layers ran 3% slower.
std::function<void()> wide_layers(int reps, double* flop) {
    const int B = 128, widths[] = {196, 512, 512, 512, 196}, L = 4;
    struct Arrays {  // each layer's input (and gradient), weight, bias and their gradients
        std::vector<ddpm::AlignedVector<float>> h, dh, w, b, dw, db;
    };
    auto m = std::make_shared<Arrays>();
    m->h.resize(L + 1);
    m->dh.resize(L + 1);
    m->w.resize(L);
    m->b.resize(L);
    m->dw.resize(L);
    m->db.resize(L);
    ddpm::Rng rng(3);
    *flop = 0;
    for (int k = 0; k <= L; ++k) {
        m->h[k].resize(static_cast<size_t>(B) * widths[k]);
        m->dh[k].resize(m->h[k].size());
        for (float& v : m->h[k]) v = rng.normal();
        for (float& v : m->dh[k]) v = rng.normal();
    }
    for (int k = 0; k < L; ++k) {
        const int in = widths[k], out = widths[k + 1];
        m->w[k].resize(static_cast<size_t>(in) * out);
        for (float& v : m->w[k]) v = 0.05f * rng.normal();
        m->b[k].assign(out, 0.0f);
        m->dw[k].assign(m->w[k].size(), 0.0f);
        m->db[k].assign(out, 0.0f);
        *flop += 2.0 * B * in * out * (k == 0 ? 2 : 3);  // forward, dw, and din after the first
    }
    auto pass = [m, widths] {
        for (int k = 0; k < L; ++k)
            ddpm::linear_forward(m->h[k + 1].data(), m->h[k].data(), m->w[k].data(), m->b[k].data(),
                                 B, widths[k], widths[k + 1]);
        for (int k = L - 1; k >= 0; --k)
            ddpm::linear_backward(k > 0 ? m->dh[k].data() : nullptr, m->dw[k].data(),
                                  m->db[k].data(), m->dh[k + 1].data(), m->h[k].data(),
                                  m->w[k].data(), B, widths[k], widths[k + 1]);
    };
    for (int i = 0; i < 20; ++i) pass();
    return [pass, reps] {
        for (int i = 0; i < reps; ++i) pass();
    };
}

void print_picture_step(double peak, const std::map<std::string, std::string>& torch) {
    const double flop = picture_step_flops(128, 196, 512, 3);
    std::printf(
        "\nlesson 15's picture model (196 -> 3 x 512, layer norm, skip, 10 classes; %.0f MFLOP a "
        "step of 128):\n",
        flop / 1e6);
    const int steps = 20;
    ddpm::set_num_threads(1);
    const OneTwo pic = one_and_two(picture_steps(steps));
    const double ms[3] = {0, 1e3 * pic.one / steps, 1e3 * pic.two / steps};
    for (int threads : {1, 2})
        std::printf(
            "  %d thread%s: training step %.2f ms = %.0f steps/s = %.1f GFLOP/s (%.0f%% "
            "of one core's peak)\n",
            threads, threads > 1 ? "s" : " ", ms[threads], 1e3 / ms[threads],
            flop / ms[threads] / 1e6, 100 * flop / ms[threads] / 1e6 / peak);
    std::printf("  2 threads: %.3fx 1 thread's speed (goal >= 1.7x: %s)\n", pic.speedup,
                verdict(pic.speedup >= 1.7));
    const double t_ms = torch_figure(torch, "torch_picture_step_ms");
    if (t_ms > 0)
        std::printf(
            "  PyTorch, the same model, 1 thread: %.2f ms = %.1f GFLOP/s; this course %.2fx "
            "PyTorch's speed\n",
            t_ms, flop / t_ms / 1e6, t_ms / ms[1]);
    // Its products alone: how near the peak the wide layers themselves run.
    double wide_flop = 0;
    const int reps = 30;
    const std::function<void()> wide = wide_layers(reps, &wide_flop);
    const AgainstPeak paired = against_peak(wide_flop * reps, wide);
    const OneTwo threads = one_and_two(wide);
    const double wide_ms = 1e3 * paired.seconds / reps;
    std::printf(
        "  its four Linears alone, forward and backward (%.0f MFLOP): 1 thread %.2f ms = %.0f "
        "GFLOP/s, %.1f%% of peak (goal >= 85%%: %s)\n",
        wide_flop / 1e6, wide_ms, wide_flop / wide_ms / 1e6, 100 * paired.share,
        verdict(paired.share >= 0.85));
    std::printf("    2 threads %.2f ms, %.3fx 1 thread's speed (goal >= 1.7x: %s)\n",
                1e3 * threads.two / reps, threads.speedup, verdict(threads.speedup >= 1.7));
    if (const double t_wide = torch_figure(torch, "torch_wide_ms"))
        std::printf("    PyTorch, the same Linears, 1 thread: %.2f ms = %.0f GFLOP/s\n", t_wide,
                    wide_flop / t_wide / 1e6);
}

// The portable builds (make bench builds them with NATIVE=0): each runs `--steps` and prints its
// two steps, beside this build's. The goal: within 2x of this build's.
void print_portable(const std::vector<std::string>& benches, ddpm::Tensor& batch) {
    if (benches.empty()) return;
    std::printf(
        "\nportable builds (NATIVE=0), the same steps on 1 thread (the median of 3 rounds, each "
        "running this build's steps and then theirs):\n");
    for (const std::string& path : benches) {
        std::vector<double> ours[2], theirs[2], ratios[2];
        int vec = 0;
        for (int r = 0; r < 3; ++r) {
            const double step = train_step_ms(1, batch), picture = picture_step_ms(1);
            std::FILE* p = popen((path + " --steps").c_str(), "r");
            double s = 0, pic = 0;
            const bool read = p && std::fscanf(p, "steps %d %lf %lf", &vec, &s, &pic) == 3;
            if (p) pclose(p);
            if (!read) break;
            ours[0].push_back(step);
            ours[1].push_back(picture);
            theirs[0].push_back(s);
            theirs[1].push_back(pic);
            ratios[0].push_back(s / step);
            ratios[1].push_back(pic / picture);
        }
        if (ratios[0].size() < 3) {
            std::printf("  %s: did not run\n", path.c_str());
            continue;
        }
        const double step = median(ratios[0]), picture = median(ratios[1]);
        std::printf("  this build (%d-byte vectors): %.3f ms, picture model %.2f ms\n",
                    ddpm::fast::vector_bytes(), median(ours[0]), median(ours[1]));
        std::printf(
            "  %s (%d-byte vectors): %.3f ms (%.3fx ours), picture model %.2f ms (%.3fx); goal "
            "within 2x: %s\n",
            path.c_str(), vec, median(theirs[0]), step, median(theirs[1]), picture,
            verdict(step <= 2 && picture <= 2));
    }
}

}  // namespace

int main(int argc, char** argv) {
    ddpm::set_flush_denormals(true);  // as ddpm and the lessons run
    ddpm::Tensor batch = ddpm::make_dataset("s_curve", 128, 1);
    if (argc == 2 && std::string(argv[1]) == "--steps") {
        const double step = train_step_ms(1, batch), picture = picture_step_ms(1);
        std::printf("steps %d %.4f %.4f\n", ddpm::fast::vector_bytes(), step, picture);
        return 0;
    }
    if (argc == 2 && std::string(argv[1]) == "--peers") {
        print_peers();
        return 0;
    }
    if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::printf(
            "usage: bench [PORTABLE_BENCH ...]  every figure, then each portable build's steps\n"
            "       bench --steps               the two training steps on 1 thread\n"
            "       bench --peers               oneDNN's and libxsmm's 128-wide products, where "
            "installed\n");
        return 0;
    }
    // Each argument is another build's bench, run with --steps at the end: check them first, so
    // a mistyped path stops here and not after all the figures.
    const std::vector<std::string> portable(argv + 1, argv + argc);
    for (const std::string& path : portable)
        if (path.empty() || path[0] == '-' || access(path.c_str(), X_OK) != 0) {
            std::fprintf(stderr,
                         "bench: %s is not a program to run; the arguments are other builds' "
                         "bench (make bench passes build/portable/bench), or --steps\n",
                         path.c_str());
            return 2;
        }
    std::printf(
        "ddpm-from-scratch benchmark (batch 128, the notebook's model: %.1f MFLOP a step)\n",
        step_flops(128) / 1e6);
    std::printf("on %s, %u threads\n\n", processor_name().c_str(),
                std::thread::hardware_concurrency());
    std::map<std::string, std::string> torch = torch_figures();  // first, on a quiet machine
    const double peak = print_peak();
    print_products(torch);
    print_gif();
    print_fresh_model(batch, torch);
    print_picture_step(peak, torch);
    print_full_run(torch);
    if (torch.empty())
        std::printf(
            "\n(PyTorch not installed: apt-get install python3-torch libopenblas0 adds its "
            "figures)\n");
    else
        std::printf("\nPyTorch: %s on %s, 1 thread\n", torch["torch_version"].c_str(),
                    torch["torch_blas"].c_str());
    print_portable(portable, batch);
    return 0;
}
