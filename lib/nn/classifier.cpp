#include "nn/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "nn/layers.h"
#include "nn/optim.h"

namespace ddpm {

static void check_images(const Classifier<float>& net, const Tensor& images, const char* what) {
    if (images.ndim() != 2 || images.dim(0) < 1 || images.dim(1) != net.config().inputs)
        throw Error(std::string(what) + ": expected pictures (n, " +
                    std::to_string(net.config().inputs) + "), got " + images.shape_str());
}

void train_classifier(Classifier<float>& net, const Tensor& images, const std::vector<int>& labels,
                      const ClassifierTraining& how,
                      const std::function<void(int, float)>& on_epoch) {
    check_images(net, images, "train_classifier");
    const int n = images.dim(0), D = images.dim(1), K = net.config().outputs;
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
    const int n = images.dim(0), D = images.dim(1), K = net.config().outputs;
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
    const int K = net.config().outputs;
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
