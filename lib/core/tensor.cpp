#include "core/tensor.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace ddpm {

size_t numel(const std::vector<int>& shape) {
    size_t n = 1;
    for (int d : shape) {
        if (d < 0) throw Error("negative dimension in shape " + shape_str(shape));
        n *= static_cast<size_t>(d);
    }
    return n;
}

std::string shape_str(const std::vector<int>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";  // NumPy writes a 1-tuple as (n,)
    return s + ")";
}

Tensor::Tensor(std::vector<int> shape, float fill)
    : shape_(std::move(shape)), data_(numel(shape_), fill) {}

Tensor::Tensor(std::vector<int> shape, std::vector<float> values)
    : shape_(std::move(shape)), data_(std::move(values)) {
    if (data_.size() != numel(shape_))
        throw Error("tensor of shape " + shape_str() + " needs " + std::to_string(numel(shape_)) +
                    " values, got " + std::to_string(data_.size()));
}

int Tensor::dim(int i) const {
    int n = ndim();
    if (i < 0) i += n;
    if (i < 0 || i >= n)
        throw Error("axis " + std::to_string(i) + " out of range for shape " + shape_str());
    return shape_[i];
}

std::string Tensor::shape_str() const {
    return ddpm::shape_str(shape_);
}

Tensor Tensor::reshaped(std::vector<int> shape) const {
    if (numel(shape) != size())
        throw Error("cannot reshape " + shape_str() + " to " + ddpm::shape_str(shape));
    return Tensor(std::move(shape), data_);
}

Tensor Tensor::slice(int begin, int end) const {
    if (ndim() == 0 || begin < 0 || end > shape_[0] || begin > end)
        throw Error("slice [" + std::to_string(begin) + ", " + std::to_string(end) +
                    ") out of range for shape " + shape_str());
    std::vector<int> shape = shape_;
    shape[0] = end - begin;
    size_t row = shape_[0] ? size() / shape_[0] : 0;
    return Tensor(shape,
                  std::vector<float>(data_.begin() + begin * row, data_.begin() + end * row));
}

Tensor Tensor::frame(int i) const {
    std::vector<int> rest(shape_.begin() + (shape_.empty() ? 0 : 1), shape_.end());
    return slice(i, i + 1).reshaped(rest);
}

std::vector<double> column_mean(const Tensor& a) {
    if (a.ndim() != 2) throw Error("column_mean: expected a 2-D tensor, got " + a.shape_str());
    std::vector<double> m(a.dim(1), 0.0);
    for (int i = 0; i < a.dim(0); ++i)
        for (int j = 0; j < a.dim(1); ++j) m[j] += a.at(i, j);
    for (double& v : m) v /= a.dim(0);
    return m;
}

std::vector<double> column_std(const Tensor& a) {
    std::vector<double> m = column_mean(a), v(a.dim(1), 0.0);
    for (int i = 0; i < a.dim(0); ++i)
        for (int j = 0; j < a.dim(1); ++j) v[j] += (a.at(i, j) - m[j]) * (a.at(i, j) - m[j]);
    for (double& x : v) x = std::sqrt(x / a.dim(0));
    return v;
}

bool all_finite(const Tensor& a) {
    for (size_t i = 0; i < a.size(); ++i)
        if (!std::isfinite(a[i])) return false;
    return true;
}

}  // namespace ddpm
