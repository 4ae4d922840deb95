#include "fast/predict.h"

#include <algorithm>

#include "fast/parallel.h"

namespace ddpm::fast {

void predict_noise(const MLPDiffusion& model, float* eps, const float* x, const int* t, int n) {
    predict(model, eps, x, Conditioning{t, nullptr, nullptr}, n);
}

void predict(const MLPDiffusion& model, float* out, const float* x, const Conditioning& in, int n) {
    const int D = model.config().dim;
    const int blocks = (n + kPointsPerBlock - 1) / kPointsPerBlock;
    parallel_for(blocks, [&](int b0, int b1) {
        thread_local Activations<float> acts;  // this thread's, kept for the next step
        for (int b = b0; b < b1; ++b) {
            const long first = static_cast<long>(b) * kPointsPerBlock;
            const int rows = std::min(kPointsPerBlock, static_cast<int>(n - first));
            Conditioning block;  // the block's rows of each input given
            block.t = in.t ? in.t + first : nullptr;
            block.s = in.s ? in.s + first : nullptr;
            block.c = in.c ? in.c + first : nullptr;
            model.forward(acts, out + first * D, x + first * D, block, rows);
        }
    });
}

}  // namespace ddpm::fast
