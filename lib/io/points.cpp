#include "io/points.h"

#include "core/error.h"
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

std::string points_bytes(const Tensor& points, const std::string& path) {
    if (has_extension(path, ".npy")) return npy_bytes(points);
    if (has_extension(path, ".csv") || is_standard_output(path)) return csv_text(points);
    throw UsageError(path + ": expected a .npy or .csv file name");
}

void save_points(const Tensor& points, const std::string& path) {
    write_file_atomic(path, points_bytes(points, path));
}

}  // namespace ddpm
