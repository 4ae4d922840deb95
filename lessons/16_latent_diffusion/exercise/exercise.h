// Exercise 16: the VAE's middle, between the encoder and the decoder (lesson 16,
// lib/nn/autoencoder.h).
#pragma once

namespace ex {

// Forward, for B pictures with L latent values each: from the encoder's mu (B, L) and
// log-variance s (B, L), and the noise e (B, L), the decoder's input
//   z = mu + exp(s / 2) e
// and returns the KL term's mean over the batch, 1/2 sum over the latent (mu^2 + exp(s) - 1 - s).
double reparameterise(double* z, const double* mu, const double* s, const double* e, int B, int L);

// Backward: given dz (B, L), the gradient of the reconstruction at z, ADDS (+=) to dmu and ds the
// gradient of   reconstruction + kl_weight * (the KL's mean over the batch)   at mu and s.
void reparameterise_backward(double* dmu, double* ds, const double* dz, const double* mu,
                             const double* s, const double* e, int B, int L, double kl_weight);

}  // namespace ex
