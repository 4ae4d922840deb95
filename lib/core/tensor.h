// Tensor: a float32 array in row-major order that owns its storage and knows its shape.
// It is deliberately small: shapes the lessons can print, element access, slices and frames, and
// column statistics. Layers work on raw float pointers (see layers.h); a Tensor is how lessons
// hold data sets, samples and trajectories.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace ddpm {

class Tensor {
public:
    Tensor() = default;
    // A tensor of the given shape, every element set to `fill`.
    explicit Tensor(std::vector<int> shape, float fill = 0.0f);
    // A tensor that takes `values` (its size must match the shape).
    Tensor(std::vector<int> shape, std::vector<float> values);

    const std::vector<int>& shape() const { return shape_; }
    int ndim() const { return static_cast<int>(shape_.size()); }
    int dim(int i) const;  // size along axis i; negative i counts from the end
    size_t size() const { return data_.size(); }
    std::string shape_str() const;  // "(10000, 2)", as NumPy prints it

    float* data() { return data_.data(); }
    const float* data() const { return data_.data(); }
    float& operator[](size_t i) { return data_[i]; }
    float operator[](size_t i) const { return data_[i]; }
    // 2-D access: row i, column j.
    float& at(int i, int j) { return data_[static_cast<size_t>(i) * shape_.back() + j]; }
    float at(int i, int j) const { return data_[static_cast<size_t>(i) * shape_.back() + j]; }

    // The same values under a new shape with as many elements.
    Tensor reshaped(std::vector<int> shape) const;
    // Rows [begin, end) of the first axis, as a new tensor.
    Tensor slice(int begin, int end) const;
    // Entry i of the first axis without that axis: frame(i) of a (frames, n, 2) trajectory is (n,
    // 2).
    Tensor frame(int i) const;

private:
    std::vector<int> shape_;
    std::vector<float> data_;
};

std::string shape_str(const std::vector<int>& shape);
size_t numel(const std::vector<int>& shape);

// Per-column mean and (population) standard deviation of a 2-D tensor, computed in double.
std::vector<double> column_mean(const Tensor& a);
std::vector<double> column_std(const Tensor& a);
// True if every element is finite.
bool all_finite(const Tensor& a);

}  // namespace ddpm
