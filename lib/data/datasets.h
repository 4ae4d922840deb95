// Data sets: 2-D point clouds the model learns to generate.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"

namespace ddpm {

// The notebook's S-curve: scikit-learn's make_s_curve(n, noise), columns 0 and 2, divided by 10.
//   t = 3*pi*(U - 0.5),  x = sin(t),  z = sign(t)*(cos(t) - 1),  each + noise * N(0, 1)
// Returns (n, 2): x in about [-0.1, 0.1], z in about [-0.2, 0.2].
// (scikit-learn also draws the dropped middle column y = 2*U'; we skip it. The numbers differ
// from scikit-learn's anyway: NumPy's generator is not ours.)
// `param`, when given, receives each point's t (make_labelled_dataset cuts the curve by it).
Tensor make_s_curve(int n, float noise, Rng& rng, std::vector<float>* param = nullptr);

// More 2-D sets for experiments (lesson 10), each scaled to about the S-curve's size (within about
// +-0.25), so that one model and one schedule suit them all. `noise` is the std of the Gaussian
// noise added before scaling, as scikit-learn adds it.

// scikit-learn's make_swiss_roll, columns 0 and 2: t = 1.5 pi (1 + 2U), (t cos t, t sin t), / 60.
Tensor make_swiss_roll(int n, float noise, Rng& rng, std::vector<float>* param = nullptr);
// scikit-learn's make_moons: two interleaved half circles, centred, / 7.5.
Tensor make_moons(int n, float noise, Rng& rng);
// scikit-learn's make_circles (factor 0.5): two concentric circles, radii 1 and 0.5, / 5.
Tensor make_circles(int n, float noise, Rng& rng);
// Eight Gaussians of std 0.02 at radius 0.2, at angles k pi / 4.
// `param` receives each point's mode k = 0 ... 7.
Tensor make_eight_gaussians(int n, Rng& rng, std::vector<float>* param = nullptr);
// A 4 x 4 checkerboard on [-0.2, 0.2]^2, points uniform on its dark squares.
Tensor make_checkerboard(int n, Rng& rng);
// One correlated Gaussian at the S-curve's scale, the data set whose log-likelihood is known in
// closed form (lesson 12 checks the ELBO and the ODE against it): N(kGaussianMean, kGaussianCov).
constexpr double kGaussianMean[2] = {0.02, -0.03};
constexpr double kGaussianCov[2][2] = {{0.010, 0.006}, {0.006, 0.008}};
Tensor make_gaussian(int n, Rng& rng);
// Its log-density at (x, y), and its entropy E[-log q] = 1 + log(2 pi) + log(det C) / 2, in nats.
double gaussian_log_density(double x, double y);
double gaussian_entropy();

// The true density of each named data set, the floor of every model's negative log-likelihood
// (lesson 12). A curve with Gaussian noise (s_curve, swiss_roll, moons, circles)
// has q(x) = mean over its parameter u of N(x; c(u), noise^2 I), found by quadrature over u (4000
// nodes, far finer than the noise); eight_gaussians is a mixture, checkerboard uniform on its dark
// squares, gaussian a closed form. log q(x, y) in nats, in the data set's units (-inf where q is 0).
double dataset_log_density(const std::string& name, double x, double y);
// The entropy E[-log q(x_0)] in nats per point, by Monte Carlo over n fresh points (seed), with
// its standard error: no model's NLL can be below it on average.
struct Entropy {
    double nats = 0;
    double standard_error = 0;
};
Entropy dataset_entropy(const std::string& name, int n, uint64_t seed);

// The data set a run trains on, by name ("s_curve", "swiss_roll", ...), drawn from its own stream
// of the run's seed so that the data and the model's initialisation are independent. Throws
// UsageError for an unknown name.
Tensor make_dataset(const std::string& name, int n, uint64_t seed);
extern const char* const kDatasetNames;

// A data set with a class for each point, for a conditional model (lesson 13): the same points as
// make_dataset(name, n, seed), and labels in [0, classes).
//   s_curve, swiss_roll: the curve cut into `classes` arcs of equal parameter range
//                        (3 on the S-curve: its lower bend, its middle, its upper bend)
//   moons, circles:      2 classes, which moon or circle
//   eight_gaussians:     2, 4 or 8 classes, mode k in class k * classes / 8
// Throws UsageError for another data set or count, naming what is possible.
struct LabelledData {
    Tensor points;            // (n, 2)
    std::vector<int> labels;  // (n,)
    int classes = 0;
};
LabelledData make_labelled_dataset(const std::string& name, int n, int classes, uint64_t seed);
// The points of class k, in their order: (count, 2).
Tensor class_points(const LabelledData& data, int k);
extern const char* const kLabelledDatasetNames;

// A learner's own points, made ready for the model: centred on their mean and scaled so that the
// larger of the two per-axis standard deviations is 0.14, the S-curve's (the scale the schedules
// were chosen for). Samples are mapped back with x * scale + mean.
struct Normalization {
    float mean[2] = {0, 0};
    float scale = 1;  // original units per model unit
};
// Checks the points (n, 2), finite, at least min_points of them, not all on one point), and
// normalises them in place. Throws Error naming `what` otherwise.
Normalization normalize_points(Tensor& points, const std::string& what, int min_points = 200);
// Applies a normalisation found before, in place: (x - mean) / scale, for (..., 2).
void apply_normalization(Tensor& points, const Normalization& norm);
// The inverse, in place, for samples or a trajectory (..., 2).
void denormalize_points(Tensor& points, const Normalization& norm);

// A learner's points as the references a model of them is scored against: n rows each (n at most
// half the points), two disjoint parts of one seeded shuffle (the second is for the noise floor).
void split_reference(const Tensor& points, int n, uint64_t seed, Tensor* a, Tensor* b);

}  // namespace ddpm
