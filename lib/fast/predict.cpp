#include "fast/predict.h"

#include <algorithm>

#include "fast/parallel.h"

namespace ddpm::fast {

void predict_noise(const MLPDiffusion& model, float* eps, const float* x, const int* t, int n) {
    const int D = model.config().dim;
    const int blocks = (n + kPointsPerBlock - 1) / kPointsPerBlock;
    parallel_for(blocks, [&](int b0, int b1) {
        thread_local Activations<float> acts;  // this thread's, kept for the next step
        for (int b = b0; b < b1; ++b) {
            const long first = static_cast<long>(b) * kPointsPerBlock;
            const int rows = std::min(kPointsPerBlock, static_cast<int>(n - first));
            model.forward(acts, eps + first * D, x + first * D, t + first, rows);
        }
    });
}

}  // namespace ddpm::fast
