// The yardstick kept on disk, so ddpm eval trains it once for each picture size: the classifier of
// lib/nn/picture_quality.h as safetensors (its layers under nn.Sequential's names, layers.0.weight
// ...), with metadata naming what it is, the pictures' side and its accuracy on the test pictures.
#pragma once
#include <string>

#include "io/fashion_mnist.h"
#include "nn/classifier.h"

namespace ddpm {

constexpr const char* kYardstickFormat = "ddpm-from-scratch-yardstick";  // metadata "format"

// Where the tools keep it unless told: $XDG_CACHE_HOME/ddpm-from-scratch/yardstick_SIDE.safetensors,
// or under $HOME/.cache when XDG_CACHE_HOME is not set. Throws UsageError when neither is.
std::string yardstick_cache_path(int side);

struct KeptYardstick {
    Classifier<float> judge;
    double test_accuracy = 0;  // on the 10,000 test pictures, measured when it was trained
    bool trained = false;      // trained by this call (the file did not exist)
};

// The yardstick of pictures of `side` kept at `path`. A file that is not a yardstick of that side,
// or is damaged, is an Error naming it (and is never replaced).
KeptYardstick load_yardstick(const std::string& path, int side);
// A yardstick trained on `train` (measured on `test`), written to `path` (atomically, folders
// made), and returned.
KeptYardstick train_and_keep_yardstick(const std::string& path, const ImageSet& train,
                                       const ImageSet& test);
// load_yardstick when there is a file at `path`, else train_and_keep_yardstick.
KeptYardstick load_or_train_yardstick(const std::string& path, const ImageSet& train,
                                      const ImageSet& test);
// Whether a file is at `path` (then load_yardstick reads it; else it is trained).
bool yardstick_kept(const std::string& path);

}  // namespace ddpm
