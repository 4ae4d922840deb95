// ddpm eval: samples (a file, or drawn from --model) scored against the true distribution beside
// the noise floor; with --nll the model's likelihood beside the data's entropy. Pictures are scored
// in the yardstick classifier's features against Fashion-MNIST's test pictures (lesson 15).
#include "commands.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "fast/parallel.h"
#include "io/memory.h"
#include "io/atomic_file.h"
#include "io/fashion_mnist.h"
#include "io/points.h"
#include "io/weights.h"
#include "io/yardstick_file.h"
#include "likelihood/elbo.h"
#include "likelihood/ode.h"
#include "nn/picture_quality.h"

namespace ddpm_tool {

namespace {

// ddpm eval's flags: name, value, range or choices, help and default, one row each.
const cli::Command kEval = {
    "ddpm eval FILE [options]   or   ddpm eval --model FILE [options]",
    "  FILE                 samples as CSV (x,y) or .npy ((n, 2)); pictures as .npy ((n, 196)\n"
    "                       or (n, 784), -1 black to 1 white, as ddpm sample writes them)\n",
    rows({{
              cli::text_flag("--model", "FILE",
                             "or a model (checkpoint or .safetensors): --n samples drawn as ddpm "
                             "sample draws them by default"),
              cli::integer_flag("--n", "N", 10, 1000000,
                                "with --model: samples to draw (default 3000; pictures: 1000)"),
              cli::integer_flag("--sample-seed", "N", 0, 2147483647L,
                                "with --model: the sampler's seed", "1"),
              cli::choice_flag("--weights", "NAME", {"raw", "ema"},
                               "with --model: %C (default: as ddpm sample)"),
              cli::integer_flag("--threads", "N", 0, 1024,
                                "with --model: threads (default %D: one per core)", "0"),
              cli::text_flag("--sampler", "NAME", "with --model: as ddpm sample"),
              cli::integer_flag("--sample-steps", "S", 1, 100000, "with --model: as ddpm sample"),
          },
          class_flags(),
          {
              clip_flag(),
              cli::text_flag("--classifier", "FILE",
                             "pictures: the yardstick classifier's file (default: "
                             "$XDG_CACHE_HOME/ddpm-from-scratch/yardstick_SIDE.safetensors, or "
                             "under ~/.cache); trained there on first use (seconds; lesson 15's, "
                             "86% right on test pictures) and kept"),
              cli::toggle_flag(
                  "--nll",
                  "with --model: also its negative log-likelihood beside the data's entropy (the "
                  "floor): the exact NLL of its ODE sampler (--sampler ode, or heun for a flow "
                  "model; --sample-steps, --prior) and the ELBO with both variances (lesson 12), "
                  "on 1000 fresh points of its data set, or on your held-out points (--data "
                  "FILE), in your units and the model's"),
              cli::choice_flag("--prior", "NAME", {"standard", "matched"},
                               "with --nll: x_T's distribution, as ddpm sample", "standard"),
              cli::text_flag("--dataset", "NAME",
                             "the true distribution: s_curve, or another of ddpm train's (default "
                             "%D; with --model, the model's data set)",
                             "s_curve"),
              cli::text_flag("--data", "FILE",
                             "or compare with your own points (.csv or .npy), split in two halves, "
                             "all measured in the model's units (training's normalisation)"),
              cli::integer_flag("--seed", "N", 0, 2147483647L,
                                "seed of the true samples compared against", "99"),
          },
          import_flags()}),
    "prints a table (sliced Wasserstein, MMD^2, k-NN precision and recall, each with its noise\n"
    "floor), then one JSON line. With --class, the true distribution is that class's part of the\n"
    "data set. Pictures: the share classified as the class asked for, the Frechet distance and\n"
    "k-NN precision and recall in the yardstick's features, and the nearest training picture,\n"
    "each beside its floor (two halves of the test pictures); then one JSON line.\n",
};

// The class a conditional model was asked for, whose part of the data set is the reference.
struct ClassRef {
    int label = -1;
    int classes = 0;
};

// The true distribution's two sets of n points, the one to compare with and the one for the noise
// floor: from a named data set, or from the learner's points (--data), shuffled with the seed and
// split in two halves. With --data, `samples` are moved into the model's units (the training's
// normalisation), where the measures' bandwidths make sense, and n may shrink to half the file.
void reference_points(const std::string& dataset, const std::string& data_file, uint64_t seed,
                      const ClassRef& cls, ddpm::Tensor& samples, int& n, ddpm::Tensor& real_a,
                      ddpm::Tensor& real_b) {
    if (data_file.empty() && cls.label >= 0) {
        real_a = class_sample(dataset, cls.classes, cls.label, n, seed);
        real_b = class_sample(dataset, cls.classes, cls.label, n, seed + 1);
        return;
    }
    if (data_file.empty()) {
        real_a = ddpm::make_dataset(dataset, n, seed);
        real_b = ddpm::make_dataset(dataset, n, seed + 1);
        return;
    }
    ddpm::Tensor pts = ddpm::load_points(data_file);
    ddpm::Normalization norm = ddpm::normalize_points(pts, data_file, 20);
    ddpm::apply_normalization(samples, norm);
    n = std::min(n, pts.dim(0) / 2);
    ddpm::split_reference(pts, n, seed, &real_a, &real_b);
}

// eval --model --nll: the model's NLL in nats per point (bits per dimension) on held-out points:
// 1000 fresh points of its data set (of its class, with --class), or the learner's file
// (--data), beside the floor no model goes below, the data's entropy (where it is known). The
// exact NLL of the deterministic sampler; for a DDPM model also the ELBO with either variance.
void print_nll(const ddpm::SamplingModel& loaded, const SampleRequest& request,
               const std::string& dataset, const std::string& data_file, uint64_t seed) {
    const int K = loaded.model.config().num_classes;
    ddpm::Tensor x_0;
    std::string what;
    if (!data_file.empty()) {  // the learner's points, in the model's units
        x_0 = points_in_model_units(data_file, loaded);
        const bool training_file = loaded.run.dataset == "file:" + data_file;
        what = std::to_string(x_0.dim(0)) + " points of " + data_file +
               (training_file ? " (the training points: give held-out ones with --data FILE)" : "");
    } else {
        x_0 = request.label >= 0 ? class_sample(dataset, K, request.label, 1000, 1000 + seed)
                                 : ddpm::make_dataset(dataset, 1000, 1000 + seed);
        what = "1000 fresh points of " + dataset +
               (request.label >= 0 ? ", class " + std::to_string(request.label) : "");
    }
    const ddpm::Denoiser d{&loaded.model, loaded.objective, request.label, request.guidance};
    SampleRequest ode = request;  // the deterministic sampler whose likelihood is exact
    ode.sampler = loaded.objective == ddpm::Objective::flow ? "heun" : "ode";
    const std::string& sampler = ode.sampler;
    const int S = steps_of(ode, loaded.sched);
    const ddpm::Prior prior = sampling_prior(request.prior, loaded);
    const double exact = -mean_of(exact_likelihood(loaded, d, x_0, S, prior).log_p);
    if (!std::isfinite(exact)) throw ddpm::Error("the negative log-likelihood is not finite");
    // In the learner's units x = scale x_model + mean: log p(x) = log p(x_model) - 2 log scale.
    const double to_data = 2 * std::log(static_cast<double>(loaded.run.data_norm.scale));
    const bool rescaled = to_data != 0;
    std::printf("negative log-likelihood of %s, nats per point (bits per dimension)%s:\n",
                what.c_str(), rescaled ? ", in your units [in the model's]" : "");
    auto row = [&](const char* name, double nll) {
        std::printf("  %-44s %8.4f (%7.4f)", name, nll + to_data,
                    ddpm::bits_per_dim(nll + to_data, 2));
        if (rescaled) std::printf("  [%8.4f (%7.4f)]", nll, ddpm::bits_per_dim(nll, 2));
        std::printf("\n");
    };
    if (data_file.empty() && request.label < 0) {
        const ddpm::Entropy h = ddpm::dataset_entropy(dataset, 4000, 2000 + seed);
        char name[64];
        std::snprintf(name, sizeof name, "the data's entropy (the floor; +-%.4f)",
                      h.standard_error);
        row(name, h.nats);
    } else {
        std::printf("  the data's entropy (the floor)               unknown for %s\n",
                    data_file.empty() ? "one class" : "your points");
    }
    char name[64];
    std::snprintf(name, sizeof name, "exact, the %s sampler, %d steps%s", sampler.c_str(), S,
                  request.prior == "matched" ? ", matched" : "");
    row(name, exact);
    if (loaded.objective == ddpm::Objective::flow) {
        std::printf("  (a flow-matching model has no ELBO: it has no noisy reverse steps)\n");
        return;
    }
    ddpm::Rng rng(seed, /*stream=*/0xe1b0);
    // sigma^2 = beta~, Algorithm 2's (the ELBO reads only the variance)
    const ddpm::SamplerOptions posterior = ddpm::SamplerOptions::algorithm2();
    const ddpm::NoiseField field = ddpm::network_field(d, loaded.sched);
    const double beta = ddpm::elbo(field, x_0, loaded.sched, {}, rng).total();
    const double tilde = ddpm::elbo(field, x_0, loaded.sched, posterior, rng).total();
    if (!std::isfinite(beta) || !std::isfinite(tilde)) throw ddpm::Error("the ELBO is not finite");
    row("ELBO bound of ddpm, sigma^2 = beta", beta);
    row("ELBO bound of ddpm, sigma^2 = beta~", tilde);
}

// What eval knows of samples that are pictures: their side (0 for points) and the class each was
// asked for (empty: none).
struct PictureDraw {
    int side = 0;
    std::vector<int> asked;
};

// eval --model: n samples drawn as ddpm sample draws them by default, in the data's units. The
// model's data set becomes the default reference (*dataset or *data_file, unless given). A picture
// model's samples fill *pictures.
ddpm::Tensor samples_from_model(cli::Args& args, std::string* dataset, std::string* data_file,
                                ClassRef* cls, PictureDraw* pictures) {
    SampleRequest request;
    request.model_path = args.text("--model");
    request.n = static_cast<int>(args.integer_or("--n", 0));  // 0: the model's default
    request.seed = static_cast<uint64_t>(args.integer("--sample-seed"));
    request.sampler = parse_sampler_flag(args);
    request.have_steps = args.has("--sample-steps");
    request.steps = static_cast<int>(args.integer_or("--sample-steps", 0));
    parse_class_flags(args, request);
    parse_clip_flag(args, request);
    request.weights = args.choice("--weights");
    request.prior = args.choice("--prior");
    request.import = parse_import_flags(args);
    ddpm::set_num_threads(static_cast<int>(args.integer("--threads")));
    const bool reference_given = args.has("--dataset") || args.has("--data");
    const bool nll = args.toggle("--nll");
    args.finish();
    if (!args.positional().empty())
        throw ddpm::UsageError("give a samples file or --model, not both");
    ddpm::SamplingModel loaded =
        ddpm::load_sampling_model(request.model_path, request.weights, request.import);
    const bool picture_model = is_pictures(loaded.run);
    if (request.n == 0) request.n = picture_model ? 1000 : 3000;
    if (picture_model && nll)
        throw ddpm::UsageError("--nll: the likelihood is computed for 2-D points; " +
                               request.model_path + " draws pictures");
    if (picture_model && reference_given)
        throw ddpm::UsageError("--dataset and --data: " + request.model_path +
                               " draws pictures, measured against Fashion-MNIST's test pictures");
    recipe_defaults(request, loaded.run.recipe);
    model_defaults(request, loaded);
    note_prior_mismatch(request, loaded);
    cls->label = request.label;
    cls->classes = loaded.model.config().num_classes;
    if (request.label >= 0 && args.has("--data"))
        throw ddpm::UsageError("--class compares with its class of a named data set, not --data");
    ddpm::check_fits_in_memory(
        ddpm::sampling_bytes(loaded.model.config(), static_cast<uint64_t>(request.n)),
        "sampling " + std::to_string(request.n) + " points", "use a smaller --n");
    if (!reference_given) {
        const bool from_file = loaded.run.dataset.rfind("file:", 0) == 0;
        *dataset = from_file ? "s_curve" : loaded.run.dataset;
        *data_file = from_file ? loaded.run.dataset.substr(5) : "";
    }
    if (nll) print_nll(loaded, request, *dataset, *data_file, request.seed);
    ddpm::Tensor seq = draw_trajectory(request, loaded);
    ddpm::Tensor samples = seq.frame(seq.dim(0) - 1);
    if (picture_model) {
        pictures->side = picture_side(loaded.model.config());
        pictures->asked = asked_classes(request, loaded);
    } else {
        ddpm::denormalize_points(samples, loaded.run.data_norm);
    }
    const std::string how =
        sampler_text(request) + (sampler_of(request).kind == ddpm::Sampler::Kind::ddpm
                                     ? ""
                                     : ", " + std::to_string(seq.dim(0) - 1) + " steps");
    std::printf("%d %s of %s (%s%s, %s weights)\n", request.n,
                picture_model ? "pictures" : "samples", request.model_path.c_str(), how.c_str(),
                class_text(request).c_str(), loaded.weights.c_str());
    return samples;
}

// Pictures (n, side^2) measured by the yardstick against Fashion-MNIST's test pictures: two
// disjoint sets of them (of the class asked for, when every sample asked for one), the second the
// floor of each measure. Prints the table, then one JSON line.
void eval_pictures(const ddpm::Tensor& samples, const PictureDraw& draw, const std::string& what,
                   std::string classifier) {
    const int side = draw.side, n = samples.dim(0);
    if (classifier.empty()) classifier = ddpm::yardstick_cache_path(side);
    ddpm::check_output_target(classifier);
    // A kept file is read (and checked) before the pictures, so a wrong one is reported at once.
    std::optional<ddpm::KeptYardstick> kept;
    if (ddpm::yardstick_kept(classifier)) kept = ddpm::load_yardstick(classifier, side);
    const ddpm::ImageSet train = training_pictures(side, 0);
    const ddpm::ImageSet test = test_pictures(side);
    if (!kept) kept = ddpm::train_and_keep_yardstick(classifier, train, test);
    ddpm::KeptYardstick& yardstick = *kept;
    std::printf("the yardstick: %s (%s), %.4f right on the 10,000 test pictures\n",
                classifier.c_str(), yardstick.trained ? "trained now and kept" : "kept",
                yardstick.test_accuracy);
    // The reference: the test pictures, or those of the one class every sample asked for.
    const bool one_class =
        !draw.asked.empty() && std::all_of(draw.asked.begin(), draw.asked.end(),
                                           [&](int k) { return k == draw.asked[0]; });
    const int per_class = test.images.dim(0) / ddpm::kFashionClasses;  // 1000 of each
    const ddpm::Tensor pool =
        one_class ? ddpm::first_of_each_class(test, per_class)
                        .slice(draw.asked[0] * per_class, (draw.asked[0] + 1) * per_class)
                  : test.images;
    const int m = std::min(n, pool.dim(0) / 2);
    // The floor of "classified as the class asked for": the yardstick on real pictures of it.
    const double real_accuracy =
        one_class ? ddpm::classifier_accuracy(yardstick.judge, pool,
                                              std::vector<int>(pool.dim(0), draw.asked[0]))
                  : yardstick.test_accuracy;
    const ddpm::PictureReference ref = ddpm::picture_reference(yardstick.judge, pool.slice(0, m),
                                                               pool.slice(m, 2 * m), train.images);
    const ddpm::PictureQuality q =
        ddpm::judge_pictures(yardstick.judge, samples, draw.asked, ref, train.images);
    for (double v : {q.fd, q.precision, q.recall, q.memorisation})
        if (!std::isfinite(v))
            throw ddpm::Error(what + ": the measures are not finite; check the file's values");
    const std::string reference = one_class ? std::string("the test pictures of class ") +
                                                  std::to_string(draw.asked[0]) + " (" +
                                                  ddpm::kFashionClassNames[draw.asked[0]] + ")"
                                            : std::string("the test pictures");
    std::printf("%d pictures of %d x %d against %s: two sets of %d, the second the floor\n", n,
                side, side, reference.c_str(), m);
    std::printf("  %-50s %9s %9s\n", "", "samples", "floor");
    if (q.accuracy >= 0)
        std::printf("  %-50s %9.4f %9.4f\n", "classified as the class asked for", q.accuracy,
                    real_accuracy);
    std::printf("  %-50s %9.3f %9.3f\n", "Frechet distance in the yardstick's features", q.fd,
                ref.fd_floor);
    std::printf("  %-50s %9.3f %9.3f\n", "precision (k = 5)", q.precision, ref.floor.precision);
    std::printf("  %-50s %9.3f %9.3f\n", "recall (k = 5)", q.recall, ref.floor.recall);
    std::printf("  %-50s %9.3f %9.3f\n", "nearest training picture, over a test picture's",
                q.memorisation, 1.0);
    char json[512];
    std::snprintf(json, sizeof json,
                  "{\"accuracy\": %s, \"yardstick_accuracy\": %.6f, \"fd\": %.6g, "
                  "\"fd_floor\": %.6g, \"precision\": %.6g, \"precision_floor\": %.6g, "
                  "\"recall\": %.6g, \"recall_floor\": %.6g, \"memorisation\": %.6g}",
                  q.accuracy >= 0 ? std::to_string(q.accuracy).c_str() : "null",
                  yardstick.test_accuracy, q.fd, ref.fd_floor, q.precision, ref.floor.precision,
                  q.recall, ref.floor.recall, q.memorisation);
    std::printf("%s\n", json);
}

}  // namespace

int eval(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kEval);
    if (args.help(kEval)) return 0;  // --help: printed from the table
    std::string dataset = args.text("--dataset");
    std::string data_file = args.text("--data");
    const uint64_t seed = static_cast<uint64_t>(args.integer("--seed"));
    const std::string classifier = args.text("--classifier");
    std::string what;
    ddpm::Tensor samples;
    ClassRef cls;
    PictureDraw pictures;
    if (!args.has("--model") && args.toggle("--nll"))
        throw ddpm::UsageError(
            "--nll needs --model FILE (a likelihood is the model's, not the "
            "samples')");
    if (args.has("--model")) {
        what = args.text("--model");
        samples = samples_from_model(args, &dataset, &data_file, &cls, &pictures);
    } else {
        const int label = static_cast<int>(args.integer_or("--class", -1));
        args.finish();
        if (args.positional().size() != 1)
            throw ddpm::UsageError("eval needs one samples file (.csv or .npy), or --model FILE");
        what = args.positional()[0];
        samples = ddpm::load_points(what);
        const int width = samples.ndim() == 2 ? samples.dim(1) : 0;
        if (width == 14 * 14 || width == 28 * 28) pictures.side = width == 196 ? 14 : 28;
        if (label >= 0 && pictures.side == 0)
            throw ddpm::UsageError(
                "--class with a samples file: for pictures (with --model, "
                "the model's class)");
        if (label >= ddpm::kFashionClasses)
            throw ddpm::UsageError("--class " + std::to_string(label) +
                                   ": Fashion-MNIST's classes are 0 to 9");
        if (label >= 0) pictures.asked.assign(samples.dim(0), label);
    }
    if (!classifier.empty() && pictures.side == 0)
        throw ddpm::UsageError("--classifier judges pictures; " + what + " holds points");
    if (pictures.side > 0) {
        if (samples.dim(0) < 10) throw ddpm::Error(what + ": needs at least 10 pictures");
        if (!ddpm::all_finite(samples)) throw ddpm::Error(what + ": holds a non-finite value");
        eval_pictures(samples, pictures, what, classifier);
        return 0;
    }
    if (samples.ndim() != 2 || samples.dim(1) != 2)
        throw ddpm::Error(what + ": expected points (n, 2) or pictures (n, 196) or (n, 784), got " +
                          samples.shape_str());
    if (samples.dim(0) < 10) throw ddpm::Error(what + ": needs at least 10 points");
    int n = std::min(samples.dim(0), 3000);
    ddpm::Tensor real_a, real_b;
    reference_points(dataset, data_file, seed, cls, samples, n, real_a, real_b);
    ddpm::QualityReport r = ddpm::evaluate_quality(samples, real_a, real_b, n);
    // Every number printed must be one: points far beyond float's range give infinite distances.
    for (const ddpm::Quality& q : {r.model, r.floor})
        for (double v : {q.swd, q.mmd, q.precision, q.recall})
            if (!std::isfinite(v))
                throw ddpm::Error(what +
                                  ": the measures are not finite (the points are too far apart to "
                                  "measure in float32); check the file's units");
    std::printf("%s%s\n", ddpm::quality_table(r).c_str(), ddpm::quality_json(r).c_str());
    return 0;
}

}  // namespace ddpm_tool
