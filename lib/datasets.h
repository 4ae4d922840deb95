// Data sets: 2-D point clouds the model learns to generate.
#pragma once
#include <cstdint>
#include <string>

#include "rng.h"
#include "tensor.h"

namespace ddpm {

// The notebook's S-curve: scikit-learn's make_s_curve(n, noise), columns 0 and 2, divided by 10.
//   t = 3*pi*(U - 0.5),  x = sin(t),  z = sign(t)*(cos(t) - 1),  each + noise * N(0, 1)
// Returns (n, 2): x in about [-0.1, 0.1], z in about [-0.2, 0.2].
// (scikit-learn also draws the dropped middle column y = 2*U'; we skip it. The numbers differ
// from scikit-learn's anyway: NumPy's generator is not ours.)
Tensor make_s_curve(int n, float noise, Rng& rng);

// The data set a run trains on, by name ("s_curve"), drawn from its own stream of the run's seed
// so that the data and the model's initialisation are independent. Throws UsageError for an
// unknown name.
Tensor make_dataset(const std::string& name, int n, uint64_t seed);
extern const char* const kDatasetNames;

}  // namespace ddpm
