#include "nn/feedforward.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "nn/layers.h"

namespace ddpm {

void validate(const FeedForwardConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError("feed-forward network: " + what);
    };
    need(cfg.inputs >= 1 && cfg.inputs <= 65536, "inputs must be in [1, 65536]");
    need(cfg.hidden >= 1 && cfg.hidden <= 4096, "hidden must be in [1, 4096]");
    need(cfg.depth >= 1 && cfg.depth <= 16, "depth must be in [1, 16]");
    need(cfg.outputs >= 1 && cfg.outputs <= 65536, "outputs must be in [1, 65536]");
}

template <typename T>
FeedForward<T>::FeedForward(const FeedForwardConfig& cfg) : cfg_(cfg) {
    validate(cfg);
    size_t offset = 0;
    for (int k = 0; k <= cfg.depth; ++k) {
        const int in = k == 0 ? cfg.inputs : cfg.hidden;
        const int out = k == cfg.depth ? cfg.outputs : cfg.hidden;
        // nn.Sequential(Linear, ReLU, ..., Linear): its Linears are 0, 2, 4, ...
        const std::string name = "layers." + std::to_string(2 * k);
        layout_.push_back({name + ".weight", offset, {out, in}});
        offset += layout_.back().size();
        layout_.push_back({name + ".bias", offset, {out}});
        offset += layout_.back().size();
    }
    params.assign(offset, T(0));
    grads.assign(offset, T(0));
}

template <typename T>
void FeedForward<T>::init(Rng& rng) {
    for (size_t i = 0; i < layout_.size(); i += 2) {
        const int fan_in = layout_[i].shape[1];
        const T bound = T(1) / std::sqrt(static_cast<T>(fan_in));
        for (size_t j = i; j <= i + 1; ++j) {  // the weight, then its bias
            T* v = params.data() + layout_[j].offset;
            for (size_t e = 0; e < layout_[j].size(); ++e) v[e] = rng.uniform(-1.0f, 1.0f) * bound;
        }
    }
}

// h_k = ReLU(Linear_k(h_{k-1})) from h_{-1} = x, then out = Linear_L(h_{L-1}).
template <typename T>
void FeedForward<T>::forward(T* out, const T* x, int B) {
    const int H = cfg_.hidden, L = cfg_.depth;
    const size_t rows = static_cast<size_t>(B);
    if (x_.size() < rows * cfg_.inputs) x_.resize(rows * cfg_.inputs);
    if (h_.size() < L * rows * H) {
        h_.resize(L * rows * H);
        dh_.resize(L * rows * H);
        da_.resize(L * rows * H);
    }
    B_ = B;
    std::copy(x, x + rows * cfg_.inputs, x_.begin());
    auto h = [&](int k) { return h_.data() + k * rows * H; };
    auto w = [&](int k) { return params.data() + layout_[2 * k].offset; };
    auto b = [&](int k) { return params.data() + layout_[2 * k + 1].offset; };
    for (int k = 0; k < L; ++k) {
        const T* prev = k == 0 ? x_.data() : h(k - 1);
        linear_forward(h(k), prev, w(k), b(k), B, k == 0 ? cfg_.inputs : H, H);
        relu_forward(h(k), h(k), B * H);
    }
    linear_forward(out, h(L - 1), w(L), b(L), B, H, cfg_.outputs);
}

// The forward pass read from the bottom up.
template <typename T>
void FeedForward<T>::backward(const T* dout, T* dx) {
    const int B = B_, H = cfg_.hidden, L = cfg_.depth;
    const size_t rows = static_cast<size_t>(B);
    auto h = [&](int k) { return h_.data() + k * rows * H; };
    auto dh = [&](int k) { return dh_.data() + k * rows * H; };  // dL/dh_k
    auto da = [&](int k) { return da_.data() + k * rows * H; };  // before the ReLU
    auto w = [&](int k) { return params.data() + layout_[2 * k].offset; };
    auto dw = [&](int k) { return grads.data() + layout_[2 * k].offset; };
    auto db = [&](int k) { return grads.data() + layout_[2 * k + 1].offset; };
    std::fill(dh_.begin(), dh_.begin() + L * rows * H, T(0));  // the backwards below add (+=)
    std::fill(da_.begin(), da_.begin() + L * rows * H, T(0));
    linear_backward(dh(L - 1), dw(L), db(L), dout, h(L - 1), w(L), B, H, cfg_.outputs);
    for (int k = L - 1; k >= 0; --k) {
        relu_backward(da(k), dh(k), h(k), B * H);
        const T* in = k == 0 ? x_.data() : h(k - 1);
        T* din = k == 0 ? dx : dh(k - 1);  // the input's gradient only when asked
        linear_backward(din, dw(k), db(k), da(k), in, w(k), B, k == 0 ? cfg_.inputs : H, H);
    }
}

template <typename T>
void FeedForward<T>::zero_grad() {
    std::fill(grads.begin(), grads.end(), T(0));
}

template <typename T>
const T* FeedForward<T>::features() const {
    return h_.data() + static_cast<size_t>(cfg_.depth - 1) * B_ * cfg_.hidden;
}

template class FeedForward<float>;
template class FeedForward<double>;

}  // namespace ddpm
