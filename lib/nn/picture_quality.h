// Generated pictures judged by the yardstick (lessons 15 and 16, and ddpm eval): the classifier the
// course trains itself (nn/classifier.h), one definition for all of them; then, for a set of
// samples, the share the classifier names as the class they were asked for, the Fréchet distance
// of their features from real test pictures' beside its floor, k-NN precision and recall there,
// and how near the samples sit to the training pictures (data/feature_metrics.h).
#pragma once
#include <functional>
#include <vector>

#include "core/tensor.h"
#include "data/metrics.h"
#include "nn/classifier.h"

namespace ddpm {

// The yardstick: inputs -> 256 -> 256 -> 10, initialised from seed 7 and trained 4 epochs (Adam,
// batch 128, learning rate 1e-3, shuffled from seed 7) on softmax cross-entropy.
ClassifierConfig yardstick_config(int inputs);
ClassifierTraining yardstick_training();
// The yardstick trained on pictures (n, inputs) and their labels; on_epoch(epoch, mean loss).
Classifier<float> train_yardstick(const Tensor& images, const std::vector<int>& labels,
                                  const std::function<void(int, float)>& on_epoch = {});

// What samples are measured against: two disjoint sets of real test pictures, a and b (each
// measure's floor is b's value against a), and the training pictures (memorisation).
struct PictureReference {
    Tensor features_a;        // the judge's features of a
    double fd_floor = 0;      // the Fréchet distance between b's features and a's
    PrecisionRecall floor;    // b's k-NN precision and recall against a (k = 5)
    double test_nearest = 0;  // the median distance from a picture of b to its nearest training one
};
PictureReference picture_reference(Classifier<float>& judge, const Tensor& test_a,
                                   const Tensor& test_b, const Tensor& train_images);

struct PictureQuality {
    double accuracy = -1;  // the share classified as the class asked for; -1 when none was asked
    double fd = 0;         // the Fréchet distance of the samples' features from a's
    double precision = 0, recall = 0;  // against a, k = 5
    // The samples' median distance to their nearest training picture over a test picture's: near
    // 1 for new pictures, well below 1 for copies.
    double memorisation = 0;
};
// samples (n, inputs); asked: each sample's class, or empty for an unconditional draw.
PictureQuality judge_pictures(Classifier<float>& judge, const Tensor& samples,
                              const std::vector<int>& asked, const PictureReference& ref,
                              const Tensor& train_images);

// The median of the values (the mean of the middle two for an even count).
double median(std::vector<double> values);

}  // namespace ddpm
