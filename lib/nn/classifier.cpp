#include "nn/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "nn/layers.h"
#include "nn/optim.h"

namespace ddpm {

void validate(const ClassifierConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError("classifier: " + what);
    };
    need(cfg.inputs >= 1 && cfg.inputs <= 65536, "inputs must be in [1, 65536]");
    need(cfg.hidden >= 1 && cfg.hidden <= 4096, "hidden must be in [1, 4096]");
    need(cfg.depth >= 1 && cfg.depth <= 16, "depth must be in [1, 16]");
    need(cfg.classes >= 2 && cfg.classes <= 1000, "classes must be in [2, 1000]");
}

template <typename T>
Classifier<T>::Classifier(const ClassifierConfig& cfg) : cfg_(cfg) {
    validate(cfg);
    size_t offset = 0;
    for (int k = 0; k <= cfg.depth; ++k) {
        const int in = k == 0 ? cfg.inputs : cfg.hidden;
        const int out = k == cfg.depth ? cfg.classes : cfg.hidden;
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
void Classifier<T>::init(Rng& rng) {
    for (size_t i = 0; i < layout_.size(); i += 2) {
        const int fan_in = layout_[i].shape[1];
        const T bound = T(1) / std::sqrt(static_cast<T>(fan_in));
        for (size_t j = i; j <= i + 1; ++j) {  // the weight, then its bias
            T* v = params.data() + layout_[j].offset;
            for (size_t e = 0; e < layout_[j].size(); ++e) v[e] = rng.uniform(-1.0f, 1.0f) * bound;
        }
    }
}

// h_k = ReLU(Linear_k(h_{k-1})) from h_{-1} = x, then logits = Linear_L(h_{L-1}).
template <typename T>
void Classifier<T>::forward(T* logits, const T* x, int B) {
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
    linear_forward(logits, h(L - 1), w(L), b(L), B, H, cfg_.classes);
}

// The forward pass read from the bottom up.
template <typename T>
void Classifier<T>::backward(const T* dlogits) {
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
    linear_backward(dh(L - 1), dw(L), db(L), dlogits, h(L - 1), w(L), B, H, cfg_.classes);
    for (int k = L - 1; k >= 0; --k) {
        relu_backward(da(k), dh(k), h(k), B * H);
        const T* in = k == 0 ? x_.data() : h(k - 1);
        T* din = k == 0 ? nullptr : dh(k - 1);  // the pictures need no gradient
        linear_backward(din, dw(k), db(k), da(k), in, w(k), B, k == 0 ? cfg_.inputs : H, H);
    }
}

template <typename T>
void Classifier<T>::zero_grad() {
    std::fill(grads.begin(), grads.end(), T(0));
}

template <typename T>
const T* Classifier<T>::features() const {
    return h_.data() + static_cast<size_t>(cfg_.depth - 1) * B_ * cfg_.hidden;
}

template class Classifier<float>;
template class Classifier<double>;

static void check_images(const Classifier<float>& net, const Tensor& images, const char* what) {
    if (images.ndim() != 2 || images.dim(0) < 1 || images.dim(1) != net.config().inputs)
        throw Error(std::string(what) + ": expected pictures (n, " +
                    std::to_string(net.config().inputs) + "), got " + images.shape_str());
}

void train_classifier(Classifier<float>& net, const Tensor& images, const std::vector<int>& labels,
                      const ClassifierTraining& how,
                      const std::function<void(int, float)>& on_epoch) {
    check_images(net, images, "train_classifier");
    const int n = images.dim(0), D = images.dim(1), K = net.config().classes;
    if (static_cast<int>(labels.size()) != n)
        throw Error("train_classifier: " + std::to_string(labels.size()) + " labels for " +
                    std::to_string(n) + " pictures");
    for (int c : labels)
        if (c < 0 || c >= K)
            throw Error("train_classifier: label " + std::to_string(c) + " is not a class 0 ... " +
                        std::to_string(K - 1));
    if (how.epochs < 1 || how.batch < 1)
        throw UsageError("train_classifier: epochs and batch >= 1");
    Rng rng(how.seed, 7);  // the shuffles' own stream
    Adam adam(net.params.size(), AdamConfig{how.lr});
    std::vector<int> order(n);
    std::vector<float> x(static_cast<size_t>(how.batch) * D), logits(how.batch * K),
        probs(how.batch * K), dlogits(how.batch * K);
    std::vector<int> y(how.batch);
    for (int epoch = 1; epoch <= how.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        rng.shuffle(order);
        double loss_sum = 0;
        int batches = 0;
        for (int start = 0; start < n; start += how.batch) {
            const int B = std::min(how.batch, n - start);
            for (int i = 0; i < B; ++i) {
                const int row = order[start + i];
                std::copy(images.data() + static_cast<size_t>(row) * D,
                          images.data() + static_cast<size_t>(row + 1) * D,
                          x.data() + static_cast<size_t>(i) * D);
                y[i] = labels[row];
            }
            net.forward(logits.data(), x.data(), B);
            const float loss =
                softmax_cross_entropy_forward(probs.data(), logits.data(), y.data(), B, K);
            if (!std::isfinite(loss)) throw Error("train_classifier: the loss is not finite");
            net.zero_grad();
            std::fill(dlogits.begin(), dlogits.begin() + B * K, 0.0f);
            softmax_cross_entropy_backward(dlogits.data(), probs.data(), y.data(), B, K);
            net.backward(dlogits.data());
            adam.step(net.params.data(), net.grads.data());
            loss_sum += loss;
            ++batches;
        }
        if (on_epoch) on_epoch(epoch, static_cast<float>(loss_sum / batches));
    }
}

// The network on the pictures in blocks of 500, each block's output handed to `use`.
static void in_blocks(Classifier<float>& net, const Tensor& images,
                      const std::function<void(int, int, const float*)>& use) {
    const int n = images.dim(0), D = images.dim(1), K = net.config().classes;
    constexpr int kBlock = 500;
    std::vector<float> logits(static_cast<size_t>(kBlock) * K);
    for (int start = 0; start < n; start += kBlock) {
        const int B = std::min(kBlock, n - start);
        net.forward(logits.data(), images.data() + static_cast<size_t>(start) * D, B);
        use(start, B, logits.data());
    }
}

std::vector<int> classify(Classifier<float>& net, const Tensor& images) {
    check_images(net, images, "classify");
    const int K = net.config().classes;
    std::vector<int> out(images.dim(0));
    in_blocks(net, images, [&](int start, int B, const float* logits) {
        for (int i = 0; i < B; ++i)
            out[start + i] = static_cast<int>(
                std::max_element(logits + i * K, logits + (i + 1) * K) - (logits + i * K));
    });
    return out;
}

double classifier_accuracy(Classifier<float>& net, const Tensor& images,
                           const std::vector<int>& labels) {
    const std::vector<int> given = classify(net, images);
    if (given.size() != labels.size())
        throw Error("classifier_accuracy: " + std::to_string(labels.size()) + " labels for " +
                    std::to_string(given.size()) + " pictures");
    int right = 0;
    for (size_t i = 0; i < given.size(); ++i) right += given[i] == labels[i];
    return static_cast<double>(right) / given.size();
}

Tensor classifier_features(Classifier<float>& net, const Tensor& images) {
    check_images(net, images, "classifier_features");
    const int H = net.config().hidden;
    Tensor out({images.dim(0), H});
    in_blocks(net, images, [&](int start, int B, const float*) {
        std::copy(net.features(), net.features() + static_cast<size_t>(B) * H,
                  out.data() + static_cast<size_t>(start) * H);
    });
    return out;
}

}  // namespace ddpm
