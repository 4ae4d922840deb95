// Exercise 10: a measure of your own for the sweep, scored against the noise floor like lesson
// 10's table (lib/data/metrics.cpp has the lesson's measures).
#pragma once
#include "core/tensor.h"

namespace ex {

// The energy distance between the point sets a (na, D) and b (nb, D) (Székely & Rizzo 2013):
//   E(a, b) = 2 mean_{i,j} |a_i - b_j| - mean_{i,i'} |a_i - a_i'| - mean_{j,j'} |b_j - b_j'|
// with |.| the Euclidean length and every mean over all pairs, a point with itself included
// (which adds 0). It is 0 when the two sets are the same and positive when they differ. Sum in
// double.
double energy_distance(const ddpm::Tensor& a, const ddpm::Tensor& b);

// Lesson 10's way of reading a measure: how many times the floor, the distance between two
// independent draws of real data, the generated set is from the real one:
//   E(generated, real_a) / E(real_b, real_a)
double floor_multiple(const ddpm::Tensor& generated, const ddpm::Tensor& real_a,
                      const ddpm::Tensor& real_b);

}  // namespace ex
