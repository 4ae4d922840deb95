#include <doctest/doctest.h>

#include <cmath>

#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/sample.h"

TEST_CASE("1-D Wasserstein-1 has its closed forms") {
    CHECK(ddpm::wasserstein_1d({0, 1, 2}, {0, 1, 2}) == 0);
    CHECK(ddpm::wasserstein_1d({0, 1, 2}, {1, 2, 3}) == doctest::Approx(1));  // a shift by 1
    CHECK(ddpm::wasserstein_1d({0}, {0, 2}) == doctest::Approx(1));           // unequal sizes
}

TEST_CASE(
    "the quality measure: 0 for identical sets, near its floor for two true samples, large for a "
    "blob") {
    ddpm::Rng rng(1);
    ddpm::Tensor a = ddpm::make_s_curve(1500, 0.1f, rng), b = ddpm::make_s_curve(1500, 0.1f, rng);
    ddpm::Tensor blob = ddpm::randn(1500, 2, rng);
    for (size_t i = 0; i < blob.size(); ++i) blob[i] *= 0.15f;  // a Gaussian of the data's size
    CHECK(ddpm::sliced_wasserstein(a, a) == 0);
    CHECK(ddpm::mmd2(a, a, ddpm::kMmdBandwidths) < 1e-3);  // unbiased: only the diagonal differs
    ddpm::PrecisionRecall same = ddpm::knn_precision_recall(a, a);
    CHECK(same.precision == 1);
    CHECK(same.recall == 1);

    ddpm::QualityReport truth = ddpm::evaluate_quality(b, a, ddpm::make_s_curve(1500, 0.1f, rng));
    ddpm::QualityReport bad = ddpm::evaluate_quality(blob, a, b);
    MESSAGE(ddpm::quality_table(truth));
    MESSAGE(ddpm::quality_table(bad));
    CHECK(truth.model.swd < 2 * truth.floor.swd);
    CHECK(truth.model.precision > 0.9);
    CHECK(bad.model.swd > 3 * bad.floor.swd);
    CHECK(bad.model.mmd > 10 * std::fabs(bad.floor.mmd) + 0.01);
    CHECK(bad.model.precision < 0.7);
    CHECK(ddpm::quality_json(bad).find("\"swd\": ") != std::string::npos);
}
