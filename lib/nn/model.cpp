#include "nn/model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/tensor.h"
#include "fast/linear.h"
#include "nn/layers.h"

namespace ddpm {

void validate(const ModelConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError("model: " + what);
    };
    need(cfg.num_steps >= 2 && cfg.num_steps <= 100000, "num_steps must be in [2, 100000]");
    need(cfg.hidden >= 1 && cfg.hidden <= 4096, "hidden must be in [1, 4096]");
    need(cfg.depth >= 1 && cfg.depth <= 16, "depth must be in [1, 16]");
    need(cfg.dim >= 1 && cfg.dim <= 4096, "dim must be in [1, 4096]");
    need(cfg.embedding == ModelConfig::Embedding::learned ||
             cfg.embedding == ModelConfig::Embedding::sinusoidal,
         "embedding must be learned or sinusoidal");
    need(cfg.fourier >= 0 && cfg.fourier <= 16, "fourier must be in [0, 16]");
    need(cfg.num_classes >= 0 && cfg.num_classes <= 1000, "classes must be in [0, 1000]");
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
        const int in = k == 0 ? cfg.input_width() : H;
        const int out = k == cfg.depth ? cfg.dim : H;
        std::string name = "linears." + std::to_string(2 * k);
        weight_offset_.push_back(add(name + ".weight", {out, in}));
        bias_offset_.push_back(add(name + ".bias", {out}));
    }
    if (cfg.embedding == ModelConfig::Embedding::learned) {
        for (int k = 0; k < cfg.depth; ++k)
            table_offset_.push_back(
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
    for (int k = 0; k < cfg.depth && cfg.num_classes > 0; ++k)
        class_offset_.push_back(
            add("class_embeddings." + std::to_string(k) + ".weight", {cfg.num_classes + 1, H}));
    if (cfg.skip) skip_offset_ = add("skip.weight", {cfg.dim, cfg.input_width()});
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
        if (p.name.rfind("step_embeddings", 0) == 0 || p.name.rfind("class_embeddings", 0) == 0) {
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
const T* MLP<T>::step_table(int k) const {
    return table_offset_.empty() ? sinusoidal_.data() : params.data() + table_offset_[k];
}

template <typename T>
T* MLP<T>::step_table_grad(int k) {
    return table_offset_.empty() ? nullptr : grads.data() + table_offset_[k];
}

template <typename T>
void MLP<T>::reserve_activations(Activations<T>& acts, const ModelConfig& cfg, int B) {
    // Each buffer on its own: one Activations may serve models of different shapes in turn (a
    // sampling thread's, for one).
    const size_t rows = static_cast<size_t>(B);
    if (acts.x.size() < rows * cfg.input_width()) acts.x.resize(rows * cfg.input_width());
    if (acts.t.size() < rows) acts.t.resize(rows);
    if (acts.s.size() < rows) acts.s.resize(rows);
    if (acts.c.size() < rows) acts.c.resize(rows);
    if (acts.h.size() < cfg.depth * rows * cfg.hidden) acts.h.resize(cfg.depth * rows * cfg.hidden);
    if (cfg.skip && acts.y_skip.size() < rows * cfg.dim) acts.y_skip.resize(rows * cfg.dim);
    if (cfg.norm && acts.y_norm.size() < cfg.depth * rows * cfg.hidden) {
        acts.y_norm.resize(cfg.depth * rows * cfg.hidden);
        acts.rstd.resize(cfg.depth * rows);
    }
}

template <typename T>
void MLP<T>::reserve(int B) {
    reserve_activations(acts_, cfg_, B);
    dh_.resize(std::max(dh_.size(), static_cast<size_t>(cfg_.depth) * B * cfg_.hidden));
    da_.resize(dh_.size());
    if (cfg_.norm) dnorm_.resize(std::max(dnorm_.size(), static_cast<size_t>(B) * cfg_.hidden));
    dfeatures_.resize(std::max(dfeatures_.size(), static_cast<size_t>(B) * cfg_.input_width()));
}

template <typename T>
void MLP<T>::check_inputs(const Conditioning& in, int B) const {
    if ((in.t == nullptr) == (in.s == nullptr))
        throw Error("model: give the time as steps or as positions, one of the two");
    const int steps = cfg_.num_steps;
    for (int i = 0; in.t && i < B; ++i)
        if (in.t[i] < 0 || in.t[i] >= steps)
            throw Error("model: step " + std::to_string(in.t[i]) + " out of range [0, " +
                        std::to_string(steps) + ")");
    for (int i = 0; in.s && i < B; ++i)
        if (!(in.s[i] >= 0.0f && in.s[i] <= static_cast<float>(steps - 1)))
            throw Error("model: time position " + std::to_string(in.s[i]) + " out of range [0, " +
                        std::to_string(steps - 1) + "]");
    if (in.c && cfg_.num_classes == 0)
        throw Error("model: classes given to a model trained without classes");
    for (int i = 0; in.c && i < B; ++i)
        if (in.c[i] < 0 || in.c[i] > cfg_.num_classes)
            throw Error("model: class " + std::to_string(in.c[i]) + " out of range [0, " +
                        std::to_string(cfg_.num_classes) + "] (" +
                        std::to_string(cfg_.num_classes) + " is \"no class\")");
}

template <typename T>
void MLP<T>::copy_inputs(Activations<T>& a, const Conditioning& in, int B) const {
    a.continuous = in.s != nullptr;
    if (in.t) std::copy(in.t, in.t + B, a.t.begin());
    if (in.s) std::copy(in.s, in.s + B, a.s.begin());
    if (in.c)
        std::copy(in.c, in.c + B, a.c.begin());
    else
        std::fill(a.c.begin(), a.c.begin() + B, cfg_.num_classes);  // "no class"
}

// Block k's conditioning, added to its linear's output h (B, hidden): the step's row (or the row
// between two steps), and the class's row.
template <typename T>
void MLP<T>::add_conditioning(T* h, const Activations<T>& a, int k) const {
    const int B = a.B, H = cfg_.hidden;
    if (a.continuous)
        embedding_lerp_forward(h, a.s.data(), step_table(k), cfg_.num_steps, B, H);
    else
        embedding_forward(h, a.t.data(), step_table(k), B, H);
    if (cfg_.num_classes > 0) embedding_forward(h, a.c.data(), class_table(k), B, H);
}

template <typename T>
void MLP<T>::conditioning_backward(const T* da, const Activations<T>& a, int k) {
    const int B = a.B, H = cfg_.hidden;
    if (a.continuous)
        embedding_lerp_backward(step_table_grad(k), da, a.s.data(), cfg_.num_steps, B, H);
    else
        embedding_backward(step_table_grad(k), da, a.t.data(), B, H);
    if (cfg_.num_classes > 0) embedding_backward(class_table_grad(k), da, a.c.data(), B, H);
}

// The first layer's input: x itself, then (with Fourier features) sin and cos of 2^f pi x.
//   x (B, dim)  ->  features (B, input_width)
template <typename T>
void MLP<T>::input_features(T* features, const T* x, int B) const {
    const int D = cfg_.dim, W = cfg_.input_width();
    for (int i = 0; i < B; ++i) {
        T* row = features + static_cast<size_t>(i) * W;
        for (int d = 0; d < D; ++d) row[d] = x[i * D + d];
        for (int f = 0; f < cfg_.fourier; ++f)
            for (int d = 0; d < D; ++d) {
                const double a = std::ldexp(M_PI, f) * static_cast<double>(x[i * D + d]);
                row[D + 2 * (f * D + d)] = static_cast<T>(std::sin(a));
                row[D + 2 * (f * D + d) + 1] = static_cast<T>(std::cos(a));
            }
    }
}

// The features' backward: x's own columns pass their gradient through; sin(a x) and cos(a x),
// a = 2^f pi, pass a cos(a x) and -a sin(a x) times theirs.
//   dfeatures (B, input_width)  ->  accumulates into dx (B, dim)
template <typename T>
void MLP<T>::input_features_backward(T* dx, const T* dfeatures, int B) const {
    const int D = cfg_.dim, W = cfg_.input_width();
    for (int i = 0; i < B; ++i) {
        const T* g = dfeatures + static_cast<size_t>(i) * W;
        const T* row = acts_.x.data() + static_cast<size_t>(i) * W;  // row[d] is x itself
        for (int d = 0; d < D; ++d) dx[i * D + d] += g[d];
        for (int f = 0; f < cfg_.fourier; ++f)
            for (int d = 0; d < D; ++d) {
                const T a = static_cast<T>(std::ldexp(M_PI, f));
                const T sin_ax = row[D + 2 * (f * D + d)], cos_ax = row[D + 2 * (f * D + d) + 1];
                dx[i * D + d] += a * cos_ax * g[D + 2 * (f * D + d)];
                dx[i * D + d] -= a * sin_ax * g[D + 2 * (f * D + d) + 1];
            }
    }
}

template <typename T>
void MLP<T>::forward(T* out, const T* x, const int* t, int B) {
    forward(out, x, Conditioning{t, nullptr, nullptr}, B);
}

template <typename T>
void MLP<T>::forward(Activations<T>& a, T* out, const T* x, const int* t, int B) const {
    forward(a, out, x, Conditioning{t, nullptr, nullptr}, B);
}

template <typename T>
void MLP<T>::forward(T* out, const T* x, const Conditioning& in, int B) {
    reserve(B);  // the activations, and the gradient buffers backward will need
    forward(acts_, out, x, in, B);
}

template <typename T>
bool MLP<T>::fuses_blocks(bool continuous) const {
    return fast::enabled() && !cfg_.norm && !continuous;
}

// eps_theta(x_t, t): for each block k, h_k = ReLU(Linear_k(h_{k-1}) + Emb_k[t] (+ EmbC_k[c])),
// from h_{-1} = x; then out = Linear_L(h_{L-1}) (+ Skip(x)).
template <typename T>
void MLP<T>::forward(Activations<T>& a, T* out, const T* x, const Conditioning& in, int B) const {
    check_inputs(in, B);
    reserve_activations(a, cfg_, B);
    a.B = B;
    input_features(a.x.data(), x, B);
    copy_inputs(a, in, B);
    const int H = cfg_.hidden, D = cfg_.dim, L = cfg_.depth;
    auto h = [&](int k) { return a.h.data() + static_cast<size_t>(k) * B * H; };  // (B, H)
    for (int k = 0; k < L; ++k) {
        const T* prev = k == 0 ? a.x.data() : h(k - 1);
        if (fuses_blocks(a.continuous)) {
            // The three steps below (without the norm) in one product, which adds the embeddings'
            // rows and takes the ReLU before it stores h: the same bits, h written once.
            const T* classes = cfg_.num_classes > 0 ? class_table(k) : nullptr;
            const T* wt = k < static_cast<int>(a.weights_t.size()) ? a.weights_t[k] : nullptr;
            fast::linear_embedding_relu_forward(h(k), prev, weight(k), wt, bias(k), step_table(k),
                                                a.t.data(), classes, a.c.data(), B, width_in(k), H);
            continue;
        }
        linear_forward(h(k), prev, weight(k), bias(k), B, width_in(k), H);
        add_conditioning(h(k), a, k);
        if (cfg_.norm) {  // normalised into y_norm, then the ReLU from there
            T* y = a.y_norm.data() + static_cast<size_t>(k) * B * H;
            layer_norm_forward(y, a.rstd.data() + static_cast<size_t>(k) * B, h(k), B, H);
            relu_forward(h(k), y, B * H);
        } else {
            relu_forward(h(k), h(k), B * H);
        }
    }
    linear_forward(out, h(L - 1), weight(L), bias(L), B, H, D);
    if (cfg_.skip) {
        linear_forward(a.y_skip.data(), a.x.data(), skip_weight(), static_cast<const T*>(nullptr),
                       B, cfg_.input_width(), D);
        for (int i = 0; i < B * D; ++i) out[i] += a.y_skip[i];  // the two paths added
    }
}

// The forward pass read from the bottom up, each layer's backward in place of its forward.
template <typename T>
void MLP<T>::backward(const T* dout) {
    backward(dout, nullptr);
}

template <typename T>
void MLP<T>::backward(const T* dout, T* dx) {
    const Activations<T>& a = acts_;
    const int B = a.B, H = cfg_.hidden, D = cfg_.dim, L = cfg_.depth;
    auto h = [&](int k) { return a.h.data() + static_cast<size_t>(k) * B * H; };
    auto dh = [&](int k) { return dh_.data() + static_cast<size_t>(k) * B * H; };  // dL/dh_k
    auto da = [&](int k) { return da_.data() + static_cast<size_t>(k) * B * H; };  // before ReLU
    // With the fast tier on, each product that gives a dh also takes the ReLU's backward below it
    // (fast/linear.h) and writes the result where the next line reads it: da, or with a norm the
    // gradient at the norm's output. The same bits, with dh never stored and nothing zeroed first.
    const bool fused = fast::enabled();
    auto relu_grad = [&](int k) { return cfg_.norm ? dnorm_.data() : da(k); };  // block k's
    if (!fused) {
        std::fill(dh_.begin(), dh_.begin() + L * B * H, T(0));  // every backward below adds (+=)
        std::fill(da_.begin(), da_.begin() + L * B * H, T(0));
    }
    if (dx) std::fill(dfeatures_.begin(), dfeatures_.begin() + B * cfg_.input_width(), T(0));
    if (fused)
        fast::linear_input_relu_backward(relu_grad(L - 1), dout, weight(L), h(L - 1), B, H, D);
    linear_backward(fused ? nullptr : dh(L - 1), weight_grad(L), bias_grad(L), dout, h(L - 1),
                    weight(L), B, H, D);
    if (cfg_.skip)  // the skip's share: the same dout, straight to the input
        linear_backward(dx ? dfeatures_.data() : nullptr, skip_weight_grad(),
                        static_cast<T*>(nullptr), dout, a.x.data(), skip_weight(), B,
                        cfg_.input_width(), D);
    for (int k = L - 1; k >= 0; --k) {
        if (!fused) relu_backward(da(k), dh(k), h(k), B * H);
        if (cfg_.norm) {  // the gradient at the norm's output, in dnorm: take it back through
            if (!fused) std::copy(da(k), da(k) + B * H, dnorm_.begin());
            std::fill(da(k), da(k) + B * H, T(0));
            layer_norm_backward(da(k), dnorm_.data(),
                                a.y_norm.data() + static_cast<size_t>(k) * B * H,
                                a.rstd.data() + static_cast<size_t>(k) * B, B, H);
        }
        conditioning_backward(da(k), a, k);
        const T* in = k == 0 ? a.x.data() : h(k - 1);
        T* din = k > 0 ? dh(k - 1) : dx ? dfeatures_.data() : nullptr;  // training needs no dx
        if (fused && k > 0) {  // din and the next block's relu_backward in one product
            fast::linear_input_relu_backward(relu_grad(k - 1), da(k), weight(k), h(k - 1), B, H, H);
            din = nullptr;
        }
        linear_backward(din, weight_grad(k), bias_grad(k), da(k), in, weight(k), B, width_in(k), H);
    }
    if (dx) input_features_backward(dx, dfeatures_.data(), B);
}

template <typename T>
void MLP<T>::zero_grad() {
    std::fill(grads.begin(), grads.end(), T(0));
}

template class MLP<float>;
template class MLP<double>;

}  // namespace ddpm
