#include "io/yardstick_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/safetensors.h"
#include "nn/picture_quality.h"

namespace ddpm {

std::string yardstick_cache_path(int side) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    std::string folder;
    if (xdg && *xdg)
        folder = xdg;
    else if (home && *home)
        folder = std::string(home) + "/.cache";
    else
        throw UsageError(
            "neither XDG_CACHE_HOME nor HOME is set: give the yardstick's file with "
            "--classifier FILE");
    return folder + "/ddpm-from-scratch/yardstick_" + std::to_string(side) + ".safetensors";
}

namespace {

SafeTensors yardstick_safetensors(const Classifier<float>& judge, int side, double accuracy) {
    SafeTensors file;
    for (const ParamInfo& p : judge.layout()) {
        const std::vector<int64_t> shape(p.shape.begin(), p.shape.end());
        file.tensors.push_back(f32_tensor(p.name, shape, judge.params.data() + p.offset));
    }
    char acc[32];
    std::snprintf(acc, sizeof acc, "%.6f", accuracy);
    file.metadata = {
        {"format", kYardstickFormat}, {"side", std::to_string(side)}, {"test_accuracy", acc}};
    return file;
}

// The file's classifier, checked against the yardstick of `side`; Error naming what differs.
KeptYardstick yardstick_from(const SafeTensors& file, const std::string& path, int side) {
    const std::string what_to_do = " (name a yardstick's file, or a new path to train one there)";
    const std::string* format = file.meta("format");
    const std::string* file_side = file.meta("side");
    const std::string* accuracy = file.meta("test_accuracy");
    if (!format || *format != kYardstickFormat || !file_side || !accuracy)
        throw Error(path + ": not a yardstick written by ddpm eval" + what_to_do);
    if (*file_side != std::to_string(side))
        throw Error(path + ": a yardstick of pictures of side " + *file_side + ", not " +
                    std::to_string(side) + what_to_do);
    KeptYardstick kept{Classifier<float>(yardstick_config(side * side)), 0, false};
    kept.test_accuracy = std::strtod(accuracy->c_str(), nullptr);
    for (const ParamInfo& p : kept.judge.layout()) {
        const SafeTensor* t = file.find(p.name);
        if (!t || t->shape != std::vector<int64_t>(p.shape.begin(), p.shape.end()))
            throw Error(path + ": tensor " + p.name + " is missing or of another shape" +
                        what_to_do);
        const std::vector<float> v = t->floats(path);
        std::copy(v.begin(), v.end(), kept.judge.params.data() + p.offset);
    }
    if (file.tensors.size() != kept.judge.layout().size())
        throw Error(path + ": holds tensors the yardstick does not have" + what_to_do);
    return kept;
}

}  // namespace

bool yardstick_kept(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

KeptYardstick load_yardstick(const std::string& path, int side) {
    return yardstick_from(load_safetensors(path), path, side);
}

KeptYardstick train_and_keep_yardstick(const std::string& path, const ImageSet& train,
                                       const ImageSet& test) {
    KeptYardstick kept{train_yardstick(train.images, train.labels), 0, true};
    kept.test_accuracy = classifier_accuracy(kept.judge, test.images, test.labels);
    save_safetensors(yardstick_safetensors(kept.judge, train.side, kept.test_accuracy), path);
    return kept;
}

KeptYardstick load_or_train_yardstick(const std::string& path, const ImageSet& train,
                                      const ImageSet& test) {
    if (yardstick_kept(path)) return load_yardstick(path, train.side);
    return train_and_keep_yardstick(path, train, test);
}

}  // namespace ddpm
