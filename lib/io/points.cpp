#include "io/points.h"

#include "error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/npy.h"

namespace ddpm {

bool has_extension(const std::string& s, const std::string& end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

bool has_points_extension(const std::string& path) {
    return has_extension(path, ".npy") || has_extension(path, ".csv");
}

Tensor load_points(const std::string& path) {
    if (has_extension(path, ".npy")) return load_npy(path);
    if (has_extension(path, ".csv")) return load_csv(path);
    throw UsageError(path + ": expected a .npy or .csv file");
}

void save_points(const Tensor& points, const std::string& path) {
    if (has_extension(path, ".npy")) return save_npy(points, path);
    if (has_extension(path, ".csv") || is_standard_output(path)) return save_csv(points, path);
    throw UsageError(path + ": expected a .npy or .csv file name");
}

}  // namespace ddpm
