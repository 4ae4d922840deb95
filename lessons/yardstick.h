// The yardstick of lessons 15 and 16: a classifier trained here on Fashion-MNIST (no pretrained
// network may be downloaded), whose accuracy on generated pictures and whose features (for the
// Fréchet distance) judge them. Lesson 15 introduces it; lib/nn/classifier.h holds the network
// and its training, lib/nn/picture_quality.h its one definition and the measures.
#pragma once
#include <cstdio>

#include "core/error.h"

#include "io/fashion_mnist.h"
#include "lesson.h"
#include "nn/classifier.h"
#include "nn/picture_quality.h"

namespace lesson {

// Fashion-MNIST's training and test pictures at `side` pixels a side; without the data, prints
// the one line that says how to get it and returns false (the lesson then exits with status 2).
inline bool load_pictures(int side, ddpm::ImageSet& train, ddpm::ImageSet& test) {
    try {
        train = ddpm::load_fashion_mnist("train", side);
        test = ddpm::load_fashion_mnist("test", side);
    } catch (const ddpm::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return false;
    }
    return true;
}

// The yardstick (lib/nn/picture_quality.h: 196 -> 256 -> 256 -> 10, 4 epochs of softmax
// cross-entropy), trained here; prints its accuracy on the test pictures and checks it.
inline ddpm::Classifier<float> train_yardstick(const ddpm::ImageSet& train,
                                               const ddpm::ImageSet& test, Checks& check) {
    const ddpm::ClassifierConfig cc = ddpm::yardstick_config(train.side * train.side);
    std::printf(
        "the yardstick: a classifier %d -> %d -> %d -> %d, softmax cross-entropy, %d "
        "epochs\n",
        cc.inputs, cc.hidden, cc.hidden, cc.outputs, ddpm::yardstick_training().epochs);
    ddpm::Classifier<float> judge = ddpm::train_yardstick(
        train.images, train.labels,
        [](int epoch, float loss) { std::printf("  epoch %d: mean loss %.4f\n", epoch, loss); });
    const double accuracy = ddpm::classifier_accuracy(judge, test.images, test.labels);
    std::printf("  accuracy on the 10,000 test pictures: %.4f\n\n", accuracy);
    check.that(accuracy > 0.82, "the yardstick classifies more than 82% of the test pictures");
    return judge;
}

}  // namespace lesson
