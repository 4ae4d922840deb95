// Exercise 03: the network's forward pass, with a step embedding the lesson did not use (lesson 03,
// lib/nn/model.cpp, lib/nn/layers.h).
#pragma once
#include "nn/model.h"

namespace ex {

// The sinusoidal step embedding (Vaswani et al. 2017, Sec. 3.5; DDPM's U-Net embeds t this way):
// row t of a (steps, C) table holds
//   table[t][j] = sin(t w_j) for even j,  cos(t w_j) for odd j,  w_j = 10000^(-(j / 2) / (C / 2))
// with j / 2 and C / 2 rounded down. It is fixed, not learned: no parameters.
void sinusoidal_table(float* table, int steps, int C);

// The notebook's MLPDiffusion with that one fixed table in place of its three learned ones, at any
// depth. The Linear weights are the model's (find each with
// model.info("linears.0.weight").offset into model.params); its step_embeddings are not used.
//   x (B, 2), t (B,) -> out (B, 2)
// Linear(2,H) -> +S[t] -> ReLU -> (Linear(H,H) -> +S[t] -> ReLU) repeated depth - 1 times
// -> Linear(H,2), with S = sinusoidal_table(num_steps, H), H = model.config().hidden and
// depth = model.config().depth (the checks use more than the notebook's 3).
void mlp_forward_sinusoidal(float* out, const float* x, const int* t, int B,
                            const ddpm::MLPDiffusion& model);

}  // namespace ex
