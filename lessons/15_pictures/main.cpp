// Lesson 15: from points to pictures.
//
// A 14 x 14 picture is a point in 196 dimensions, and nothing in lessons 01-14 asked for two: the
// same forward process, the same loss (predict the noise), the same network with a wider input,
// the same samplers and the same guidance generate pictures of clothing (Fashion-MNIST, from
// Debian's package dataset-fashion-mnist). Three things change, each measured in section 6:
//   - a layer norm before each ReLU: without it Adam silences every unit of the last block in
//     the first hundred steps, and the network is left a linear map;
//   - a skip from the input to the output: x_t already says much of eps, the blocks learn the rest;
//   - the sampler clips its estimate of x_0 to the pictures' range [-1, 1] (DDPM's own code does),
//     so an error cannot grow from step to step.
// And one thing is new: a yardstick. No pretrained network may be downloaded, so the lesson trains
// a classifier (softmax cross-entropy, its gradient by hand) and judges the samples with it: is a
// guided "Trouser" classified as a trouser? How far are the samples' features from real pictures'
// (the Fréchet distance, FID's idea), and are the samples copies of training pictures?
//
// Train longer with:  EPOCHS=20 make        (the default is 4 epochs of 60,000 pictures)
// Measure each of the four choices:  ABLATION=1 make
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <cstdlib>

#include "../figures.h"
#include "../lesson.h"
#include "../yardstick.h"  // the classifier that judges the pictures (section 2)
#include "core/error.h"
#include "io/fashion_mnist.h"
#include "data/feature_metrics.h"
#include "data/metrics.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "nn/classifier.h"
#include "picture_figures.h"  // the figures: the forward process, the grids, the sweep, the GIF

namespace {

const int kSide = 14;                              // pictures of 14 x 14: 196 values
const int kSteps = 100;                            // T, as the notebook's
const std::vector<float> kWeights = {0, 1, 3, 6};  // guidance weights of the sweep
const float kGridWeight = 3;                       // the grid's guidance

// DDPM's linear betas (1e-4 ... 0.02 over 1000 steps) for T = 100 steps, each beta 10 times
// larger, so that x_T is noise: the notebook's sigmoid schedule leaves sqrt(abar_T) = 0.88 of a
// picture in x_T (its points were 0.2 wide, not 2).
ddpm::Schedule picture_schedule() {
    return ddpm::Schedule::linear_scaled(kSteps);
}

// The sections main() runs, in its order; each is defined below main().
ddpm::Trainer train_pictures(const ddpm::ImageSet& train, int epochs,  // 3
                             const ddpm::ModelConfig& mc, ddpm::Objective objective);
ddpm::Tensor sample_class(const ddpm::MLPDiffusion& model, ddpm::Objective objective,  // 4
                          const ddpm::Schedule& sched, int label, float w, int n, uint64_t seed,
                          ddpm::Tensor* trajectory = nullptr, float clip = 1.0f);
std::vector<SweepResult> measure_sweep(const ddpm::MLPDiffusion& model,  // 5
                                       ddpm::Objective objective, const ddpm::Schedule& sched,
                                       ddpm::Classifier<float>& judge, const ddpm::ImageSet& train,
                                       const ddpm::ImageSet& test, int per_class);
void ablation(const ddpm::ImageSet& train, const ddpm::ImageSet& test,  // 6
              ddpm::Classifier<float>& judge, int epochs, lesson::Checks& check);
double background(const ddpm::Tensor& pictures);
float largest_magnitude(const ddpm::Tensor& values);

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();
    const int epochs = check.epochs(2, 4);
    const int per_class = check.quick ? 20 : 50;  // samples of each class the measures use

    // 1. The pictures: 60,000 to train on, 10,000 to test with, 14 x 14, values in [-1, 1].
    ddpm::ImageSet train, test;
    if (!lesson::load_pictures(kSide, train, test)) return 2;
    std::printf("Fashion-MNIST at %d x %d: train %s, test %s, values in [-1, 1]\n", kSide, kSide,
                train.images.shape_str().c_str(), test.images.shape_str().c_str());
    // The schedule (picture_schedule, above), against the notebook's.
    const ddpm::Schedule sched = picture_schedule();
    std::printf("schedule: linear betas 1e-3 ... 0.2 over T = %d; sqrt(abar_T) = %.4f\n", kSteps,
                sched.alphas_bar_sqrt[kSteps - 1]);
    const ddpm::Schedule notebook = ddpm::Schedule::sigmoid(kSteps);
    std::printf("  (the notebook's sigmoid schedule: sqrt(abar_T) = %.2f)\n",
                notebook.alphas_bar_sqrt[kSteps - 1]);
    lesson::save_figure(forward_figure(ddpm::first_of_each_class(test, 1), sched, kSide), "forward",
                        lesson::Svg::on_request);
    std::printf("wrote forward.png\n\n");
    check.that(
        sched.alphas_bar_sqrt[kSteps - 1] < 0.01 && notebook.alphas_bar_sqrt[kSteps - 1] > 0.8,
        "this schedule ends in noise, sqrt(abar_T) < 0.01; the notebook's would leave "
        "more than 0.8 of a picture in x_T");

    // 2. The yardstick: a classifier trained here, its accuracy on the test pictures.
    ddpm::Classifier<float> judge = lesson::train_yardstick(train, test, check);

    // 6. (On request, before the rest: it trains four models.) Each choice, measured.
    const char* asked = std::getenv("ABLATION");
    if (asked && std::string(asked) == "1") {
        ablation(train, test, judge, epochs, check);
        return check.finish();
    }

    // 3. The diffusion model: the notebook's MLP, 512 wide, with classes, a norm and a skip.
    ddpm::ModelConfig mc;
    mc.num_steps = kSteps;
    mc.dim = kSide * kSide;
    mc.hidden = 512;
    mc.num_classes = ddpm::kFashionClasses;
    mc.norm = true;
    mc.skip = true;
    const char* objective_asked = std::getenv("OBJECTIVE");  // OBJECTIVE=x0 make: compare
    ddpm::Objective objective = ddpm::Objective::eps;
    try {
        if (objective_asked) objective = ddpm::parse_objective(objective_asked);
    } catch (const ddpm::Error& e) {
        std::fprintf(stderr, "OBJECTIVE: %s\n", e.what());
        return 2;
    }
    const ddpm::Trainer tr = train_pictures(train, epochs, mc, objective);
    const ddpm::MLPDiffusion model = ddpm::ema_model(tr);
    const float first = tr.epoch_loss.front(), last = tr.epoch_loss.back();
    check.that(last < 0.7f * first,
               "the loss falls: the last epoch's mean is below 0.7 of the first's");

    // 4. A grid: ten samples of each class, guided (w = 3), and the same starting noise without
    // a class (w = 0); the guided grid's way out of noise as a GIF.
    ddpm::Tensor guided({0, 0}), unguided({0, 0}), trajectory;
    for (int k = 0; k < ddpm::kFashionClasses; ++k) {
        ddpm::Tensor tk;
        const ddpm::Tensor g =
            sample_class(model, objective, sched, k, kGridWeight, 10, 100 + k, &tk);
        const ddpm::Tensor u = sample_class(model, objective, sched, k, 0, 10, 100 + k);
        guided = append_rows(guided, g);
        unguided = append_rows(unguided, u);
        trajectory = append_trajectory(trajectory, tk);
    }
    lesson::save_figure(grids_figure(guided, unguided, kSide, kGridWeight), "samples",
                        lesson::Svg::on_request);
    // The guided grid at every 5th step of its way from noise, the samples held at the end.
    ddpm::write_picture_gif(trajectory, kSide, 10, 2, 5, 8, 300, "samples.gif");
    std::printf("wrote samples.png and samples.gif\n");
    // The same first row without the clip: the values stray outside [-1, 1] step after step.
    const ddpm::Tensor loose =
        sample_class(model, objective, sched, 0, kGridWeight, 10, 100, nullptr, 0.0f);
    const float widest = largest_magnitude(loose);
    const float clipped = largest_magnitude(guided.slice(0, 10));
    std::printf(
        "the first row again without clipping x_0: values up to %.1f in size (clipped: %.2f)\n\n",
        widest, clipped);
    check.that(widest > 1.5f && clipped < 1.001f,
               "without clipping x_0 the samples stray beyond [-1.5, 1.5]; clipped, they stay in "
               "[-1, 1] (to rounding)");

    // 5. The measures, for each guidance weight of the sweep.
    const std::vector<SweepResult> sweep =
        measure_sweep(model, objective, sched, judge, train, test, per_class);
    lesson::save_figure(sweep_figure(sweep, kSide), "sweep", lesson::Svg::on_request);
    std::printf("wrote sweep.png\n\n");

    const SweepResult &w0 = sweep[0], &w1 = sweep[1], &w3 = sweep[2];
    check.that(w3.accuracy > 0.8 * w3.judge_accuracy,
               "guided samples (w = 3) are classified as their class at a rate above 0.8 of the "
               "classifier's accuracy on real test pictures");
    check.that(w3.accuracy > w1.accuracy && w1.accuracy > w0.accuracy,
               "more guidance, more samples classified as their class (w = 0, 1, 3)");
    check.that(w1.fd < w0.fd && w3.fd < w0.fd,
               "the class brings the samples' features nearer real ones: the Fréchet distance "
               "at w = 1 and w = 3 is below w = 0's");
    check.that(w1.memorisation > 0.9,
               "no copying: the samples' median distance to their nearest training picture is "
               "above 0.9 of a test picture's");
    return check.finish();
}

namespace {

// ---- 3. Training on pictures -----------------------------------------------------------------

ddpm::Trainer train_pictures(const ddpm::ImageSet& train, int epochs, const ddpm::ModelConfig& mc,
                             ddpm::Objective objective) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    cfg.objective = objective;
    cfg.p_uncond = 0.1f;  // label dropout, as lesson 13
    ddpm::Trainer tr(mc, cfg, picture_schedule(), 15);
    std::printf(
        "training %zu parameters (%d -> %d -> %d -> %d -> %d%s%s, %d classes), predicting "
        "%s, %d epochs of %d batches...\n",
        tr.model.num_params(), mc.dim, mc.hidden, mc.hidden, mc.hidden, mc.dim,
        mc.norm ? ", layer norm" : "", mc.skip ? ", skip" : "", mc.num_classes,
        ddpm::objective_name(objective), epochs, (train.images.dim(0) + cfg.batch - 1) / cfg.batch);
    ddpm::Progress progress;
    tr.train(train.images, train.labels, [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;
    });
    progress.finish();
    std::printf("  mean loss by epoch:");
    for (float l : tr.epoch_loss) std::printf(" %.4f", l);
    std::printf("\n\n");
    return tr;
}

// ---- 4. Sampling pictures --------------------------------------------------------------------

// n pictures of class `label` with guidance w (w = 0: without the class), by DDPM's Algorithm 2
// with the estimate of x_0 clipped to [-clip, clip] (clip 0: not clipped). The whole way, when asked: (T + 1, n, 196).
ddpm::Tensor sample_class(const ddpm::MLPDiffusion& model, ddpm::Objective objective,
                          const ddpm::Schedule& sched, int label, float w, int n, uint64_t seed,
                          ddpm::Tensor* trajectory, float clip) {
    ddpm::SamplerOptions opt = ddpm::SamplerOptions::algorithm2();
    opt.clip_x0 = clip;  // 0: not clipped
    ddpm::Rng rng(seed);
    const ddpm::Tensor x_T = ddpm::randn(n, model.config().dim, rng);
    const ddpm::Denoiser d{&model, objective, label, w};
    ddpm::Tensor seq = ddpm::p_sample_loop(d, x_T, sched, rng, opt);
    ddpm::Tensor x_0 = seq.frame(sched.num_steps);
    if (trajectory) *trajectory = std::move(seq);
    return x_0;
}

// ---- 5. The measures -------------------------------------------------------------------------

std::vector<SweepResult> measure_sweep(const ddpm::MLPDiffusion& model, ddpm::Objective objective,
                                       const ddpm::Schedule& sched, ddpm::Classifier<float>& judge,
                                       const ddpm::ImageSet& train, const ddpm::ImageSet& test,
                                       int per_class) {
    const int n = per_class * ddpm::kFashionClasses;
    // The reference: two halves of the test set, n pictures each (their distance is the floor).
    const ddpm::Tensor test_a = test.images.slice(0, n), test_b = test.images.slice(n, 2 * n);
    const ddpm::PictureReference ref = ddpm::picture_reference(judge, test_a, test_b, train.images);
    const double judge_accuracy = ddpm::classifier_accuracy(judge, test.images, test.labels);

    const double test_background = background(test_b);
    std::printf("the measures, %d samples a weight (%d of each class), against %d test pictures:\n",
                n, per_class, n);
    std::printf(
        "   w   classified as   Fréchet distance   precision  recall   nearest training"
        "   background\n");
    std::printf(
        "       their class     (floor %.2f)       (k = 5)    (k = 5)  picture / test's"
        "   (test %.3f)\n",
        ref.fd_floor, test_background);
    std::vector<SweepResult> rows;
    for (float w : kWeights) {
        ddpm::Tensor samples({0, 0});
        std::vector<int> labels;
        for (int k = 0; k < ddpm::kFashionClasses; ++k) {
            samples = append_rows(samples,
                                  sample_class(model, objective, sched, k, w, per_class, 1000 + k));
            labels.insert(labels.end(), per_class, k);
        }
        // Classified as their class, the Fréchet distance, precision and recall in the
        // classifier's features, and memorisation: lib/nn/picture_quality.h.
        const ddpm::PictureQuality q =
            ddpm::judge_pictures(judge, samples, labels, ref, train.images);
        SweepResult r;
        r.w = w;
        r.judge_accuracy = judge_accuracy;
        r.accuracy = q.accuracy;
        r.fd = q.fd;
        r.fd_floor = ref.fd_floor;
        r.precision = q.precision;
        r.recall = q.recall;
        r.memorisation = q.memorisation;
        r.background = background(samples);
        r.examples = ddpm::Tensor({ddpm::kFashionClasses, samples.dim(1)});
        for (int k = 0; k < ddpm::kFashionClasses; ++k)
            std::copy(samples.data() + static_cast<size_t>(k) * per_class * samples.dim(1),
                      samples.data() + (static_cast<size_t>(k) * per_class + 1) * samples.dim(1),
                      r.examples.data() + static_cast<size_t>(k) * samples.dim(1));
        std::printf(
            "%4.0f   %6.3f          %8.2f            %6.3f    %6.3f    %6.3f          %6.3f\n", w,
            r.accuracy, r.fd, r.precision, r.recall, r.memorisation, r.background);
        rows.push_back(r);
    }
    std::printf(
        "  (the classifier on real test pictures: %.3f; their precision and recall "
        "against the other half: %.3f, %.3f)\n",
        judge_accuracy, ref.floor.precision, ref.floor.recall);
    return rows;
}

// The largest |value| among the samples' pixels.
float largest_magnitude(const ddpm::Tensor& values) {
    float m = 0;
    for (size_t i = 0; i < values.size(); ++i) m = std::max(m, std::fabs(values[i]));
    return m;
}

// How speckled the background is: the mean distance from black (-1) of the pixels of the
// picture's outer ring, where a real picture of clothing is mostly black. Noise the sampler left
// raises it.
double background(const ddpm::Tensor& pictures) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < pictures.dim(0); ++i)
        for (int r = 0; r < kSide; ++r)
            for (int c = 0; c < kSide; ++c) {
                if (r != 0 && r != kSide - 1 && c != 0 && c != kSide - 1) continue;
                sum += pictures.at(i, r * kSide + c) + 1.0;
                ++count;
            }
    return sum / count;
}

// ---- 6. Each choice, measured ----------------------------------------------------------------

// The share of the last block's units that a batch of training pictures switches on (its ReLU's
// output above 0), at a few steps t.
double last_block_alive(const ddpm::MLPDiffusion& model, const ddpm::ImageSet& train) {
    const int B = 256, H = model.config().hidden, L = model.config().depth;
    std::vector<int> t(B), c(train.labels.begin(), train.labels.begin() + B);
    for (int i = 0; i < B; ++i) t[i] = (i * 7) % kSteps;
    ddpm::Conditioning in;
    in.t = t.data();
    in.c = c.data();
    ddpm::Activations<float> acts;
    std::vector<float> out(static_cast<size_t>(B) * model.config().dim);
    model.forward(acts, out.data(), train.images.data(), in, B);
    const float* h = acts.h.data() + static_cast<size_t>(L - 1) * B * H;
    long on = 0;
    for (long i = 0; i < static_cast<long>(B) * H; ++i) on += h[i] > 0;
    return static_cast<double>(on) / (static_cast<double>(B) * H);
}

struct Variant {
    const char* name;
    bool norm, skip;
    ddpm::Objective objective;
};

void ablation(const ddpm::ImageSet& train, const ddpm::ImageSet& test,
              ddpm::Classifier<float>& judge, int epochs, lesson::Checks& check) {
    const std::vector<Variant> variants = {
        {"the notebook's MLP, 512 wide (eps)", false, false, ddpm::Objective::eps},
        {"+ skip", false, true, ddpm::Objective::eps},
        {"+ layer norm", true, false, ddpm::Objective::eps},
        {"+ layer norm + skip", true, true, ddpm::Objective::eps},
        {"+ layer norm + skip, predicting x_0", true, true, ddpm::Objective::x0},
    };
    const ddpm::Schedule sched = picture_schedule();
    const int per_class = 20;
    const ddpm::Tensor reference = test.images.slice(0, per_class * ddpm::kFashionClasses);
    const ddpm::Tensor reference_features = ddpm::classifier_features(judge, reference);
    struct Row {
        double loss, alive, accuracy, fd, recall;
    };
    std::vector<Row> rows;
    std::printf(
        "each choice, %d epochs each, the same seed; guided samples at w = %g, %d a class\n",
        epochs, kGridWeight, per_class);
    for (const Variant& v : variants) {
        ddpm::ModelConfig mc;
        mc.num_steps = kSteps;
        mc.dim = kSide * kSide;
        mc.hidden = 512;
        mc.num_classes = ddpm::kFashionClasses;
        mc.norm = v.norm;
        mc.skip = v.skip;
        const ddpm::Trainer tr = train_pictures(train, epochs, mc, v.objective);
        const ddpm::MLPDiffusion model = ddpm::ema_model(tr);
        ddpm::Tensor samples({0, 0});
        std::vector<int> labels;
        for (int k = 0; k < ddpm::kFashionClasses; ++k) {
            samples = append_rows(samples, sample_class(model, v.objective, sched, k, kGridWeight,
                                                        per_class, 1000 + k));
            labels.insert(labels.end(), per_class, k);
        }
        const ddpm::Tensor features = ddpm::classifier_features(judge, samples);
        rows.push_back({tr.epoch_loss.back(), last_block_alive(tr.model, train),
                        ddpm::classifier_accuracy(judge, samples, labels),
                        ddpm::frechet_distance(features, reference_features),
                        ddpm::knn_precision_recall(features, reference_features, 5).recall});
    }
    std::printf("  %-38s %-10s %-10s %-12s %-10s %s\n", "model", "last loss", "last block",
                "their class", "Fréchet", "recall");
    std::printf("  %-38s %-10s %-10s %-12s %-10s %s\n", "", "", "units on", "", "distance",
                "(k = 5)");
    for (size_t i = 0; i < variants.size(); ++i)
        std::printf("  %-38s %-10.4f %-10.3f %-12.3f %-10.2f %.3f\n", variants[i].name,
                    rows[i].loss, rows[i].alive, rows[i].accuracy, rows[i].fd, rows[i].recall);
    std::printf(
        "  (the losses of eps and x_0 are not comparable: they measure different errors)\n\n");
    const Row &plain = rows[0], &skip = rows[1], &norm = rows[2], &both = rows[3], &x0 = rows[4];
    check.that(plain.alive < 0.02 && plain.loss > 0.9,
               "the notebook's MLP: under 2% of its last block's units on, and a loss above 0.9 "
               "(it predicts little more than 0)");
    check.that(skip.loss < 0.3 && skip.alive < 0.02 && skip.accuracy < 0.3,
               "a skip alone: the loss falls below 0.3, but the last block stays silent and the "
               "class is not heard (under 30% of guided samples classified as it)");
    check.that(norm.alive > 0.3 && norm.loss < 0.6 * plain.loss,
               "a norm alone: more than 30% of the units on, a loss below 0.6 of the notebook "
               "MLP's");
    check.that(both.alive > 0.3 && both.accuracy > 0.8 && both.loss < skip.loss,
               "both: the units on, more than 80% of guided samples classified as their class, "
               "and the lowest loss of the eps models");
    check.that(x0.recall < 0.5 * both.recall,
               "predicting x_0 instead of eps loses diversity: recall below half of eps's");
}

}  // namespace
