// NumPy's .npy format (version 1.0 and 2.0), so arrays move between this course and Python:
// `np.load("samples.npy")` reads what we write, and we read what `np.save` writes.
//
// A file is: the magic "\x93NUMPY", a version (major, minor), a header length (2 bytes in 1.0,
// 4 in 2.0), then an ASCII Python dict such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (101, 1000, 2), }
// padded with spaces to a multiple of 64 bytes, then the raw data in C order.
#pragma once
#include <string>

#include "core/tensor.h"

namespace ddpm {

// Writes a float32 array ('<f4') of the tensor's shape, atomically.
void save_npy(const Tensor& t, const std::string& path);
std::string npy_bytes(const Tensor& t);

// Reads little-endian float32 ('<f4') or float64 ('<f8') arrays in C order, any shape, as a
// float32 Tensor. Anything else (another dtype, Fortran order, a truncated or garbled header,
// a size that does not match the data) throws Error naming the file and the problem.
Tensor load_npy(const std::string& path);
Tensor npy_from_bytes(const std::string& bytes, const std::string& name);

}  // namespace ddpm
