#include "tensor.h"

#include <cmath>
#include <utility>

#include "error.h"

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

void require_same_shape(const Tensor& a, const Tensor& b, const char* what) {
    if (a.shape() != b.shape())
        throw Error(std::string(what) + ": shape mismatch " + a.shape_str() + " vs " +
                    b.shape_str());
}

// One loop for the three element-wise ops: the operation is the only thing that changes.
template <typename Op>
static Tensor elementwise(const Tensor& a, const Tensor& b, const char* what, Op op) {
    require_same_shape(a, b, what);
    Tensor out(a.shape());
    for (size_t i = 0; i < a.size(); ++i) out[i] = op(a[i], b[i]);
    return out;
}

Tensor operator+(const Tensor& a, const Tensor& b) {
    return elementwise(a, b, "add", [](float x, float y) { return x + y; });
}
Tensor operator-(const Tensor& a, const Tensor& b) {
    return elementwise(a, b, "subtract", [](float x, float y) { return x - y; });
}
Tensor operator*(const Tensor& a, const Tensor& b) {
    return elementwise(a, b, "multiply", [](float x, float y) { return x * y; });
}
Tensor operator*(const Tensor& a, float s) {
    Tensor out(a.shape());
    for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] * s;
    return out;
}
Tensor operator*(float s, const Tensor& a) {
    return a * s;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
    if (a.ndim() != 2 || b.ndim() != 2 || a.dim(1) != b.dim(0))
        throw Error("matmul: shape mismatch " + a.shape_str() + " vs " + b.shape_str());
    const int M = a.dim(0), K = a.dim(1), N = b.dim(1);
    Tensor out({M, N});
    for (int i = 0; i < M; ++i)
        for (int k = 0; k < K; ++k) {
            const float aik = a.at(i, k);
            for (int j = 0; j < N; ++j) out.at(i, j) += aik * b.at(k, j);
        }
    return out;
}

float sum(const Tensor& a) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i];
    return static_cast<float>(s);
}

float mean(const Tensor& a) {
    return a.size() ? sum(a) / static_cast<float>(a.size()) : 0.0f;
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

float max_abs_diff(const Tensor& a, const Tensor& b) {
    require_same_shape(a, b, "max_abs_diff");
    float d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::fmax(d, std::fabs(a[i] - b[i]));
    return d;
}

bool all_finite(const Tensor& a) {
    for (size_t i = 0; i < a.size(); ++i)
        if (!std::isfinite(a[i])) return false;
    return true;
}

}  // namespace ddpm
