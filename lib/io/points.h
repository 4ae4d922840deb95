// Point files: .npy or CSV, chosen by the file name's ending; what the tools read and write.
#pragma once
#include <string>

#include "core/tensor.h"

namespace ddpm {

// Reads a .npy or .csv file (see io/npy.h, io/csv.h); any other ending is a UsageError.
Tensor load_points(const std::string& path);
// Writes points (n, 2) or a trajectory (frames, n, 2) as .npy or .csv, atomically; "-" (or
// /dev/stdout) writes CSV to standard output.
void save_points(const Tensor& points, const std::string& path);
// The bytes save_points would write to `path` (its format chosen by the name).
std::string points_bytes(const Tensor& points, const std::string& path);
bool has_points_extension(const std::string& path);
// Whether path ends with ext (".gif", ".npy", ...).
bool has_extension(const std::string& path, const std::string& ext);

}  // namespace ddpm
