// Sample quality: how close are generated points to the true distribution? Three measures, each
// between a generated set and a fresh sample of the truth, and each next to its noise floor (the
// same measure between two independent true samples: what a perfect model would score).
//
// - Sliced Wasserstein-1: the mean over random directions of the 1-D Wasserstein-1 distance of the
//   projections (exact in 1-D: the area between the two CDFs). Same units as the data.
// - MMD^2 (unbiased) with an RBF kernel, summed over a few bandwidths: 0 for equal distributions.
// - k-NN precision and recall (Kynkaanniemi et al. 2019, k = 5): the share of generated points
//   inside the true sample's k-NN balls (are samples realistic?) and of true points inside the
//   generated sample's balls (is the whole distribution covered?).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ddpm {

// 1-D Wasserstein-1 between two empirical distributions (any sizes): integral of |F_a - F_b|.
double wasserstein_1d(std::vector<float> a, std::vector<float> b);

// a (n, 2), b (m, 2). Directions from a fixed seed, so the number is reproducible.
double sliced_wasserstein(const Tensor& a, const Tensor& b, int projections = 256,
                          uint64_t seed = 20201);

// Unbiased MMD^2 with sum_k exp(-|x - y|^2 / (2 h_k^2)) over the bandwidths h_k.
double mmd2(const Tensor& a, const Tensor& b, const std::vector<double>& bandwidths);

struct PrecisionRecall {
    double precision = 0, recall = 0;
};
// generated (n, d), real (m, d): points of any dimension d (pictures' features: lesson 15).
PrecisionRecall knn_precision_recall(const Tensor& generated, const Tensor& real, int k = 5);

struct Quality {
    double swd = 0, mmd = 0, precision = 0, recall = 0;
};

struct QualityReport {
    Quality model;  // generated vs a true sample
    Quality floor;  // a true sample vs another true sample
    int n = 0;      // points compared (generated and true sets are capped at this size)
};

// The bandwidths MMD uses by default: fractions of the S-curve's scale (its std is ~0.1).
extern const std::vector<double> kMmdBandwidths;

// Compares generated points with real_a, and real_b with real_a for the floor. Each set is cut to
// its first max_n points (MMD and k-NN cost n^2); pass shuffled sets.
QualityReport evaluate_quality(const Tensor& generated, const Tensor& real_a, const Tensor& real_b,
                               int max_n = 3000);

// The report as a readable table, and as one JSON object on one line.
std::string quality_table(const QualityReport& r);
std::string quality_json(const QualityReport& r);

}  // namespace ddpm
