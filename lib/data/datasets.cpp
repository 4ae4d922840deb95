#include "data/datasets.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace ddpm {

Tensor make_s_curve(int n, float noise, Rng& rng, std::vector<float>* param) {
    if (n < 1) throw UsageError("make_s_curve: n must be at least 1, got " + std::to_string(n));
    if (!(noise >= 0.0f && std::isfinite(noise)))
        throw UsageError("make_s_curve: noise must be a finite number >= 0");
    Tensor points({n, 2});
    for (int i = 0; i < n; ++i) {
        float t = 3.0f * static_cast<float>(M_PI) * (rng.uniform() - 0.5f);
        if (param) param->push_back(t);
        float sign = t > 0 ? 1.0f : (t < 0 ? -1.0f : 0.0f);
        float x = std::sin(t) + noise * rng.normal();
        float z = sign * (std::cos(t) - 1.0f) + noise * rng.normal();
        points.at(i, 0) = x / 10.0f;
        points.at(i, 1) = z / 10.0f;
    }
    return points;
}

static void check_n(int n, const char* what) {
    if (n < 1)
        throw UsageError(std::string(what) + ": n must be at least 1, got " + std::to_string(n));
}

Tensor make_swiss_roll(int n, float noise, Rng& rng, std::vector<float>* param) {
    check_n(n, "make_swiss_roll");
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        float t = 1.5f * static_cast<float>(M_PI) * (1.0f + 2.0f * rng.uniform());
        if (param) param->push_back(t);
        p.at(i, 0) = (t * std::cos(t) + noise * rng.normal()) / 60.0f;
        p.at(i, 1) = (t * std::sin(t) + noise * rng.normal()) / 60.0f;
    }
    return p;
}

Tensor make_moons(int n, float noise, Rng& rng) {
    check_n(n, "make_moons");
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        // The first half on the outer moon, the second on the inner one, as scikit-learn orders
        // them.
        float a = static_cast<float>(M_PI) * rng.uniform();
        bool outer = i < (n + 1) / 2;
        float x = outer ? std::cos(a) : 1.0f - std::cos(a);
        float y = outer ? std::sin(a) : 0.5f - std::sin(a);
        p.at(i, 0) = (x + noise * rng.normal() - 0.5f) / 7.5f;
        p.at(i, 1) = (y + noise * rng.normal() - 0.25f) / 7.5f;
    }
    return p;
}

Tensor make_circles(int n, float noise, Rng& rng) {
    check_n(n, "make_circles");
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        float a = 2.0f * static_cast<float>(M_PI) * rng.uniform();
        float r = i < (n + 1) / 2 ? 1.0f : 0.5f;
        p.at(i, 0) = (r * std::cos(a) + noise * rng.normal()) / 5.0f;
        p.at(i, 1) = (r * std::sin(a) + noise * rng.normal()) / 5.0f;
    }
    return p;
}

Tensor make_eight_gaussians(int n, Rng& rng, std::vector<float>* param) {
    check_n(n, "make_eight_gaussians");
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        const int k = rng.randint(8);
        if (param) param->push_back(static_cast<float>(k));
        float a = static_cast<float>(M_PI) / 4.0f * static_cast<float>(k);
        p.at(i, 0) = 0.2f * std::cos(a) + 0.02f * rng.normal();
        p.at(i, 1) = 0.2f * std::sin(a) + 0.02f * rng.normal();
    }
    return p;
}

Tensor make_checkerboard(int n, Rng& rng) {
    check_n(n, "make_checkerboard");
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        // On [-2, 2]^2 with unit squares: pick x, then a y in a square of the opposite parity.
        float x = rng.uniform(-2.0f, 2.0f);
        float y = rng.uniform() - 2.0f * static_cast<float>(rng.randint(2));  // [-2,-1) or [0,1)
        y += static_cast<float>((static_cast<int>(std::floor(x)) % 2 + 2) % 2);
        p.at(i, 0) = x / 10.0f;
        p.at(i, 1) = y / 10.0f;
    }
    return p;
}

Tensor make_gaussian(int n, Rng& rng) {
    check_n(n, "make_gaussian");
    // x = mean + L z with L the Cholesky factor of the covariance (L L^T = C).
    const double l00 = std::sqrt(kGaussianCov[0][0]);
    const double l10 = kGaussianCov[1][0] / l00;
    const double l11 = std::sqrt(kGaussianCov[1][1] - l10 * l10);
    Tensor p({n, 2});
    for (int i = 0; i < n; ++i) {
        const double z0 = rng.normal(), z1 = rng.normal();
        p.at(i, 0) = static_cast<float>(kGaussianMean[0] + l00 * z0);
        p.at(i, 1) = static_cast<float>(kGaussianMean[1] + l10 * z0 + l11 * z1);
    }
    return p;
}

static double gaussian_cov_det() {
    return kGaussianCov[0][0] * kGaussianCov[1][1] - kGaussianCov[0][1] * kGaussianCov[1][0];
}

double gaussian_log_density(double x, double y) {
    const double c00 = kGaussianCov[0][0], c01 = kGaussianCov[0][1], c11 = kGaussianCov[1][1];
    const double det = gaussian_cov_det(), d0 = x - kGaussianMean[0], d1 = y - kGaussianMean[1];
    const double quad = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det;  // d^T C^-1 d
    return -0.5 * quad - std::log(2 * M_PI) - 0.5 * std::log(det);
}

double gaussian_entropy() {
    return 1 + std::log(2 * M_PI) + 0.5 * std::log(gaussian_cov_det());
}

const char* const kDatasetNames =
    "s_curve|swiss_roll|moons|circles|eight_gaussians|checkerboard|gaussian";

namespace {

// log of the mean over u in [lo, hi) of N((x, y); c(u), sd^2 I), by the midpoint rule on 4000
// nodes, summed as a log-sum-exp (far from the curve every term underflows).
template <typename Curve>
double curve_log_density(double x, double y, double lo, double hi, double sd, Curve curve) {
    const int nodes = 4000;
    std::vector<double> e(nodes);
    double top = -INFINITY;
    for (int i = 0; i < nodes; ++i) {
        double cx = 0, cy = 0;
        curve(lo + (i + 0.5) * (hi - lo) / nodes, &cx, &cy);
        e[i] = -0.5 * ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (sd * sd);
        top = std::max(top, e[i]);
    }
    double total = 0;
    for (double v : e) total += std::exp(v - top);
    return top + std::log(total / nodes) - std::log(2 * M_PI * sd * sd);
}

// log(w_a e^a + w_b e^b), for mixtures of two parts.
double log_mix(double a, double b) {
    const double top = std::max(a, b);
    if (top == -INFINITY) return top;
    return top + std::log(0.5 * std::exp(a - top) + 0.5 * std::exp(b - top));
}

}  // namespace

double dataset_log_density(const std::string& name, double x, double y) {
    const double pi = M_PI;
    if (name == "s_curve")  // (sin u, sign(u) (cos u - 1)) / 10, noise 0.1 before the / 10
        return curve_log_density(x, y, -1.5 * pi, 1.5 * pi, 0.01,
                                 [](double u, double* cx, double* cy) {
                                     *cx = std::sin(u) / 10;
                                     *cy = (u > 0 ? 1 : u < 0 ? -1 : 0) * (std::cos(u) - 1) / 10;
                                 });
    if (name == "swiss_roll")  // (u cos u, u sin u) / 60, noise 0.5
        return curve_log_density(x, y, 1.5 * pi, 4.5 * pi, 0.5 / 60,
                                 [](double u, double* cx, double* cy) {
                                     *cx = u * std::cos(u) / 60;
                                     *cy = u * std::sin(u) / 60;
                                 });
    if (name == "moons") {  // half on each moon, centred, / 7.5, noise 0.05
        const double sd = 0.05 / 7.5;
        const double outer =
            curve_log_density(x, y, 0, pi, sd, [](double u, double* cx, double* cy) {
                *cx = (std::cos(u) - 0.5) / 7.5;
                *cy = (std::sin(u) - 0.25) / 7.5;
            });
        const double inner =
            curve_log_density(x, y, 0, pi, sd, [](double u, double* cx, double* cy) {
                *cx = (1 - std::cos(u) - 0.5) / 7.5;
                *cy = (0.5 - std::sin(u) - 0.25) / 7.5;
            });
        return log_mix(outer, inner);
    }
    if (name == "circles") {  // half on each circle, radii 1 and 0.5, / 5, noise 0.03
        auto circle = [&](double r) {
            return curve_log_density(x, y, 0, 2 * pi, 0.03 / 5,
                                     [r](double u, double* cx, double* cy) {
                                         *cx = r * std::cos(u) / 5;
                                         *cy = r * std::sin(u) / 5;
                                     });
        };
        return log_mix(circle(1.0), circle(0.5));
    }
    if (name == "eight_gaussians") {  // eight modes of weight 1/8, std 0.02, at radius 0.2
        std::vector<double> e(8);
        double top = -INFINITY;
        for (int k = 0; k < 8; ++k) {
            const double a = pi / 4 * k, dx = x - 0.2 * std::cos(a), dy = y - 0.2 * std::sin(a);
            e[k] = -0.5 * (dx * dx + dy * dy) / (0.02 * 0.02);
            top = std::max(top, e[k]);
        }
        double total = 0;
        for (double v : e) total += std::exp(v - top);
        return top + std::log(total / 8) - std::log(2 * pi * 0.02 * 0.02);
    }
    if (name == "checkerboard") {  // uniform on 8 squares of side 0.1: density 1 / 0.08
        const double u = std::floor(x * 10), v = std::floor(y * 10);
        const bool inside = u >= -2 && u <= 1 && v >= -2 && v <= 1;
        const bool dark = std::fmod(std::fabs(u - v), 2.0) == 0;
        return inside && dark ? -std::log(0.08) : -INFINITY;
    }
    if (name == "gaussian") return gaussian_log_density(x, y);
    throw UsageError("unknown dataset '" + name + "' (expected " + kDatasetNames + ")");
}

Entropy dataset_entropy(const std::string& name, int n, uint64_t seed) {
    if (n < 2) throw UsageError("dataset_entropy: n must be at least 2");
    const Tensor x = make_dataset(name, n, seed);
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
        const double v = -dataset_log_density(name, x.at(i, 0), x.at(i, 1));
        sum += v;
        sq += v * v;
    }
    Entropy out;
    out.nats = sum / n;
    out.standard_error = std::sqrt(std::max(0.0, (sq / n - out.nats * out.nats) / (n - 1)));
    return out;
}

Tensor make_dataset(const std::string& name, int n, uint64_t seed) {
    Rng rng(seed, /*stream=*/0xda7a);  // not the stream a Trainer seeded with `seed` uses
    if (name == "s_curve") return make_s_curve(n, 0.1f, rng);
    if (name == "swiss_roll") return make_swiss_roll(n, 0.5f, rng);
    if (name == "moons") return make_moons(n, 0.05f, rng);
    if (name == "circles") return make_circles(n, 0.03f, rng);
    if (name == "eight_gaussians") return make_eight_gaussians(n, rng);
    if (name == "checkerboard") return make_checkerboard(n, rng);
    if (name == "gaussian") return make_gaussian(n, rng);
    throw UsageError("unknown dataset '" + name + "' (expected " + kDatasetNames + ")");
}

const char* const kLabelledDatasetNames =
    "s_curve or swiss_roll (any number of arcs), moons or circles (2), eight_gaussians (2, 4, 8)";

// Which of `classes` equal ranges of [lo, hi) holds v.
static int range_class(float v, float lo, float hi, int classes) {
    const int k = static_cast<int>(std::floor((v - lo) / (hi - lo) * static_cast<float>(classes)));
    return std::max(0, std::min(classes - 1, k));
}

LabelledData make_labelled_dataset(const std::string& name, int n, int classes, uint64_t seed) {
    auto refuse = [&](const std::string& why) {
        return UsageError("classes " + std::to_string(classes) + " on '" + name + "': " + why +
                          "; labelled data sets: " + kLabelledDatasetNames);
    };
    if (classes < 2 || classes > 64) throw refuse("the number of classes must be in [2, 64]");
    Rng rng(seed, /*stream=*/0xda7a);  // make_dataset's stream: the same points
    LabelledData out;
    out.classes = classes;
    std::vector<float> param;
    const float pi = static_cast<float>(M_PI);
    if (name == "s_curve" || name == "swiss_roll") {
        const bool s = name == "s_curve";
        out.points = s ? make_s_curve(n, 0.1f, rng, &param) : make_swiss_roll(n, 0.5f, rng, &param);
        const float lo = s ? -1.5f * pi : 1.5f * pi, hi = s ? 1.5f * pi : 4.5f * pi;
        for (float t : param) out.labels.push_back(range_class(t, lo, hi, classes));
    } else if (name == "moons" || name == "circles") {
        if (classes != 2) throw refuse("it has 2 parts");
        out.points = name == "moons" ? make_moons(n, 0.05f, rng) : make_circles(n, 0.03f, rng);
        for (int i = 0; i < n; ++i) out.labels.push_back(i < (n + 1) / 2 ? 0 : 1);
    } else if (name == "eight_gaussians") {
        if (8 % classes != 0) throw refuse("its 8 modes split into 2, 4 or 8 classes");
        out.points = make_eight_gaussians(n, rng, &param);
        for (float k : param) out.labels.push_back(static_cast<int>(k) * classes / 8);
    } else {
        throw refuse("it has no labels");
    }
    return out;
}

Tensor class_points(const LabelledData& data, int k) {
    int n = 0;
    for (int c : data.labels) n += c == k;
    Tensor out({n, 2});
    int row = 0;
    for (int i = 0; i < data.points.dim(0); ++i)
        if (data.labels[i] == k) {
            out.at(row, 0) = data.points.at(i, 0);
            out.at(row, 1) = data.points.at(i, 1);
            ++row;
        }
    return out;
}

Normalization normalize_points(Tensor& points, const std::string& what, int min_points) {
    if (points.ndim() != 2 || points.dim(1) != 2)
        throw Error(what + ": expected 2-D points (n, 2), got " + points.shape_str());
    if (points.dim(0) < min_points)
        throw Error(what + ": " + std::to_string(points.dim(0)) + " points; at least " +
                    std::to_string(min_points) + " are needed to learn a distribution");
    if (!all_finite(points)) throw Error(what + ": NaN or infinite coordinates");
    std::vector<double> m = column_mean(points), sd = column_std(points);
    const double spread = std::max(sd[0], sd[1]);
    if (!(spread > 1e-12)) throw Error(what + ": all points are the same point");
    // Worked out in double, checked before it is rounded to float: coordinates near float's limit
    // would give an infinite scale that every later use (sampling, eval) would trip on.
    const double scale = spread / 0.14;
    if (!(scale < 1e37) || !(std::fabs(m[0]) < 1e37) || !(std::fabs(m[1]) < 1e37))
        throw Error(what + ": coordinates up to about " +
                    std::to_string(std::max(std::fabs(m[0]), spread)) +
                    " are too large to normalise in float32; rescale the points (divide them)");
    Normalization norm;
    norm.mean[0] = static_cast<float>(m[0]);
    norm.mean[1] = static_cast<float>(m[1]);
    norm.scale = static_cast<float>(scale);
    apply_normalization(points, norm);
    return norm;
}

void apply_normalization(Tensor& points, const Normalization& norm) {
    // In double: x - mean must not overflow float when x and mean are far apart.
    for (size_t i = 0; i + 1 < points.size(); i += 2) {
        points[i] = static_cast<float>((double(points[i]) - norm.mean[0]) / norm.scale);
        points[i + 1] = static_cast<float>((double(points[i + 1]) - norm.mean[1]) / norm.scale);
    }
}

void denormalize_points(Tensor& points, const Normalization& norm) {
    for (size_t i = 0; i + 1 < points.size(); i += 2) {
        points[i] = points[i] * norm.scale + norm.mean[0];
        points[i + 1] = points[i + 1] * norm.scale + norm.mean[1];
    }
}

void split_reference(const Tensor& points, int n, uint64_t seed, Tensor* a, Tensor* b) {
    if (n > points.dim(0) / 2) throw Error("split_reference: n is more than half the points");
    std::vector<int> order(points.dim(0));
    for (int i = 0; i < points.dim(0); ++i) order[i] = i;
    Rng rng(seed);
    rng.shuffle(order);
    *a = Tensor({n, 2});
    *b = Tensor({n, 2});
    for (int i = 0; i < n; ++i)
        for (int d = 0; d < 2; ++d) {
            a->at(i, d) = points.at(order[i], d);
            b->at(i, d) = points.at(order[n + i], d);
        }
}

}  // namespace ddpm
