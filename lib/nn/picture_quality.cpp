#include "nn/picture_quality.h"

#include <algorithm>

#include "core/error.h"
#include "core/rng.h"
#include "data/feature_metrics.h"

namespace ddpm {

ClassifierConfig yardstick_config(int inputs) {
    ClassifierConfig cc;
    cc.inputs = inputs;
    cc.hidden = 256;
    cc.depth = 2;
    cc.outputs = 10;
    return cc;
}

ClassifierTraining yardstick_training() {
    ClassifierTraining how;
    how.epochs = 4;
    how.batch = 128;
    how.lr = 1e-3f;
    how.seed = 7;
    return how;
}

Classifier<float> train_yardstick(const Tensor& images, const std::vector<int>& labels,
                                  const std::function<void(int, float)>& on_epoch) {
    Classifier<float> judge(yardstick_config(images.dim(1)));
    Rng rng(7);
    judge.init(rng);
    train_classifier(judge, images, labels, yardstick_training(), on_epoch);
    return judge;
}

double median(std::vector<double> values) {
    if (values.empty()) throw Error("median of no values");
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

PictureReference picture_reference(Classifier<float>& judge, const Tensor& test_a,
                                   const Tensor& test_b, const Tensor& train_images) {
    PictureReference ref;
    ref.features_a = classifier_features(judge, test_a);
    const Tensor features_b = classifier_features(judge, test_b);
    ref.fd_floor = frechet_distance(ref.features_a, features_b);
    ref.floor = knn_precision_recall(features_b, ref.features_a, 5);
    ref.test_nearest = median(nearest_distances(test_b, train_images));
    return ref;
}

PictureQuality judge_pictures(Classifier<float>& judge, const Tensor& samples,
                              const std::vector<int>& asked, const PictureReference& ref,
                              const Tensor& train_images) {
    PictureQuality q;
    if (!asked.empty()) q.accuracy = classifier_accuracy(judge, samples, asked);
    const Tensor features = classifier_features(judge, samples);
    q.fd = frechet_distance(features, ref.features_a);
    const PrecisionRecall pr = knn_precision_recall(features, ref.features_a, 5);
    q.precision = pr.precision;
    q.recall = pr.recall;
    q.memorisation = median(nearest_distances(samples, train_images)) / ref.test_nearest;
    return q;
}

}  // namespace ddpm
