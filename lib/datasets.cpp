#include "datasets.h"

#include <cmath>

#include "error.h"

namespace ddpm {

Tensor make_s_curve(int n, float noise, Rng& rng) {
    if (n < 1) throw UsageError("make_s_curve: n must be at least 1, got " + std::to_string(n));
    if (!(noise >= 0.0f && std::isfinite(noise)))
        throw UsageError("make_s_curve: noise must be a finite number >= 0");
    Tensor points({n, 2});
    for (int i = 0; i < n; ++i) {
        float t = 3.0f * static_cast<float>(M_PI) * (rng.uniform() - 0.5f);
        float sign = t > 0 ? 1.0f : (t < 0 ? -1.0f : 0.0f);
        float x = std::sin(t) + noise * rng.normal();
        float z = sign * (std::cos(t) - 1.0f) + noise * rng.normal();
        points.at(i, 0) = x / 10.0f;
        points.at(i, 1) = z / 10.0f;
    }
    return points;
}

const char* const kDatasetNames = "s_curve";

Tensor make_dataset(const std::string& name, int n, uint64_t seed) {
    Rng rng(seed, /*stream=*/0xda7a);  // not the stream a Trainer seeded with `seed` uses
    if (name == "s_curve") return make_s_curve(n, 0.1f, rng);
    throw UsageError("unknown dataset '" + name + "' (expected " + kDatasetNames + ")");
}

}  // namespace ddpm
