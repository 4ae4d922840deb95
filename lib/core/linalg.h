// Linear algebra the metrics need: the eigen-decomposition of a symmetric matrix, in double.
#pragma once
#include <vector>

namespace ddpm {

// The eigenvalues of the symmetric n x n matrix a (row-major), and, when vectors is given, the
// eigenvectors as its columns (n x n, row-major): a = V diag(values) V^T. Cyclic Jacobi rotations
// until every off-diagonal entry is negligible; exact to about 1e-12 of the matrix's norm.
// Throws Error if a is not square or not symmetric.
void symmetric_eigen(const std::vector<double>& a, int n, std::vector<double>* values,
                     std::vector<double>* vectors = nullptr);

}  // namespace ddpm
