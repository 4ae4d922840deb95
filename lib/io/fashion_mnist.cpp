#include "io/fashion_mnist.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "io/idx.h"

namespace ddpm {

const char* const kFashionClassNames[kFashionClasses] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

std::string fashion_mnist_dir() {
    const char* env = std::getenv("DDPM_FASHION_MNIST");
    return env && *env ? env : kFashionMnistDir;
}

float pixel_to_value(int pixel) {
    return static_cast<float>(pixel) / 127.5f - 1.0f;
}

int value_to_pixel(float value) {
    const float p = std::round((value + 1.0f) * 127.5f);
    if (!(p >= 0.0f)) return 0;  // NaN too: a drawing never shows garbage as bright
    return p > 255.0f ? 255 : static_cast<int>(p);
}

Tensor downsample_2x2(const Tensor& images, int side) {
    if (side < 2 || side % 2 != 0 || images.ndim() != 2 || images.dim(1) != side * side)
        throw Error("downsample_2x2: expected pictures (n, side^2) with an even side, got " +
                    images.shape_str() + " for side " + std::to_string(side));
    const int n = images.dim(0), half = side / 2;
    Tensor out({n, half * half});
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < half; ++r)
            for (int c = 0; c < half; ++c) {
                auto px = [&](int dr, int dc) {
                    return images.at(i, (2 * r + dr) * side + 2 * c + dc);
                };
                out.at(i, r * half + c) = (px(0, 0) + px(0, 1) + px(1, 0) + px(1, 1)) / 4.0f;
            }
    return out;
}

Tensor first_of_each_class(const ImageSet& set, int per_class) {
    const int D = set.images.dim(1);
    Tensor out({kFashionClasses * per_class, D});
    for (int k = 0; k < kFashionClasses; ++k) {
        int found = 0;
        for (size_t i = 0; i < set.labels.size() && found < per_class; ++i) {
            if (set.labels[i] != k) continue;
            std::copy(set.images.data() + i * D, set.images.data() + (i + 1) * D,
                      out.data() + static_cast<size_t>(k * per_class + found) * D);
            ++found;
        }
        if (found < per_class)
            throw Error("first_of_each_class: class " + std::to_string(k) + " has " +
                        std::to_string(found) + " pictures, fewer than " +
                        std::to_string(per_class));
    }
    return out;
}

ImageSet load_fashion_mnist(const std::string& split, int side) {
    if (split != "train" && split != "test")
        throw UsageError("Fashion-MNIST: split '" + split + "' is not train or test");
    if (side != 28 && side != 14)
        throw UsageError("Fashion-MNIST: side " + std::to_string(side) + " is not 28 or 14");
    const std::string dir = fashion_mnist_dir();
    const std::string prefix = dir + "/" + (split == "train" ? "train" : "t10k");
    const std::string images_path = prefix + "-images-idx3-ubyte.gz";
    const std::string labels_path = prefix + "-labels-idx1-ubyte.gz";
    struct stat st {};
    if (stat(images_path.c_str(), &st) != 0)
        throw UsageError("Fashion-MNIST is not in " + dir + " (no " + images_path +
                         "): install Debian's package dataset-fashion-mnist (apt-get install " +
                         "dataset-fashion-mnist), or set DDPM_FASHION_MNIST to a folder holding "
                         "its four .gz files");
    const IdxArray images = read_idx(images_path);
    const IdxArray labels = read_idx(labels_path);
    // The files' shapes: (n, 28, 28) pictures and (n,) labels in [0, 10).
    if (images.shape.size() != 3 || images.shape[1] != 28 || images.shape[2] != 28)
        throw Error(images_path + ": expected pictures (n, 28, 28)");
    if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0])
        throw Error(labels_path + ": expected one label for each of the " +
                    std::to_string(images.shape[0]) + " pictures");
    ImageSet set;
    const int n = images.shape[0];
    set.labels.resize(n);
    for (int i = 0; i < n; ++i) {
        if (labels.values[i] >= kFashionClasses)
            throw Error(labels_path + ": label " + std::to_string(labels.values[i]) +
                        " of picture " + std::to_string(i) + " is not a class 0 ... 9");
        set.labels[i] = labels.values[i];
    }
    Tensor full({n, 28 * 28});
    for (size_t i = 0; i < full.size(); ++i) full[i] = pixel_to_value(images.values[i]);
    set.side = side;
    set.images = side == 28 ? full : downsample_2x2(full, 28);
    return set;
}

}  // namespace ddpm
