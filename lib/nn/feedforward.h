// FeedForward: a plain MLP, Linear -> ReLU -> ... -> Linear, for what is not the diffusion model:
// lessons 15 and 16's classifier (nn/classifier.h) and the autoencoder's encoder and decoder
// (nn/autoencoder.h).
//
//   x (B, inputs) ─ Linear ─ ReLU ─ ... ─ Linear ─ ReLU ─▶ features (B, hidden) ─ Linear ─▶ out
//
// The forward pass keeps what backward needs, as MLP does; parameters and gradients are two flat
// arrays under nn.Sequential's names (layers.0.weight, layers.0.bias, layers.2.weight, ...).
#pragma once
#include <vector>

#include "core/aligned.h"
#include "core/rng.h"
#include "nn/model.h"

namespace ddpm {

struct FeedForwardConfig {
    int inputs = 196;  // values a sample: 14 x 14 for a picture
    int hidden = 256;  // each hidden layer's width, and the features'
    int depth = 2;     // Linear -> ReLU blocks before the output Linear
    int outputs = 10;  // a classifier's classes; an encoder's or decoder's width out
};
void validate(const FeedForwardConfig& cfg);  // throws UsageError naming the bad field

template <typename T>
class FeedForward {
public:
    explicit FeedForward(const FeedForwardConfig& cfg = {});
    // PyTorch's Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in layout order.
    void init(Rng& rng);

    const FeedForwardConfig& config() const { return cfg_; }
    const std::vector<ParamInfo>& layout() const { return layout_; }

    // out (B, outputs) from x (B, inputs); keeps what backward needs.
    void forward(T* out, const T* x, int B);
    // dout (B, outputs) -> accumulates into grads; and into dx (B, inputs) when it is given.
    void backward(const T* dout, T* dx = nullptr);
    void zero_grad();
    // The last forward's features: the last hidden layer's output, (B, hidden).
    const T* features() const;

    AlignedVector<T> params, grads;

private:
    FeedForwardConfig cfg_;
    std::vector<ParamInfo> layout_;
    int B_ = 0;
    AlignedVector<T> x_;            // (B, inputs): the last forward's input
    AlignedVector<T> h_, dh_, da_;  // (depth, B, hidden) each: each block's output, the gradient
                                    // there, and before its ReLU
};

}  // namespace ddpm
