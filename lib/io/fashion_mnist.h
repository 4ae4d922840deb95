// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 70,000 grey 28 x 28 pictures of clothing in ten
// classes, 60,000 to train on and 10,000 to test with. Debian ships it as the package
// dataset-fashion-mnist, four gzip-compressed IDX files (io/idx.h) in kFashionMnistDir.
//
// A picture is a point: its pixels in row order, scaled from 0 ... 255 to [-1, 1], the range the
// noise of the forward process is measured against. At side 14 each pixel is the mean of a 2 x 2
// block of the original (196 values a picture, a quarter of the work of 784).
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ddpm {

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr const char* kFashionMnistName = "fashion_mnist";  // the data set's name in the tools
constexpr int kFashionClasses = 10;
// Class k's name, as the data set's authors give them: T-shirt/top, Trouser, ..., Ankle boot.
extern const char* const kFashionClassNames[kFashionClasses];

struct ImageSet {
    Tensor images;            // (n, side * side), values in [-1, 1], row by row
    std::vector<int> labels;  // (n,) in [0, 10)
    int side = 0;             // 28 or 14
};

// The folder the files are read from: $DDPM_FASHION_MNIST if it is set, else kFashionMnistDir.
std::string fashion_mnist_dir();

// The training (60,000) or test (10,000) split at side 28 or 14: split is "train" or "test".
// Throws UsageError when the files are not there, saying which package holds them; Error when a
// file is damaged or the images and labels do not match.
ImageSet load_fashion_mnist(const std::string& split, int side);

// Pixels of 0 ... 255 as values in [-1, 1]: v / 127.5 - 1. And back, rounded and clamped.
float pixel_to_value(int pixel);
int value_to_pixel(float value);

// Each 2 x 2 block of a (side x side) picture averaged into one pixel: (n, side^2) -> (n, side^2/4).
Tensor downsample_2x2(const Tensor& images, int side);

// The first `per_class` pictures of each class, in class order: (10 * per_class, side^2).
Tensor first_of_each_class(const ImageSet& set, int per_class);

}  // namespace ddpm
