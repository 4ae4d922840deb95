// CSV of 2-D points, the simplest way in and out of spreadsheets and pandas.
//   write: a header "x,y", one point a line (or "frame,x,y" for a trajectory)
//   read:  "x,y" or "frame,x,y" columns, header optional; every row must have the same number of
//          fields, every field a finite number; frames must run 0, 1, 2, ... with equal sizes.
#pragma once
#include <string>

#include "core/tensor.h"

namespace ddpm {

// points (n, 2) -> "x,y" lines; a trajectory (frames, n, 2) -> "frame,x,y" lines. Atomic.
void save_csv(const Tensor& points, const std::string& path);
std::string csv_text(const Tensor& points);  // what save_csv writes
// A table (n, k) under a header of k comma-separated names ("x,y,log_p"), one row a line.
std::string csv_table_text(const Tensor& table, const std::string& header);

// Returns (n, 2) for x,y files and (frames, n, 2) for frame,x,y files.
Tensor load_csv(const std::string& path);
Tensor csv_from_text(const std::string& text, const std::string& name);

}  // namespace ddpm
