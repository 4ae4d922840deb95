// predict_noise: the model's forward pass over many points at once, as the samplers need it.
//
// The points go through the network in blocks of at most 512: the activations of 512 points stay
// in a core's cache, where those of 10,000 (5 MB a layer) would go out to memory and back at every
// layer. With threads, each takes as many whole blocks, of sizes as equal as they can be, through
// the whole network with activations of its own, reading the one model, so no product is split
// between cores and no core waits for the other's last points. The blocks share each hidden
// layer's weight transposed, made once per call (Activations::weights_t), where each block's
// product would transpose it again. Each point's prediction depends only on its own row: the same
// bits as one forward pass of all n points, for any number of threads.
#pragma once
#include "nn/model.h"

namespace ddpm::fast {

constexpr int kPointsPerBlock = 512;

//   x (n, dim), t (n,)  ->  eps (n, dim) = eps_theta(x, t)
void predict_noise(const MLPDiffusion& model, float* eps, const float* x, const int* t, int n);
// The same with any Conditioning (continuous time, classes): out (n, dim) = the network's output.
void predict(const MLPDiffusion& model, float* out, const float* x, const Conditioning& in, int n);

}  // namespace ddpm::fast
