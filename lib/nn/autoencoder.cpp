#include "nn/autoencoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"
#include "nn/optim.h"

namespace ddpm {

void validate(const AutoencoderConfig& cfg) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw UsageError("autoencoder: " + what);
    };
    need(cfg.inputs >= 1 && cfg.inputs <= 65536, "inputs must be in [1, 65536]");
    need(cfg.hidden >= 1 && cfg.hidden <= 4096, "hidden must be in [1, 4096]");
    need(cfg.depth >= 1 && cfg.depth <= 16, "depth must be in [1, 16]");
    need(cfg.latent >= 1 && cfg.latent <= 1024, "latent must be in [1, 1024]");
    need(cfg.kl_weight >= 0 && cfg.kl_weight <= 1e6f, "kl_weight must be in [0, 1e6]");
}

static FeedForwardConfig encoder_config(const AutoencoderConfig& c) {
    validate(c);
    return {c.inputs, c.hidden, c.depth, c.variational ? 2 * c.latent : c.latent};
}

template <typename T>
Autoencoder<T>::Autoencoder(const AutoencoderConfig& cfg)
    : encoder(encoder_config(cfg)),
      decoder(FeedForwardConfig{cfg.latent, cfg.hidden, cfg.depth, cfg.inputs}),
      cfg_(cfg) {}

template <typename T>
void Autoencoder<T>::init(Rng& rng) {
    encoder.init(rng);
    decoder.init(rng);
}

template <typename T>
AutoencoderLoss Autoencoder<T>::forward(const T* x, const T* e, int B) {
    const int D = cfg_.inputs, L = cfg_.latent, E = encoder.config().outputs;
    const size_t rows = static_cast<size_t>(B);
    x_.assign(x, x + rows * D);
    enc_out_.resize(rows * E);
    z_.resize(rows * L);
    x_hat_.resize(rows * D);
    B_ = B;
    // The encoder: mu (and s) for each picture.
    encoder.forward(enc_out_.data(), x, B);
    double kl = 0;
    if (cfg_.variational) {
        e_.assign(e, e + rows * L);
        for (int b = 0; b < B; ++b)
            for (int j = 0; j < L; ++j) {
                const T mu = enc_out_[b * E + j], s = enc_out_[b * E + L + j];
                z_[b * L + j] = mu + std::exp(s / 2) * e_[b * L + j];  // the reparameterisation
                kl +=
                    0.5 * (static_cast<double>(mu) * mu + std::exp(static_cast<double>(s)) - 1 - s);
            }
    } else {
        std::copy(enc_out_.begin(), enc_out_.end(), z_.begin());
    }
    // The decoder, and the squared error summed over each picture's pixels.
    decoder.forward(x_hat_.data(), z_.data(), B);
    double squares = 0;
    for (size_t i = 0; i < rows * D; ++i) {
        const double d = static_cast<double>(x_hat_[i]) - x_[i];
        squares += d * d;
    }
    AutoencoderLoss loss;
    loss.reconstruction = squares / B;
    loss.kl = kl / B;
    loss.total = loss.reconstruction + cfg_.kl_weight * loss.kl;
    return loss;
}

// The forward pass read from the bottom up.
template <typename T>
void Autoencoder<T>::backward() {
    const int B = B_, D = cfg_.inputs, L = cfg_.latent, E = encoder.config().outputs;
    const size_t rows = static_cast<size_t>(B);
    const T w = static_cast<T>(cfg_.kl_weight);
    // d/dx_hat of the mean over the batch of the summed squares
    dx_hat_.resize(rows * D);
    for (size_t i = 0; i < rows * D; ++i)
        dx_hat_[i] = T(2) * (x_hat_[i] - x_[i]) / static_cast<T>(B);
    dz_.assign(rows * L, T(0));
    decoder.backward(dx_hat_.data(), dz_.data());
    denc_.assign(rows * E, T(0));
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < L; ++j) {
            const T g = dz_[b * L + j];
            if (!cfg_.variational) {
                denc_[b * E + j] = g;
                continue;
            }
            const T mu = enc_out_[b * E + j], s = enc_out_[b * E + L + j];
            const T half_sd = std::exp(s / 2) / 2;  // dz/ds = exp(s / 2) e / 2
            // z = mu + exp(s/2) e, and the KL's 1/2 (mu^2 + exp(s) - 1 - s) over the batch
            denc_[b * E + j] = g + w * mu / static_cast<T>(B);
            denc_[b * E + L + j] =
                g * half_sd * e_[b * L + j] + w * (std::exp(s) - T(1)) / (T(2) * static_cast<T>(B));
        }
    encoder.backward(denc_.data());
}

template <typename T>
void Autoencoder<T>::zero_grad() {
    encoder.zero_grad();
    decoder.zero_grad();
}

template <typename T>
void Autoencoder<T>::encode(T* z, const T* x, int B) {
    const int L = cfg_.latent, E = encoder.config().outputs;
    std::vector<T> out(static_cast<size_t>(B) * E);
    encoder.forward(out.data(), x, B);
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < L; ++j) z[b * L + j] = out[b * E + j];  // mu
}

template <typename T>
void Autoencoder<T>::decode(T* x_hat, const T* z, int B) {
    decoder.forward(x_hat, z, B);
}

template class Autoencoder<float>;
template class Autoencoder<double>;

void train_autoencoder(Autoencoder<float>& ae, const Tensor& images, const AutoencoderTraining& how,
                       const std::function<void(int, const AutoencoderLoss&)>& on_epoch) {
    const AutoencoderConfig& cfg = ae.config();
    if (images.ndim() != 2 || images.dim(0) < 1 || images.dim(1) != cfg.inputs)
        throw Error("train_autoencoder: expected pictures (n, " + std::to_string(cfg.inputs) +
                    "), got " + images.shape_str());
    if (how.epochs < 1 || how.batch < 1)
        throw UsageError("train_autoencoder: epochs and batch must be at least 1");
    const int n = images.dim(0), D = cfg.inputs, L = cfg.latent;
    Rng rng(how.seed, 11);  // the shuffles' and the reparameterisation's own stream
    Adam adam_enc(ae.encoder.params.size(), AdamConfig{how.lr});
    Adam adam_dec(ae.decoder.params.size(), AdamConfig{how.lr});
    std::vector<int> order(n);
    std::vector<float> x(static_cast<size_t>(how.batch) * D), e(static_cast<size_t>(how.batch) * L);
    for (int epoch = 1; epoch <= how.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        rng.shuffle(order);
        AutoencoderLoss sum;
        int batches = 0;
        for (int start = 0; start < n; start += how.batch) {
            const int B = std::min(how.batch, n - start);
            for (int i = 0; i < B; ++i)
                std::copy(images.data() + static_cast<size_t>(order[start + i]) * D,
                          images.data() + static_cast<size_t>(order[start + i] + 1) * D,
                          x.data() + static_cast<size_t>(i) * D);
            for (int i = 0; i < B * L; ++i) e[i] = cfg.variational ? rng.normal() : 0.0f;
            const AutoencoderLoss loss = ae.forward(x.data(), e.data(), B);
            if (!std::isfinite(loss.total))
                throw Error("train_autoencoder: the loss is not finite");
            ae.zero_grad();
            ae.backward();
            adam_enc.step(ae.encoder.params.data(), ae.encoder.grads.data());
            adam_dec.step(ae.decoder.params.data(), ae.decoder.grads.data());
            sum.reconstruction += loss.reconstruction;
            sum.kl += loss.kl;
            sum.total += loss.total;
            ++batches;
        }
        sum.reconstruction /= batches;
        sum.kl /= batches;
        sum.total /= batches;
        if (on_epoch) on_epoch(epoch, sum);
    }
}

// rows of `in` (n, width_in) through f in blocks of 500 into (n, width_out).
static Tensor in_blocks(const Tensor& in, int width_out,
                        const std::function<void(float*, const float*, int)>& f) {
    const int n = in.dim(0), width_in = in.dim(1);
    Tensor out({n, width_out});
    for (int start = 0; start < n; start += 500) {
        const int B = std::min(500, n - start);
        f(out.data() + static_cast<size_t>(start) * width_out,
          in.data() + static_cast<size_t>(start) * width_in, B);
    }
    return out;
}

Tensor encode_all(Autoencoder<float>& ae, const Tensor& images) {
    if (images.ndim() != 2 || images.dim(1) != ae.config().inputs)
        throw Error("encode_all: expected pictures (n, " + std::to_string(ae.config().inputs) +
                    "), got " + images.shape_str());
    return in_blocks(images, ae.config().latent,
                     [&](float* z, const float* x, int B) { ae.encode(z, x, B); });
}

Tensor decode_all(Autoencoder<float>& ae, const Tensor& latents) {
    if (latents.ndim() != 2 || latents.dim(1) != ae.config().latent)
        throw Error("decode_all: expected latents (n, " + std::to_string(ae.config().latent) +
                    "), got " + latents.shape_str());
    return in_blocks(latents, ae.config().inputs,
                     [&](float* x, const float* z, int B) { ae.decode(x, z, B); });
}

}  // namespace ddpm
