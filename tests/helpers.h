// Small helpers the tests share.
#pragma once
#include <string>

// A fresh temporary folder for files a test writes; removed with everything in it on destruction.
struct TempDir {
    std::string path;
    TempDir();
    ~TempDir();
    std::string file(const std::string& name) const { return path + "/" + name; }
};

// Reads a JSON array of numbers named `key` from a tiny JSON object (the fixtures' format).
#include <vector>
std::vector<double> json_number_array(const std::string& json, const std::string& key);

// Largest |a - b| over all elements; throws ddpm::Error naming both shapes when they differ.
#include "core/tensor.h"
float max_abs_diff(const ddpm::Tensor& a, const ddpm::Tensor& b);
