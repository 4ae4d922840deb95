// Autoencoder (lesson 16): an encoder squeezes a picture to a few numbers, its latent, and a
// decoder draws the picture back from them. Both are FeedForward networks (nn/feedforward.h).
//
// As a variational autoencoder (Kingma & Welling 2014) the encoder gives a Gaussian per picture,
// its mean mu and log-variance s (latent values each); the decoder reads one draw of it,
//   z = mu + exp(s / 2) e,   e ~ N(0, I)          (the reparameterisation: e is an input)
// and the loss of a batch is the mean over its pictures of
//   sum over pixels (x_hat - x)^2  +  kl_weight * KL(N(mu, exp(s)) || N(0, I)),
//   KL = 1/2 sum over the latent (mu^2 + exp(s) - 1 - s)
// The KL term keeps the latents near N(0, I), packed and smooth, so that a generative model of
// the latents has a simple space to learn, and every point near a picture decodes to one. Without
// it (variational = false) the encoder gives z itself and the loss is the reconstruction alone.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/aligned.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "nn/feedforward.h"

namespace ddpm {

struct AutoencoderConfig {
    int inputs = 196;  // values a picture
    int hidden = 256;  // the encoder's and decoder's hidden width
    int depth = 2;     // hidden layers in each
    int latent = 2;    // values a latent
    bool variational = true;
    float kl_weight = 1.0f;
};
void validate(const AutoencoderConfig& cfg);  // throws UsageError naming the bad field

// The two terms of the last loss, each a mean over the batch.
struct AutoencoderLoss {
    double reconstruction = 0, kl = 0, total = 0;
};

template <typename T>
class Autoencoder {
public:
    explicit Autoencoder(const AutoencoderConfig& cfg = {});
    void init(Rng& rng);  // both networks, encoder first
    const AutoencoderConfig& config() const { return cfg_; }

    // The loss of a batch x (B, inputs), with the reparameterisation's noise e (B, latent) (not
    // read by a plain autoencoder). Keeps what backward needs.
    AutoencoderLoss forward(const T* x, const T* e, int B);
    // The gradient of the last forward's total loss, accumulated into both networks' grads.
    void backward();
    void zero_grad();

    // The latent of each picture (its mean, for a VAE): x (B, inputs) -> z (B, latent).
    void encode(T* z, const T* x, int B);
    // Pictures from latents: z (B, latent) -> x_hat (B, inputs).
    void decode(T* x_hat, const T* z, int B);
    // The last forward's reconstructions, (B, inputs).
    const T* reconstruction() const { return x_hat_.data(); }

    FeedForward<T> encoder, decoder;

private:
    AutoencoderConfig cfg_;
    int B_ = 0;
    AlignedVector<T> x_, enc_out_, e_, z_, x_hat_;  // the last forward's values
    AlignedVector<T> dx_hat_, dz_, denc_;           // and their gradients
};

// How the autoencoder is trained: Adam on each network over shuffled mini-batches.
struct AutoencoderTraining {
    int epochs = 4;
    int batch = 128;
    float lr = 1e-3f;
    uint64_t seed = 0;
};

// Trains it (already initialised) on images (n, inputs); calls on_epoch(epoch, the epoch's mean
// loss) after each epoch.
void train_autoencoder(Autoencoder<float>& ae, const Tensor& images, const AutoencoderTraining& how,
                       const std::function<void(int, const AutoencoderLoss&)>& on_epoch = {});

// Every picture's latent (n, latent), and pictures from latents (n, inputs), in blocks.
Tensor encode_all(Autoencoder<float>& ae, const Tensor& images);
Tensor decode_all(Autoencoder<float>& ae, const Tensor& latents);

}  // namespace ddpm
