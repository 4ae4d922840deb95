#include "data/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/rng.h"

namespace ddpm {

const std::vector<double> kMmdBandwidths = {0.01, 0.02, 0.05, 0.1};

static void check_points(const Tensor& t, const char* what) {
    if (t.ndim() != 2 || t.dim(1) != 2 || t.dim(0) < 1)
        throw Error(std::string(what) + ": expected points (n, 2), got " + t.shape_str());
    if (!all_finite(t)) throw Error(std::string(what) + ": points contain NaN or infinity");
}

double wasserstein_1d(std::vector<float> a, std::vector<float> b) {
    if (a.empty() || b.empty()) throw Error("wasserstein_1d: empty sample");
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    // Walk both sorted samples together; between consecutive values the two CDFs are constant.
    const double na = a.size(), nb = b.size();
    size_t i = 0, j = 0;
    double x = std::min(a[0], b[0]), area = 0;
    while (i < a.size() || j < b.size()) {
        double next = j >= b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
        area += std::fabs(i / na - j / nb) * (next - x);
        x = next;
        while (i < a.size() && a[i] == next) ++i;
        while (j < b.size() && b[j] == next) ++j;
    }
    return area;
}

double sliced_wasserstein(const Tensor& a, const Tensor& b, int projections, uint64_t seed) {
    check_points(a, "sliced_wasserstein");
    check_points(b, "sliced_wasserstein");
    Rng rng(seed);
    std::vector<float> pa(a.dim(0)), pb(b.dim(0));
    double sum = 0;
    for (int p = 0; p < projections; ++p) {
        const double angle = 2 * M_PI * rng.uniform();
        const float c = static_cast<float>(std::cos(angle)),
                    s = static_cast<float>(std::sin(angle));
        for (int i = 0; i < a.dim(0); ++i) pa[i] = c * a.at(i, 0) + s * a.at(i, 1);
        for (int i = 0; i < b.dim(0); ++i) pb[i] = c * b.at(i, 0) + s * b.at(i, 1);
        sum += wasserstein_1d(pa, pb);
    }
    return sum / projections;
}

double mmd2(const Tensor& a, const Tensor& b, const std::vector<double>& bandwidths) {
    check_points(a, "mmd2");
    check_points(b, "mmd2");
    if (a.dim(0) < 2 || b.dim(0) < 2) throw Error("mmd2: needs at least 2 points on each side");
    std::vector<double> gamma;
    for (double h : bandwidths) gamma.push_back(1.0 / (2 * h * h));
    auto kernel = [&](const Tensor& x, int i, const Tensor& y, int j) {
        double dx = x.at(i, 0) - y.at(j, 0), dy = x.at(i, 1) - y.at(j, 1), d2 = dx * dx + dy * dy;
        double k = 0;
        for (double g : gamma) k += std::exp(-g * d2);
        return k;
    };
    auto mean_within = [&](const Tensor& x) {  // mean over pairs i != j
        double s = 0;
        for (int i = 0; i < x.dim(0); ++i)
            for (int j = i + 1; j < x.dim(0); ++j) s += kernel(x, i, x, j);
        return 2 * s / (static_cast<double>(x.dim(0)) * (x.dim(0) - 1));
    };
    double across = 0;
    for (int i = 0; i < a.dim(0); ++i)
        for (int j = 0; j < b.dim(0); ++j) across += kernel(a, i, b, j);
    across /= static_cast<double>(a.dim(0)) * b.dim(0);
    return mean_within(a) + mean_within(b) - 2 * across;
}

// For each point of x, the squared distance to its k-th nearest other point of x.
// Squared Euclidean distance between row i of a and row j of b, over their d columns.
static double distance2(const Tensor& a, int i, const Tensor& b, int j) {
    double sum = 0;
    for (int c = 0; c < a.dim(1); ++c) {
        const double diff =
            a.at(i, c) - b.at(j, c);  // the difference in float, then squared in double
        sum += diff * diff;
    }
    return sum;
}

static std::vector<double> kth_neighbour_radius2(const Tensor& x, int k) {
    const int n = x.dim(0);
    std::vector<double> r(n), d(n);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) d[j] = distance2(x, i, x, j);
        d[i] = INFINITY;  // not its own neighbour
        std::nth_element(d.begin(), d.begin() + (k - 1), d.end());
        r[i] = d[k - 1];
    }
    return r;
}

// The share of points of `query` inside at least one ball (centre of `ref`, radius^2 r2).
static double coverage(const Tensor& query, const Tensor& ref, const std::vector<double>& r2) {
    int inside = 0;
    for (int i = 0; i < query.dim(0); ++i)
        for (int j = 0; j < ref.dim(0); ++j) {
            if (distance2(query, i, ref, j) <= r2[j]) {
                ++inside;
                break;
            }
        }
    return static_cast<double>(inside) / query.dim(0);
}

PrecisionRecall knn_precision_recall(const Tensor& generated, const Tensor& real, int k) {
    if (generated.ndim() != 2 || real.ndim() != 2 || generated.dim(1) != real.dim(1) ||
        generated.dim(1) < 1)
        throw Error("knn_precision_recall: expected two sets (n, d) and (m, d), got " +
                    generated.shape_str() + " and " + real.shape_str());
    if (!all_finite(generated) || !all_finite(real))
        throw Error("knn_precision_recall: points contain NaN or infinity");
    if (k < 1 || generated.dim(0) <= k || real.dim(0) <= k)
        throw Error("knn_precision_recall: each set needs more than k = " + std::to_string(k) +
                    " points");
    PrecisionRecall pr;
    pr.precision = coverage(generated, real, kth_neighbour_radius2(real, k));
    pr.recall = coverage(real, generated, kth_neighbour_radius2(generated, k));
    return pr;
}

static Quality measure(const Tensor& x, const Tensor& real) {
    Quality q;
    q.swd = sliced_wasserstein(x, real);
    q.mmd = mmd2(x, real, kMmdBandwidths);
    PrecisionRecall pr = knn_precision_recall(x, real, 5);
    q.precision = pr.precision;
    q.recall = pr.recall;
    return q;
}

QualityReport evaluate_quality(const Tensor& generated, const Tensor& real_a, const Tensor& real_b,
                               int max_n) {
    int n = std::min({generated.dim(0), real_a.dim(0), real_b.dim(0), max_n});
    QualityReport r;
    r.n = n;
    r.model = measure(generated.slice(0, n), real_a.slice(0, n));
    r.floor = measure(real_b.slice(0, n), real_a.slice(0, n));
    return r;
}

std::string quality_table(const QualityReport& r) {
    char buf[1024];
    auto ratio = [](double m, double f) { return f > 0 ? m / f : 0.0; };
    std::snprintf(
        buf, sizeof buf,
        "quality against a fresh true sample (%d points each)\n"
        "  measure               model      noise floor   model / floor\n"
        "  sliced Wasserstein  %9.5f   %9.5f      %8.2f   (lower is better)\n"
        "  MMD^2 (RBF)         %9.5f   %9.5f                (lower is better; the floor is ~0)\n"
        "  precision (k=5)     %9.4f   %9.4f                (higher: samples look real)\n"
        "  recall (k=5)        %9.4f   %9.4f                (higher: the curve is covered)\n",
        r.n, r.model.swd, r.floor.swd, ratio(r.model.swd, r.floor.swd), r.model.mmd, r.floor.mmd,
        r.model.precision, r.floor.precision, r.model.recall, r.floor.recall);
    return buf;
}

std::string quality_json(const QualityReport& r) {
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "{\"n\": %d, \"swd\": %.6g, \"swd_floor\": %.6g, \"mmd2\": %.6g, \"mmd2_floor\": %.6g, "
        "\"precision\": %.4f, \"precision_floor\": %.4f, \"recall\": %.4f, \"recall_floor\": %.4f}",
        r.n, r.model.swd, r.floor.swd, r.model.mmd, r.floor.mmd, r.model.precision,
        r.floor.precision, r.model.recall, r.floor.recall);
    return buf;
}

}  // namespace ddpm
