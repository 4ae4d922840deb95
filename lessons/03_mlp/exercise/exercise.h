// Exercise 03: the network's forward pass (lesson 03, lib/model.cpp).
#pragma once
#include "model.h"

namespace ex {

// MLPDiffusion's forward pass with the plain layers of lib/layers.h (linear_forward,
// embedding_forward, relu_forward) and the weights in model.params (find each tensor with
// model.info("linears.0.weight").offset, ...):
//   x (B, 2), t (B,) -> out (B, 2)
// Linear(2,H) -> +Emb1[t] -> ReLU -> Linear(H,H) -> +Emb2[t] -> ReLU -> Linear(H,H) -> +Emb3[t]
// -> ReLU -> Linear(H,2), with H = model.config().hidden (depth 3, the notebook's).
void mlp_forward(float* out, const float* x, const int* t, int B, const ddpm::MLPDiffusion& model);

}  // namespace ex
