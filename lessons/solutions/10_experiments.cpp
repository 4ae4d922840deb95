// Solution to exercise 10: one helper for the mean distance over all pairs of two sets, used three
// times; the floor multiple is the ratio of two energy distances.
#include <cmath>

#include "exercise.h"

namespace ex {

// mean_{i,j} |a_i - b_j| over all na * nb pairs.
static double mean_distance(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    const int na = a.dim(0), nb = b.dim(0), D = a.dim(1);
    double sum = 0;
    for (int i = 0; i < na; ++i)
        for (int j = 0; j < nb; ++j) {
            double squared = 0;
            for (int d = 0; d < D; ++d) {
                const double diff = static_cast<double>(a.at(i, d)) - b.at(j, d);
                squared += diff * diff;
            }
            sum += std::sqrt(squared);
        }
    return sum / (static_cast<double>(na) * nb);
}

double energy_distance(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    return 2 * mean_distance(a, b) - mean_distance(a, a) - mean_distance(b, b);
}

double floor_multiple(const ddpm::Tensor& generated, const ddpm::Tensor& real_a,
                      const ddpm::Tensor& real_b) {
    return energy_distance(generated, real_a) / energy_distance(real_b, real_a);
}

}  // namespace ex
