#include "fast/predict.h"

#include <algorithm>

#include "core/aligned.h"
#include "fast/gemm.h"
#include "fast/parallel.h"

namespace ddpm::fast {

void predict_noise(const MLPDiffusion& model, float* eps, const float* x, const int* t, int n) {
    predict(model, eps, x, Conditioning{t, nullptr, nullptr}, n);
}

void predict(const MLPDiffusion& model, float* out, const float* x, const Conditioning& in, int n) {
    const ModelConfig& cfg = model.config();
    const int D = cfg.dim;
    if (n <= 0) return;
    // Blocks of at most kPointsPerBlock points, as many on each thread, and as equal as they can
    // be: the first n % blocks have one point more (10,000 points: 20 blocks of 500, where blocks
    // of 512 would give one thread 5,120 points and the other 4,880).
    const int threads = std::max(1, num_threads());
    int blocks = (n + kPointsPerBlock - 1) / kPointsPerBlock;
    blocks = (blocks + threads - 1) / threads * threads;
    auto start_of = [&](int b) {  // block b's first point
        return static_cast<long>(b) * (n / blocks) + std::min(b, n % blocks);
    };
    // Each hidden block's weight transposed once for all the blocks: a block's product reads w
    // (hidden, in) transposed, and would transpose it anew for every block. Only the blocks the
    // fast tier fuses read them (MLP::fuses_blocks). Both kept from call to call, so that a
    // sampling step allocates nothing once the first has run.
    thread_local std::vector<AlignedVector<float>> transposed;  // the calling thread's
    thread_local std::vector<const float*> weights_t;
    weights_t.clear();
    if (blocks > 1 && model.fuses_blocks(in.s != nullptr)) {
        transposed.resize(cfg.depth);
        for (int k = 0; k < cfg.depth; ++k) {
            const int width_in = k == 0 ? cfg.input_width() : cfg.hidden;
            transposed[k].resize(static_cast<size_t>(width_in) * cfg.hidden);
            transpose(transposed[k].data(), model.weight(k), cfg.hidden, width_in);
            weights_t.push_back(transposed[k].data());
        }
    }
    parallel_for(blocks, [&](int b0, int b1) {
        thread_local Activations<float> acts;  // this thread's, kept for the next step
        acts.weights_t = weights_t;            // this call's, never kept for the next
        for (int b = b0; b < b1; ++b) {
            const long first = start_of(b);
            const int rows = static_cast<int>(start_of(b + 1) - first);
            if (rows == 0) continue;  // fewer points than blocks
            Conditioning block;       // the block's rows of each input given
            block.t = in.t ? in.t + first : nullptr;
            block.s = in.s ? in.s + first : nullptr;
            block.c = in.c ? in.c + first : nullptr;
            model.forward(acts, out + first * D, x + first * D, block, rows);
        }
        acts.weights_t.clear();
    });
}

}  // namespace ddpm::fast
