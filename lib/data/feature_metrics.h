// Measures of generated pictures in a feature space (lessons 15 and 16). Pixels are a poor space
// to compare pictures in (a shirt moved by one pixel is far from itself), so each picture is first
// mapped to a classifier's features (nn/classifier.h) and the sets are compared there:
//
// - The Fréchet distance (FID's idea, Heusel et al. 2017, with our own features in place of
//   Inception's): fit a Gaussian to each set's features and measure
//     d^2 = |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a^1/2 C_b C_a^1/2)^1/2)
//   0 for equal Gaussians; its floor is the distance between two halves of the real test set.
// - k-NN precision and recall (data/metrics.h), in any dimension.
// - Memorisation: each sample's distance to its nearest training picture, beside a test picture's
//   (a model that copies its training set puts its samples much nearer than real new pictures are).
#pragma once
#include <vector>

#include "core/tensor.h"

namespace ddpm {

// The mean (d) and covariance (d x d, row-major, divided by n - 1 as NumPy's np.cov) of n rows.
struct FeatureGaussian {
    int dim = 0;
    std::vector<double> mean, cov;
};
FeatureGaussian fit_gaussian(const Tensor& features);  // features (n, d), n >= 2

// The Fréchet distance squared between two Gaussians of the same dimension, and between the
// Gaussians fitted to two sets of features.
double frechet_distance(const FeatureGaussian& a, const FeatureGaussian& b);
double frechet_distance(const Tensor& a, const Tensor& b);

// For each row of queries (n, d), the Euclidean distance to its nearest row of reference (m, d).
std::vector<double> nearest_distances(const Tensor& queries, const Tensor& reference);

}  // namespace ddpm
