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

#include "core/tensor.h"
#include "nn/feedforward.h"

namespace ddpm {

// The classifier is a FeedForward network whose outputs are the classes' logits.
using ClassifierConfig = FeedForwardConfig;
template <typename T>
using Classifier = FeedForward<T>;

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
