// make bench: speed figures. Tests never assert timings; this prints them so a change can be
// measured before and after, on the same machine, in one run, each beside its goal (issue 33's)
// and PyTorch's figure for the same work when torch is installed. About five minutes.
//
//   bench [PORTABLE_BENCH ...]   every figure; then each portable build's steps beside ours
//   bench --steps                only the two training steps on 1 thread (what the portable
//                                builds report: make bench builds them with NATIVE=0)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>
#include <sys/resource.h>
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

namespace {

double seconds_of(const std::function<void()>& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

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

double peak_gflops() {
    constexpr int lanes = ddpm::fast::kVecBytes / 4, chains = 12;
    const long n = 50000000;
    float sink = 0;
    double s = seconds_of([&] { sink = fma_chains(n, 1.0f); });
    if (sink == 42) std::printf(" ");  // use the result
    return 2.0 * lanes * chains * n / s / 1e9;
}

// A 128 x 128 x 128 product (gemm_acc's two paths) with a share of A's entries zero, as after a
// ReLU. Returns microseconds per product.
double product_us(bool skip, double zeros) {
    const int n = 128;
    ddpm::AlignedVector<float> A(n * n), B(n * n), C(n * n, 0.0f);
    ddpm::Rng rng(9);
    for (float& x : A) x = rng.uniform(0.0f, 1.0f) < zeros ? 0.0f : rng.normal();
    for (float& x : B) x = rng.normal();
    auto run = [&] {
        if (skip)
            ddpm::fast::gemm_acc_skip_zeros(C.data(), A.data(), B.data(), n, n, n);
        else
            ddpm::fast::gemm_acc_tiles(C.data(), A.data(), B.data(), n, n, n);
    };
    for (int i = 0; i < 200; ++i) run();
    const int reps = 4000;
    return 1e6 * seconds_of([&] {
               for (int i = 0; i < reps; ++i) run();
           }) /
           reps;
}

double train_step_ms(int threads, ddpm::Tensor& batch) {
    ddpm::set_num_threads(threads);
    ddpm::TrainConfig cfg;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 1);
    for (int i = 0; i < 100; ++i) tr.step(batch.data(), 128);
    const int steps = 3000;
    return 1e3 * seconds_of([&] {
               for (int i = 0; i < steps; ++i) tr.step(batch.data(), 128);
           }) /
           steps;
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

// A run's first figure: how fast one core can multiply-add at all.
double print_peak() {
    const double peak = peak_gflops();
    std::printf("one core's peak (vector multiply-adds): %.0f GFLOP/s\n", peak);
    std::printf("  so a step's %.1f MFLOP take at least %.3f ms on one core, done densely\n\n",
                step_flops(128) / 1e6, step_flops(128) / peak / 1e6);
    return peak;
}

// gemm_acc picks its path by the share of zeros in A (fast/gemm.cpp): these are the figures.
void print_products(double peak, const std::map<std::string, std::string>& torch) {
    const double tiles = product_us(false, 0.0), flop = 2.0 * 128 * 128 * 128;
    const double share = flop / tiles / 1e3 / peak;
    std::printf(
        "a 128 x 128 x 128 product, 1 thread: register tiles %.1f us (%.0f GFLOP/s, %.1f%% of "
        "peak; goal >= 90%%: %s)\n",
        tiles, flop / tiles / 1e3, 100 * share, verdict(share >= 0.9));
    if (const double t_us = torch_figure(torch, "torch_mm128_us"))
        std::printf("  PyTorch's torch.mm of the same size: %.1f us (%.0f GFLOP/s)\n", t_us,
                    flop / t_us / 1e3);
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

struct FreshModel {
    double step_ms = 0, sample_s = 0;  // on 1 thread
};

// A freshly initialised model: about half of its activations are zero, fewer than later. Also
// the plain loops of lib/nn/layers.cpp alone (the fast tier switched off), the reference the fast
// tier is tested against.
FreshModel print_fresh_model(ddpm::Tensor& batch, double peak,
                             const std::map<std::string, std::string>& torch) {
    FreshModel one;
    std::printf("a fresh model (its first steps):\n");
    for (int threads : {1, 2}) {
        const double ms = train_step_ms(threads, batch), s = sample_seconds(threads);
        if (threads == 1) one = {ms, s};
        std::printf(
            "  %d thread%s: training step %.3f ms = %.0f steps/s = %.1f GFLOP/s; "
            "p_sample_loop 10,000 x 100: %.2f s\n",
            threads, threads > 1 ? "s" : " ", ms, 1e3 / ms, step_flops(128) / ms / 1e6, s);
    }
    // The goal: within 15% of the step done densely at this run's peak.
    const double goal_ms = 1.15 * step_flops(128) / peak / 1e6;
    std::printf("  the step on 1 thread, goal <= %.3f ms (the dense limit + 15%%): %s\n", goal_ms,
                verdict(one.step_ms <= goal_ms));
    if (const double t_ms = torch_figure(torch, "torch_step_ms"))
        std::printf(
            "  PyTorch, 1 thread: training step %.3f ms, p_sample_loop (no autograd) %.2f s; this "
            "course %.1fx and %.1fx faster\n",
            t_ms, torch_figure(torch, "torch_sample_s"), t_ms / one.step_ms,
            torch_figure(torch, "torch_sample_s") / one.sample_s);
    std::printf(
        "  (a batch of 128 trains on one core whatever the threads: below kMinParallelWork, "
        "moving its data\n   between cores costs more than it saves; docs/architecture.md)\n");
    ddpm::fast::set_enabled(false);
    const double plain_ms = train_step_ms(1, batch);
    ddpm::fast::set_enabled(true);
    std::printf(
        "  the plain layers alone (fast tier off), 1 thread: training step %.3f ms, %.1fx "
        "the fast tier's\n",
        plain_ms, plain_ms / one.step_ms);
    return one;
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
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        double s = seconds_of([&] { ddpm::p_sample_loop(tr.model, 10000, tr.sched, sample_rng); });
        const double goal = threads == 1 ? 0.25 : 0.15;
        std::printf(
            "  the trained model's p_sample_loop 10,000 x 100, %d thread%s: %.3f s (goal <= "
            "%.2f s: %s)\n",
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

double picture_step_ms(int threads) {
    ddpm::set_num_threads(threads);
    ddpm::ModelConfig mc;
    mc.dim = 196;
    mc.hidden = 512;
    mc.num_classes = 10;
    mc.norm = true;
    mc.skip = true;
    ddpm::Trainer tr(mc, ddpm::TrainConfig{}, ddpm::Schedule::linear_scaled(100), 1);
    ddpm::Tensor batch({128, 196});
    ddpm::Rng rng(2);
    for (size_t i = 0; i < batch.size(); ++i) batch[i] = static_cast<float>(2 * rng.uniform() - 1);
    std::vector<int> labels(128);
    for (int i = 0; i < 128; ++i) labels[i] = i % 10;
    for (int i = 0; i < 20; ++i) tr.step(batch.data(), labels.data(), 128);
    const int steps = 200;
    return 1e3 * seconds_of([&] {
               for (int i = 0; i < steps; ++i) tr.step(batch.data(), labels.data(), 128);
           }) /
           steps;
}

// The wide layers alone: the picture model's four Linears (196 -> 512 -> 512 -> 512 -> 196) at
// batch 128, forward and backward (the weights' gradients, and the inputs' but the first's), as
// the layers of nn/layers.h run them: no norm, ReLU, loss or optimiser. Dense inputs, so the
// register tiles. Returns milliseconds per forward and backward; *flop gets their work.
double wide_layers_ms(int threads, double* flop) {
    ddpm::set_num_threads(threads);
    const int B = 128, widths[] = {196, 512, 512, 512, 196}, L = 4;
    ddpm::Rng rng(3);
    std::vector<std::vector<float>> h(L + 1), dh(L + 1), w(L), b(L), dw(L), db(L);
    *flop = 0;
    for (int k = 0; k <= L; ++k) {
        h[k].resize(static_cast<size_t>(B) * widths[k]);
        dh[k].resize(h[k].size());
        for (float& v : h[k]) v = rng.normal();
        for (float& v : dh[k]) v = rng.normal();
    }
    for (int k = 0; k < L; ++k) {
        const int in = widths[k], out = widths[k + 1];
        w[k].resize(static_cast<size_t>(in) * out);
        for (float& v : w[k]) v = 0.05f * rng.normal();
        b[k].assign(out, 0.0f);
        dw[k].assign(w[k].size(), 0.0f);
        db[k].assign(out, 0.0f);
        *flop += 2.0 * B * in * out * (k == 0 ? 2 : 3);  // forward, dw, and din after the first
    }
    auto pass = [&] {
        for (int k = 0; k < L; ++k)
            ddpm::linear_forward(h[k + 1].data(), h[k].data(), w[k].data(), b[k].data(), B,
                                 widths[k], widths[k + 1]);
        for (int k = L - 1; k >= 0; --k)
            ddpm::linear_backward(k > 0 ? dh[k].data() : nullptr, dw[k].data(), db[k].data(),
                                  dh[k + 1].data(), h[k].data(), w[k].data(), B, widths[k],
                                  widths[k + 1]);
    };
    for (int i = 0; i < 20; ++i) pass();
    const int reps = 300;
    return 1e3 * seconds_of([&] {
               for (int i = 0; i < reps; ++i) pass();
           }) /
           reps;
}

double print_picture_step(double peak, const std::map<std::string, std::string>& torch) {
    const double flop = picture_step_flops(128, 196, 512, 3);
    std::printf(
        "\nlesson 15's picture model (196 -> 3 x 512, layer norm, skip, 10 classes; %.0f MFLOP a "
        "step of 128):\n",
        flop / 1e6);
    double ms[3] = {};
    for (int threads : {1, 2}) {
        ms[threads] = picture_step_ms(threads);
        std::printf(
            "  %d thread%s: training step %.2f ms = %.0f steps/s = %.1f GFLOP/s (%.0f%% "
            "of one core's peak)\n",
            threads, threads > 1 ? "s" : " ", ms[threads], 1e3 / ms[threads],
            flop / ms[threads] / 1e6, 100 * flop / ms[threads] / 1e6 / peak);
    }
    std::printf("  2 threads: %.3fx 1 thread's speed (goal >= 1.7x: %s)\n", ms[1] / ms[2],
                verdict(ms[1] / ms[2] >= 1.7));
    const double t_ms = torch_figure(torch, "torch_picture_step_ms");
    if (t_ms > 0)
        std::printf(
            "  PyTorch, the same model, 1 thread: %.2f ms = %.1f GFLOP/s; this course %.2fx "
            "PyTorch's speed\n",
            t_ms, flop / t_ms / 1e6, t_ms / ms[1]);
    // Its products alone: how near the peak the wide layers themselves run.
    double wide_flop = 0, wide[3] = {};
    for (int threads : {1, 2}) wide[threads] = wide_layers_ms(threads, &wide_flop);
    const double share = wide_flop / wide[1] / 1e6 / peak;
    std::printf(
        "  its four Linears alone, forward and backward (%.0f MFLOP): 1 thread %.2f ms = %.0f "
        "GFLOP/s, %.1f%% of peak (goal >= 85%%: %s)\n",
        wide_flop / 1e6, wide[1], wide_flop / wide[1] / 1e6, 100 * share, verdict(share >= 0.85));
    std::printf("    2 threads %.2f ms, %.3fx 1 thread's speed (goal >= 1.7x: %s)\n", wide[2],
                wide[1] / wide[2], verdict(wide[1] / wide[2] >= 1.7));
    if (const double t_wide = torch_figure(torch, "torch_wide_ms"))
        std::printf("    PyTorch, the same Linears, 1 thread: %.2f ms = %.0f GFLOP/s\n", t_wide,
                    wide_flop / t_wide / 1e6);
    return ms[1];
}

// The portable builds (make bench builds them with NATIVE=0): each runs `--steps` and prints its
// two steps, beside this build's. The goal: within 2x of this build's.
void print_portable(const std::vector<std::string>& benches, double step_ms, double picture_ms) {
    if (benches.empty()) return;
    std::printf("\nportable builds (NATIVE=0), the same steps on 1 thread:\n");
    std::printf("  this build (%d-byte vectors): %.3f ms, picture model %.2f ms\n",
                ddpm::fast::vector_bytes(), step_ms, picture_ms);
    for (const std::string& path : benches) {
        std::FILE* p = popen((path + " --steps").c_str(), "r");
        double s = 0, pic = 0;
        int vec = 0;
        const bool read = p && std::fscanf(p, "steps %d %lf %lf", &vec, &s, &pic) == 3;
        if (p) pclose(p);
        if (!read) {
            std::printf("  %s: did not run\n", path.c_str());
            continue;
        }
        std::printf(
            "  %s (%d-byte vectors): %.3f ms (%.3fx ours), picture model %.2f ms (%.3fx); goal "
            "within 2x: %s\n",
            path.c_str(), vec, s, s / step_ms, pic, pic / picture_ms,
            verdict(s <= 2 * step_ms && pic <= 2 * picture_ms));
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
    if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::printf(
            "usage: bench [PORTABLE_BENCH ...]  every figure, then each portable build's steps\n"
            "       bench --steps               the two training steps on 1 thread\n");
        return 0;
    }
    // Each argument is another build's bench, run with --steps at the end: check them first, so
    // a mistyped path stops here and not after five minutes of figures.
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
    print_products(peak, torch);
    print_gif();
    const FreshModel fresh = print_fresh_model(batch, peak, torch);
    const double picture_ms = print_picture_step(peak, torch);
    print_full_run(torch);
    if (torch.empty())
        std::printf(
            "\n(PyTorch not installed: apt-get install python3-torch libopenblas0 adds its "
            "figures)\n");
    else
        std::printf("\nPyTorch: %s on %s, 1 thread\n", torch["torch_version"].c_str(),
                    torch["torch_blas"].c_str());
    print_portable(portable, fresh.step_ms, picture_ms);
    return 0;
}
