// Lesson 16: latent diffusion, the lecture's Stable Diffusion in three parts.
//
// Stable Diffusion does not run diffusion on pixels. An encoder squeezes each picture into a small
// latent, the generation model (a diffusion model) learns the latents, and a decoder draws the
// picture back. Here the encoder and decoder are a variational autoencoder (lib/nn/autoencoder.h,
// every gradient by hand), and the generation model is the one of lessons 01-14, unchanged.
//
// With a 2-D latent the whole story fits on one plane: the test pictures' latents, coloured by
// class; lesson 13's conditional model trained on those points as it was on the S-curve; its
// samples on the same plane; decoded into pictures. A 16-D latent gives better pictures, and the
// lesson measures both against lesson 15's yardstick: what the decoder costs (a ceiling: real
// pictures through encoder and decoder) and what the diffusion model adds on top of it.
//
// Train longer with:  EPOCHS=20 make        (the autoencoders' epochs; the default is 4)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "../yardstick.h"  // lesson 15's classifier that judges the pictures
#include "core/error.h"
#include "data/feature_metrics.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/fashion_mnist.h"
#include "io/progress.h"
#include "latent_figures.h"  // the plane of latents, and the decoded grid
#include "nn/autoencoder.h"

namespace {

const int kSide = 14;
const float kGuidance = 3;
const int kPerClass = 50;  // samples of each class the measures use

// What one latent space gives (section 5).
struct LatentResult {
    int latent = 0;
    double reconstruction = 0;    // the test pictures' mean squared error a pixel
    double ceiling_accuracy = 0;  // test pictures through encoder and decoder, classified right
    double ceiling_fd = 0;        // their Fréchet distance to the test pictures
    double accuracy = 0, fd = 0;  // the generated pictures'
    double steps_per_second = 0;  // the latent diffusion model's training
    ddpm::Tensor test_latents, samples, sample_latents;
};

// The sections main() runs, in its order; each is defined below main().
ddpm::Autoencoder<float> train_vae(const ddpm::ImageSet& train, int latent, int epochs);   // 2
LatentResult latent_diffusion(ddpm::Autoencoder<float>& vae, const ddpm::ImageSet& train,  // 3, 4
                              const ddpm::ImageSet& test, ddpm::Classifier<float>& judge,
                              int diffusion_epochs);

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();
    const int epochs = check.epochs(2, 4);
    const int diffusion_epochs = check.quick ? 10 : 30;

    // 1. The pictures, and the yardstick of lesson 15.
    ddpm::ImageSet train, test;
    if (!lesson::load_pictures(kSide, train, test)) return 2;
    std::printf("Fashion-MNIST at %d x %d: train %s, test %s\n\n", kSide, kSide,
                train.images.shape_str().c_str(), test.images.shape_str().c_str());
    ddpm::Classifier<float> judge = lesson::train_yardstick(train, test, check);
    const int n = kPerClass * ddpm::kFashionClasses;
    const ddpm::Tensor test_a = test.images.slice(0, n), test_b = test.images.slice(n, 2 * n);
    const ddpm::Tensor features_a = ddpm::classifier_features(judge, test_a);
    const double fd_floor =
        ddpm::frechet_distance(ddpm::classifier_features(judge, test_b), features_a);
    std::printf("the Fréchet distance's floor, two halves of the test set (%d each): %.2f\n\n", n,
                fd_floor);

    // 2.-4. A 2-D latent (the plane), then a 16-D one (the quality).
    std::vector<LatentResult> results;
    for (int latent : {2, 16}) {
        ddpm::Autoencoder<float> vae = train_vae(train, latent, epochs);
        results.push_back(latent_diffusion(vae, train, test, judge, diffusion_epochs));
        if (latent == 2) {
            lesson::save_figure(plane_figure(results.back().test_latents, test.labels,
                                             results.back().sample_latents, kPerClass),
                                "latents", lesson::Svg::on_request);
            std::printf("wrote latents.png\n\n");
        }
    }
    lesson::save_figure(decoded_figure(results[0].samples, results[1].samples, kSide, kPerClass),
                        "decoded", lesson::Svg::on_request);
    std::printf("wrote decoded.png\n\n");

    // 5. The two latent spaces side by side.
    std::printf(
        "latent   reconstruction   decoder's ceiling:          generated (w = %g):"
        "          diffusion\n",
        kGuidance);
    std::printf(
        "values   error a pixel    their class   Fréchet       their class   Fréchet"
        "      steps/s\n");
    for (const LatentResult& r : results)
        std::printf("%4d     %8.4f         %6.3f        %7.2f       %6.3f        %7.2f     %8.0f\n",
                    r.latent, r.reconstruction, r.ceiling_accuracy, r.ceiling_fd, r.accuracy, r.fd,
                    r.steps_per_second);
    std::printf("  (the Fréchet distance's floor: %.2f)\n\n", fd_floor);

    const LatentResult &two = results[0], &wide = results[1];
    check.that(wide.reconstruction < 0.8 * two.reconstruction,
               "a 16-D latent keeps more of a picture: its reconstruction error is below 0.8 of "
               "the 2-D one's");
    check.that(two.accuracy > 0.6 && wide.accuracy > 0.6,
               "guided samples decoded from either latent are classified as their class more "
               "than 60% of the time");
    check.that(wide.ceiling_fd < two.ceiling_fd,
               "the wider latent's decoder is the better ceiling: a lower Fréchet distance for "
               "real pictures passed through it");
    check.that(two.fd > two.ceiling_fd && wide.fd > wide.ceiling_fd,
               "the decoder limits what diffusion can give: in each latent space the generated "
               "pictures' Fréchet distance is above that of real pictures through the decoder");
    return check.finish();
}

namespace {

// ---- 2. The autoencoder ----------------------------------------------------------------------

ddpm::Autoencoder<float> train_vae(const ddpm::ImageSet& train, int latent, int epochs) {
    ddpm::AutoencoderConfig cfg;
    cfg.inputs = kSide * kSide;
    cfg.latent = latent;
    ddpm::Autoencoder<float> vae(cfg);
    ddpm::Rng rng(16);
    vae.init(rng);
    ddpm::AutoencoderTraining how;
    how.epochs = epochs;
    how.seed = 16;
    std::printf("a VAE: %d -> %d -> %d -> (mu, log var) of %d values, and back; %d epochs\n",
                cfg.inputs, cfg.hidden, cfg.hidden, latent, epochs);
    ddpm::train_autoencoder(vae, train.images, how, [](int epoch, const ddpm::AutoencoderLoss& l) {
        std::printf("  epoch %d: reconstruction %.3f (summed over a picture), KL %.3f\n", epoch,
                    l.reconstruction, l.kl);
    });
    return vae;
}

// ---- 3. and 4. Diffusion on the latents ------------------------------------------------------

LatentResult latent_diffusion(ddpm::Autoencoder<float>& vae, const ddpm::ImageSet& train,
                              const ddpm::ImageSet& test, ddpm::Classifier<float>& judge,
                              int diffusion_epochs) {
    LatentResult r;
    const int L = vae.config().latent, n = kPerClass * ddpm::kFashionClasses;
    // The decoder's ceiling: test pictures through encoder and decoder.
    r.test_latents = ddpm::encode_all(vae, test.images);
    const ddpm::Tensor rebuilt = ddpm::decode_all(vae, r.test_latents);
    double squares = 0;
    for (size_t i = 0; i < rebuilt.size(); ++i)
        squares += (rebuilt[i] - test.images[i]) * (rebuilt[i] - test.images[i]);
    r.reconstruction = squares / rebuilt.size();
    r.latent = L;
    const ddpm::Tensor features_a = ddpm::classifier_features(judge, test.images.slice(0, n));
    r.ceiling_accuracy = ddpm::classifier_accuracy(judge, rebuilt, test.labels);
    r.ceiling_fd = ddpm::frechet_distance(ddpm::classifier_features(judge, rebuilt.slice(n, 2 * n)),
                                          features_a);

    // The latents of the training pictures, scaled to the S-curve's size (std 0.1 a value), so
    // that lesson 13's model and the notebook's schedule suit them unchanged.
    ddpm::Tensor z = ddpm::encode_all(vae, train.images);
    double sum2 = 0;
    for (size_t i = 0; i < z.size(); ++i) sum2 += static_cast<double>(z[i]) * z[i];
    const float scale = static_cast<float>(0.1 / std::sqrt(sum2 / z.size()));
    for (size_t i = 0; i < z.size(); ++i) z[i] *= scale;

    // Lesson 13's conditional model, with the notebook's everything, on those points.
    ddpm::ModelConfig mc;
    mc.dim = L;
    mc.num_classes = ddpm::kFashionClasses;
    mc.skip = L > 2;  // lesson 15's skip: in 16 dimensions, as on pictures, x_t says much of eps
    ddpm::TrainConfig cfg;
    cfg.epochs = diffusion_epochs;
    ddpm::Trainer tr(mc, cfg, ddpm::Schedule::sigmoid(mc.num_steps), 16);
    std::printf(
        "the diffusion model on the %d-D latents: lesson 13's%s (%zu parameters), %d epochs\n", L,
        mc.skip ? " with lesson 15's skip" : "", tr.model.num_params(), diffusion_epochs);
    ddpm::Progress progress;
    const auto start = std::chrono::steady_clock::now();
    tr.train(z, train.labels, [&](const ddpm::EpochReport& report) {
        progress.update(report);
        return true;
    });
    progress.finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.steps_per_second = static_cast<double>(tr.adam.t) / seconds;
    const ddpm::MLPDiffusion model = ddpm::ema_model(tr);

    // Guided samples of each class, unscaled, decoded, judged.
    r.sample_latents = ddpm::Tensor({n, L});
    std::vector<int> labels;
    for (int k = 0; k < ddpm::kFashionClasses; ++k) {
        ddpm::Rng rng(1600 + k);
        const ddpm::Tensor x_T = ddpm::randn(kPerClass, L, rng);
        const ddpm::Denoiser d{&model, ddpm::Objective::eps, k, kGuidance};
        const ddpm::Tensor seq =
            ddpm::p_sample_loop(d, x_T, tr.sched, rng, ddpm::SamplerOptions::algorithm2());
        const ddpm::Tensor x_0 = seq.frame(seq.dim(0) - 1);
        for (int i = 0; i < kPerClass * L; ++i)
            r.sample_latents[static_cast<size_t>(k) * kPerClass * L + i] = x_0[i] / scale;
        labels.insert(labels.end(), kPerClass, k);
    }
    r.samples = ddpm::decode_all(vae, r.sample_latents);
    r.accuracy = ddpm::classifier_accuracy(judge, r.samples, labels);
    r.fd = ddpm::frechet_distance(ddpm::classifier_features(judge, r.samples), features_a);
    std::printf("  decoded samples classified as their class: %.3f, Fréchet distance %.2f\n\n",
                r.accuracy, r.fd);
    return r;
}

}  // namespace
