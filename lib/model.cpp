#include "model.h"

#include <algorithm>
#include <cmath>

#include "error.h"
#include "kernels.h"
#include "layers.h"
#include "tensor.h"

namespace ddpm {

void validate(const ModelConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError("model: " + what);
    };
    need(cfg.num_steps >= 2 && cfg.num_steps <= 100000, "num_steps must be in [2, 100000]");
    need(cfg.hidden >= 1 && cfg.hidden <= 4096, "hidden must be in [1, 4096]");
    need(cfg.depth >= 1 && cfg.depth <= 16, "depth must be in [1, 16]");
    need(cfg.dim >= 1 && cfg.dim <= 16, "dim must be in [1, 16]");
    need(cfg.embedding == ModelConfig::Embedding::learned ||
             cfg.embedding == ModelConfig::Embedding::sinusoidal,
         "embedding must be learned or sinusoidal");
    need(cfg.fourier >= 0 && cfg.fourier <= 16, "fourier must be in [0, 16]");
}

size_t ParamInfo::size() const {
    return numel(shape);
}

template <typename T>
MLP<T>::MLP(const ModelConfig& cfg) : cfg_(cfg) {
    validate(cfg);
    size_t offset = 0;
    auto add = [&](const std::string& name, std::vector<int> shape) {
        layout_.push_back({name, offset, shape});
        offset += layout_.back().size();
        return layout_.back().offset;
    };
    // The notebook's nn.ModuleList puts a ReLU between Linears, so its Linears are 0, 2, 4, 6.
    const int H = cfg.hidden;
    for (int k = 0; k <= cfg.depth; ++k) {
        int in = k == 0 ? cfg.input_width() : H, out = k == cfg.depth ? cfg.dim : H;
        std::string name = "linears." + std::to_string(2 * k);
        w_.push_back(add(name + ".weight", {out, in}));
        b_.push_back(add(name + ".bias", {out}));
    }
    if (cfg.embedding == ModelConfig::Embedding::learned) {
        for (int k = 0; k < cfg.depth; ++k)
            e_.push_back(
                add("step_embeddings." + std::to_string(k) + ".weight", {cfg.num_steps, H}));
    } else {
        // sin(t w_i) and cos(t w_i), w_i = 10000^(-i / (H/2)): every step gets a distinct,
        // smoothly varying row with values in [-1, 1].
        sinusoidal_.resize(static_cast<size_t>(cfg.num_steps) * H);
        for (int t = 0; t < cfg.num_steps; ++t)
            for (int j = 0; j < H; ++j) {
                const double w =
                    std::pow(10000.0, -static_cast<double>(j / 2) / std::max(1, H / 2));
                sinusoidal_[static_cast<size_t>(t) * H + j] =
                    static_cast<T>(j % 2 == 0 ? std::sin(t * w) : std::cos(t * w));
            }
    }
    params.assign(offset, T(0));
    grads.assign(offset, T(0));
}

template <typename T>
const ParamInfo& MLP<T>::info(const std::string& name) const {
    for (const ParamInfo& p : layout_)
        if (p.name == name) return p;
    throw Error("model has no parameter named " + name);
}

template <typename T>
void MLP<T>::init(Rng& rng) {
    for (const ParamInfo& p : layout_) {
        T* v = params.data() + p.offset;
        if (p.name.rfind("step_embeddings", 0) == 0) {
            for (size_t i = 0; i < p.size(); ++i) v[i] = rng.normal();
        } else {
            // fan_in is the weight's second dimension; a bias uses its Linear's fan_in.
            const std::string weight = p.name.substr(0, p.name.rfind('.')) + ".weight";
            int fan_in = info(weight).shape[1];
            T bound = T(1) / std::sqrt(static_cast<T>(fan_in));
            for (size_t i = 0; i < p.size(); ++i) v[i] = rng.uniform(-1.0f, 1.0f) * bound;
        }
    }
}

template <typename T>
void MLP<T>::reserve(int B) {
    if (B <= capacity_) return;
    capacity_ = B;
    x_.resize(static_cast<size_t>(B) * cfg_.input_width());
    t_.resize(B);
    h_.resize(static_cast<size_t>(cfg_.depth) * B * cfg_.hidden);
    dh_.resize(static_cast<size_t>(B) * cfg_.hidden);
    da_.resize(static_cast<size_t>(B) * cfg_.hidden);
    const int widest = std::max(cfg_.hidden, cfg_.dim);
    wT_.resize(static_cast<size_t>(widest) * widest);
    doutT_.resize(static_cast<size_t>(B) * 2 * widest);
}

template <typename T>
void MLP<T>::forward(T* out, const T* x, const int* t, int B) {
    reserve(B);
    B_ = B;
    const int H = cfg_.hidden, D = cfg_.dim;
    for (int i = 0; i < B; ++i)
        if (t[i] < 0 || t[i] >= cfg_.num_steps)
            throw Error("model: step " + std::to_string(t[i]) + " out of range [0, " +
                        std::to_string(cfg_.num_steps) + ")");
    // The first layer's input: x itself, then (with Fourier features) sin and cos of 2^f pi x.
    const int W = cfg_.input_width();
    for (int i = 0; i < B; ++i) {
        T* row = &x_[static_cast<size_t>(i) * W];
        for (int d = 0; d < D; ++d) row[d] = x[i * D + d];
        for (int f = 0; f < cfg_.fourier; ++f)
            for (int d = 0; d < D; ++d) {
                const double a = std::ldexp(M_PI, f) * static_cast<double>(x[i * D + d]);
                row[D + 2 * (f * D + d)] = static_cast<T>(std::sin(a));
                row[D + 2 * (f * D + d) + 1] = static_cast<T>(std::cos(a));
            }
    }
    std::copy(t, t + B, t_.begin());
    const T* P = params.data();
    for (int k = 0; k < cfg_.depth; ++k) {
        const T* in = k == 0 ? x_.data() : &h_[static_cast<size_t>(k - 1) * B * H];
        T* h = &h_[static_cast<size_t>(k) * B * H];
        linear_forward_fast(h, in, P + w_[k], P + b_[k], wT_.data(), B, k == 0 ? W : H, H);
        const T* table = e_.empty() ? sinusoidal_.data() : P + e_[k];
        add_embedding_relu(h, t, table, B, H);  // ReLU(h + Emb_k[t]): the two layers, one pass
    }
    const T* last = &h_[static_cast<size_t>(cfg_.depth - 1) * B * H];
    linear_forward_fast(out, last, P + w_[cfg_.depth], P + b_[cfg_.depth], wT_.data(), B, H, D);
}

template <typename T>
void MLP<T>::backward(const T* dout) {
    // The forward pass, upside down. dh_ holds the gradient of the current block's output.
    const int B = B_, H = cfg_.hidden, D = cfg_.dim, L = cfg_.depth;
    const T* P = params.data();
    T* G = grads.data();
    std::fill(dh_.begin(), dh_.begin() + B * H, T(0));
    linear_backward_fast(dh_.data(), G + w_[L], G + b_[L], dout,
                         &h_[static_cast<size_t>(L - 1) * B * H], P + w_[L], doutT_.data(), B, H,
                         D);
    for (int k = L - 1; k >= 0; --k) {
        const T* h = &h_[static_cast<size_t>(k) * B * H];
        std::fill(da_.begin(), da_.begin() + B * H, T(0));
        relu_backward(da_.data(), dh_.data(), h, B * H);
        if (!e_.empty()) embedding_backward(G + e_[k], da_.data(), t_.data(), B, H);  // fixed: none
        // The block's input: x for the first block (no gradient needed), h_{k-1} otherwise.
        const T* in = k == 0 ? x_.data() : &h_[static_cast<size_t>(k - 1) * B * H];
        T* din = nullptr;
        if (k > 0) {
            std::fill(dh_.begin(), dh_.begin() + B * H, T(0));
            din = dh_.data();
        }
        linear_backward_fast(din, G + w_[k], G + b_[k], da_.data(), in, P + w_[k], doutT_.data(), B,
                             k == 0 ? cfg_.input_width() : H, H);
    }
}

template <typename T>
void MLP<T>::zero_grad() {
    std::fill(grads.begin(), grads.end(), T(0));
}

template class MLP<float>;
template class MLP<double>;

}  // namespace ddpm
