// Solution to exercise 03: the table is the formula, one value a line; the forward pass is
// lesson 03's three layer calls a block, in a loop over the blocks, with the fixed table where the
// learned ones were (lib/nn/model.cpp's MLP::forward has the same shape).
#include <cmath>
#include <string>
#include <vector>

#include "exercise.h"
#include "nn/layers.h"

namespace ex {

void sinusoidal_table(float* table, int steps, int C) {
    for (int t = 0; t < steps; ++t)
        for (int j = 0; j < C; ++j) {
            const double w = std::pow(10000.0, -static_cast<double>(j / 2) / (C / 2));
            table[t * C + j] = static_cast<float>(j % 2 == 0 ? std::sin(t * w) : std::cos(t * w));
        }
}

void mlp_forward_sinusoidal(float* out, const float* x, const int* t, int B,
                            const ddpm::MLPDiffusion& model) {
    const int H = model.config().hidden, depth = model.config().depth;
    auto weights = [&](int layer, const char* what) {
        return model.params.data() +
               model.info("linears." + std::to_string(2 * layer) + "." + what).offset;
    };
    std::vector<float> table(static_cast<size_t>(model.config().num_steps) * H);
    sinusoidal_table(table.data(), model.config().num_steps, H);

    std::vector<float> h(static_cast<size_t>(B) * H), next(static_cast<size_t>(B) * H);
    ddpm::linear_forward(h.data(), x, weights(0, "weight"), weights(0, "bias"), B, 2, H);
    ddpm::embedding_forward(h.data(), t, table.data(), B, H);
    ddpm::relu_forward(h.data(), h.data(), B * H);
    for (int k = 1; k < depth; ++k) {
        ddpm::linear_forward(next.data(), h.data(), weights(k, "weight"), weights(k, "bias"), B, H,
                             H);
        ddpm::embedding_forward(next.data(), t, table.data(), B, H);
        ddpm::relu_forward(next.data(), next.data(), B * H);
        h.swap(next);
    }
    ddpm::linear_forward(out, h.data(), weights(depth, "weight"), weights(depth, "bias"), B, H, 2);
}

}  // namespace ex
