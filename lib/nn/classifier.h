// Classifier: the yardstick of lessons 15 and 16. No pretrained network may be downloaded, so the
// course trains its own judge of pictures: an MLP that names a picture's class.
//
//   x (B, inputs) ─ Linear ─ ReLU ─ ... ─ Linear ─ ReLU ─▶ features (B, hidden) ─ Linear ─▶ logits
//
// It is trained on softmax cross-entropy (layers.h), its gradient written by hand like the
// diffusion model's. Its last hidden layer, the features, is the space in which lesson 15 compares
// generated pictures with real ones (data/feature_metrics.h): Inception's role in FID, played by a
// network trained on the same data.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/aligned.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "nn/model.h"

namespace ddpm {

struct ClassifierConfig {
    int inputs = 196;  // values a picture: 14 x 14
    int hidden = 256;  // each hidden layer's width, and the features'
    int depth = 2;     // Linear -> ReLU blocks before the output Linear
    int classes = 10;
};
void validate(const ClassifierConfig& cfg);  // throws UsageError naming the bad field

template <typename T>
class Classifier {
public:
    explicit Classifier(const ClassifierConfig& cfg = {});
    // PyTorch's Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in layout order.
    void init(Rng& rng);

    const ClassifierConfig& config() const { return cfg_; }
    const std::vector<ParamInfo>& layout() const { return layout_; }

    // logits (B, classes) from x (B, inputs); keeps what backward needs.
    void forward(T* logits, const T* x, int B);
    // dlogits (B, classes) -> accumulates into grads.
    void backward(const T* dlogits);
    void zero_grad();
    // The last forward's features: the last hidden layer's output, (B, hidden).
    const T* features() const;

    AlignedVector<T> params, grads;

private:
    ClassifierConfig cfg_;
    std::vector<ParamInfo> layout_;
    int B_ = 0;
    AlignedVector<T> x_;            // (B, inputs): the last forward's input
    AlignedVector<T> h_, dh_, da_;  // (depth, B, hidden) each: each block's output, the gradient
                                    // there, and before its ReLU
};

// How the classifier is trained: Adam on softmax cross-entropy over shuffled mini-batches.
struct ClassifierTraining {
    int epochs = 4;
    int batch = 128;
    float lr = 1e-3f;
    uint64_t seed = 0;
};

// Trains the classifier (already initialised) on images (n, inputs) with labels (n,); calls
// on_epoch(epoch, mean loss) after each epoch.
void train_classifier(Classifier<float>& net, const Tensor& images, const std::vector<int>& labels,
                      const ClassifierTraining& how,
                      const std::function<void(int, float)>& on_epoch = {});

// The class each picture is given (the largest logit): images (n, inputs) -> (n,).
std::vector<int> classify(Classifier<float>& net, const Tensor& images);
// The share of pictures given their label.
double classifier_accuracy(Classifier<float>& net, const Tensor& images,
                           const std::vector<int>& labels);
// Each picture's features: (n, inputs) -> (n, hidden).
Tensor classifier_features(Classifier<float>& net, const Tensor& images);

}  // namespace ddpm
