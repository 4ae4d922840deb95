#include "sampling.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "options.h"
#include "core/error.h"
#include "data/datasets.h"
#include "diffusion/flow.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "io/memory.h"
#include "io/points.h"
#include "io/weights.h"
#include "likelihood/ode.h"

namespace ddpm_tool {

ddpm::Tensor run_data(const std::string& dataset, int n, uint64_t seed, ddpm::Normalization* norm) {
    if (dataset.rfind("file:", 0) != 0) return ddpm::make_dataset(dataset, n, seed);
    ddpm::Tensor points = ddpm::load_points(dataset.substr(5));
    *norm = ddpm::normalize_points(points, dataset.substr(5));
    return points;
}

bool is_pictures(const ddpm::RunInfo& run) {
    return run.dataset == ddpm::kFashionMnistName;
}

int picture_side(const ddpm::ModelConfig& model) {
    if (model.dim != 14 * 14 && model.dim != 28 * 28)
        throw ddpm::Error("a fashion_mnist model takes pictures of 196 or 784 values, not " +
                          std::to_string(model.dim));
    return model.dim == 14 * 14 ? 14 : 28;
}

ddpm::ImageSet training_pictures(int side, int n) {
    ddpm::ImageSet set = ddpm::load_fashion_mnist("train", side);
    const int all = set.images.dim(0);
    if (n > all)
        throw ddpm::UsageError("--n " + std::to_string(n) + ": fashion_mnist has " +
                               std::to_string(all) + " training pictures");
    if (n > 0 && n < all) {
        set.images = set.images.slice(0, n);
        set.labels.resize(n);
    }
    return set;
}

ddpm::ImageSet test_pictures(int side) {
    return ddpm::load_fashion_mnist("test", side);
}

bool classes_in_turn(const SampleRequest& request, const ddpm::SamplingModel& loaded) {
    return is_pictures(loaded.run) && loaded.model.config().num_classes > 0 && request.label < 0;
}

std::vector<int> asked_classes(const SampleRequest& request, const ddpm::SamplingModel& loaded) {
    if (request.label >= 0) return std::vector<int>(request.n, request.label);
    if (!classes_in_turn(request, loaded)) return {};
    const long K = loaded.model.config().num_classes;
    std::vector<int> classes(request.n);
    for (long i = 0; i < request.n; ++i) classes[i] = static_cast<int>(i * K / request.n);
    return classes;
}

std::vector<std::string> picture_row_labels(const std::vector<int>& classes, int columns) {
    std::vector<std::string> labels;
    int previous = -1;
    for (size_t start = 0; start < classes.size(); start += columns) {
        const size_t end = std::min(classes.size(), start + columns);
        const int k = classes[start];
        const bool one_class = std::all_of(classes.begin() + start, classes.begin() + end,
                                           [&](int c) { return c == k; });
        const bool named = one_class && k != previous && k < ddpm::kFashionClasses;
        labels.push_back(named ? ddpm::kFashionClassNames[k] : "");
        previous = one_class ? k : -1;
    }
    return labels;
}

std::vector<cli::Flag> class_flags() {
    return {
        cli::integer_flag("--class", "K", 0, 1000,
                          "a conditional model's class to draw (default: none, unconditional; a "
                          "picture model: each class in turn, n/K each)"),
        cli::number_flag("--guidance", "W", 0.0, 100.0,
                         "with a class: eps_uncond + W (eps_cond - eps_uncond) (default: the "
                         "checkpoint's, ddpm train --guidance; 0 ignores the class)"),
    };
}

void parse_class_flags(cli::Args& args, SampleRequest& request) {
    request.label = static_cast<int>(args.integer_or("--class", -1));
    request.have_guidance = args.has("--guidance");
    request.guidance = static_cast<float>(args.number_or("--guidance", 1.0));
}

cli::Flag clip_flag() {
    return cli::number_flag("--clip-x0", "C", 0.0, 1000.0,
                            "the ddpm sampler's estimate of x_0 clipped to [-C, C] (lesson 15; 0: "
                            "not clipped; default 1, the values' range, for pictures, else 0)");
}

void parse_clip_flag(cli::Args& args, SampleRequest& request) {
    request.clip_x0 = static_cast<float>(args.number_or("--clip-x0", -1.0));
}

std::string parse_sampler_flag(cli::Args& args) {
    if (!args.has("--sampler")) return "";
    const std::string name = args.text("--sampler");
    try {
        ddpm::parse_sampler(name);
    } catch (const ddpm::UsageError& e) {
        throw ddpm::UsageError(std::string("--") + e.what());
    }
    return name;
}

ddpm::Sampler sampler_of(const SampleRequest& request) {
    ddpm::Sampler s = ddpm::parse_sampler(request.sampler);
    if (request.sampler == "ddpm") {
        s.ddpm.variance = request.variance == "posterior"
                              ? ddpm::SamplerOptions::Variance::posterior
                              : ddpm::SamplerOptions::Variance::beta;
        s.ddpm.noise_at_last_step = request.last_noise == "on";
    }
    if (s.kind == ddpm::Sampler::Kind::ddpm) s.ddpm.clip_x0 = std::max(request.clip_x0, 0.0f);
    if (request.have_steps) s.steps = request.steps;
    s.eta = request.eta;
    return s;
}

ddpm::Sampler checked_sampler(const SampleRequest& request, const ddpm::Schedule& sched) {
    const ddpm::Sampler s = sampler_of(request);
    const bool on_the_grid =  // DDIM's subsequence of T
        s.kind == ddpm::Sampler::Kind::ddim || s.kind == ddpm::Sampler::Kind::ode;
    if (on_the_grid && ddpm::sampler_steps(s, sched.num_steps) > sched.num_steps)
        throw ddpm::UsageError("--sample-steps: the model has only " +
                               std::to_string(sched.num_steps) + " steps");
    return s;
}

int steps_of(const SampleRequest& request, const ddpm::Schedule& sched) {
    return ddpm::sampler_steps(checked_sampler(request, sched), sched.num_steps);
}

ddpm::Prior sampling_prior(const std::string& prior, const ddpm::SamplingModel& loaded) {
    if (prior != "matched") return ddpm::standard_prior();
    ddpm::Normalization unused;
    return ddpm::matched_prior(run_data(loaded.run.dataset, 10000, 1, &unused), loaded.sched);
}

void model_defaults(SampleRequest& request, const ddpm::SamplingModel& loaded) {
    const bool flow = loaded.objective == ddpm::Objective::flow;
    if (request.sampler.empty()) request.sampler = flow ? "heun" : "ddpm";
    const ddpm::Sampler named = ddpm::parse_sampler(request.sampler);
    const bool flow_sampler = ddpm::is_flow_sampler(named);
    const bool ddpm_kind = named.kind == ddpm::Sampler::Kind::ddpm;
    const std::string predicts = std::string(" predicts ") + ddpm::objective_name(loaded.objective);
    if (flow && !flow_sampler)
        throw ddpm::UsageError("--sampler " + request.sampler + ": " + request.model_path +
                               " was trained by flow matching; use --sampler euler or heun");
    if (!flow && flow_sampler)
        throw ddpm::UsageError("--sampler " + request.sampler +
                               ": euler and heun integrate a flow-matching model (ddpm train "
                               "--objective flow); " +
                               request.model_path + predicts);
    if (request.ddpm_settings_given && ddpm_kind && request.sampler != "ddpm")
        throw ddpm::UsageError("--variance and --last-step-noise set the ddpm sampler's steps; " +
                               request.sampler + " fixes them (give --sampler ddpm)");
    if (request.ddpm_settings_given && !ddpm_kind)
        throw ddpm::UsageError(
            "--variance and --last-step-noise set the ddpm sampler's steps; the " +
            request.sampler + " sampler adds no noise to set");
    if (request.have_steps && named.steps > 0)
        throw ddpm::UsageError("--sample-steps: --sampler " + request.sampler +
                               " names its steps already");
    if (flow && request.prior == "matched")
        throw ddpm::UsageError("--prior matched: " + request.model_path +
                               " was trained by flow matching, whose path ends at N(0, I) exactly");
    if (ddpm_kind && (request.have_steps || request.eta != 0.0f))
        throw ddpm::UsageError("--sample-steps and --eta are DDIM's (add --sampler ddim)");
    if (named.kind != ddpm::Sampler::Kind::ddim && request.eta != 0.0f)
        throw ddpm::UsageError("--eta is DDIM's; the " + request.sampler +
                               " sampler adds no noise");
    const int K = loaded.model.config().num_classes;
    if (request.label >= 0 && K == 0)
        throw ddpm::UsageError("--class: " + request.model_path +
                               " has no classes (ddpm train --classes K makes one that has)");
    if (request.label >= K && K > 0)
        throw ddpm::UsageError("--class " + std::to_string(request.label) + ": " +
                               request.model_path + " has classes 0 to " + std::to_string(K - 1));
    request.classes_in_turn = classes_in_turn(request, loaded);
    if (request.have_guidance && request.label < 0 && !request.classes_in_turn)
        throw ddpm::UsageError(
            "--guidance mixes a class's prediction with the unconditional one: give --class K");
    if (!request.have_guidance) request.guidance = loaded.run.guidance;
    if (request.clip_x0 > 0 && !ddpm_kind)
        throw ddpm::UsageError(
            "--clip-x0 clips the ddpm samplers' estimate of x_0 (notebook, "
            "algorithm2, ddpm); " +
            request.sampler + " has none to clip");
    if (request.clip_x0 < 0) request.clip_x0 = is_pictures(loaded.run) && ddpm_kind ? 1.0f : 0.0f;
}

void note_prior_mismatch(const SampleRequest& request, const ddpm::SamplingModel& loaded) {
    const double abar_T = loaded.sched.alphas_prod[loaded.sched.num_steps - 1];
    const ddpm::Sampler::Kind kind = ddpm::parse_sampler(request.sampler).kind;
    const bool deterministic =
        kind == ddpm::Sampler::Kind::ode || kind == ddpm::Sampler::Kind::ddim;
    if (!deterministic || request.prior == "matched" || abar_T < 0.01) return;
    std::fprintf(stderr,
                 "ddpm: note: the schedule ends at abar_T = %.2f, short of noise: a deterministic "
                 "sampler started from N(0, I) keeps that mismatch and lands off the data "
                 "(lesson 12); --prior matched starts from q(x_T)'s own mean and covariance\n",
                 abar_T);
}

void recipe_defaults(SampleRequest& request, const std::string& recipe) {
    const bool improved = recipe == "improved";
    if (request.variance.empty()) request.variance = improved ? "posterior" : "beta";
    if (request.last_noise.empty()) request.last_noise = improved ? "off" : "on";
}

ddpm::Tensor draw_trajectory(const SampleRequest& request, const ddpm::SamplingModel& loaded) {
    const ddpm::MLPDiffusion& model = loaded.model;
    const ddpm::Schedule& sched = loaded.sched;
    const ddpm::Sampler how = checked_sampler(request, sched);
    // x_T: the prior's for points (lesson 12's matched one too), N(0, I) for pictures.
    const int dim = model.config().dim;
    if (dim != 2 && request.prior == "matched")
        throw ddpm::UsageError(
            "--prior matched: fitted for 2-D points; this model's samples "
            "have " +
            std::to_string(dim) + " values");
    const ddpm::Prior prior = dim == 2 ? sampling_prior(request.prior, loaded) : ddpm::Prior{};
    auto draw_x_T = [&](int n, ddpm::Rng& rng) {
        return dim == 2 ? ddpm::sample_prior(prior, n, rng) : ddpm::randn(n, dim, rng);
    };
    if (!classes_in_turn(request, loaded)) {
        ddpm::Rng rng(request.seed);
        const ddpm::Tensor x_T = draw_x_T(request.n, rng);
        const ddpm::Denoiser d{&model, loaded.objective, request.label, request.guidance};
        return ddpm::sample(d, x_T, sched, rng, how);
    }
    // Each class's samples from their own stream, into their rows of the whole trajectory.
    const std::vector<int> classes = asked_classes(request, loaded);
    ddpm::Tensor all;
    for (int k = 0, first = 0; first < request.n; ++k) {
        int count = 0;
        while (first + count < request.n && classes[first + count] == k) ++count;
        if (count == 0) continue;
        ddpm::Rng rng(request.seed, /*stream=*/1 + static_cast<uint64_t>(k));
        const ddpm::Tensor x_T = draw_x_T(count, rng);
        const ddpm::Denoiser d{&model, loaded.objective, k, request.guidance};
        const ddpm::Tensor seq = ddpm::sample(d, x_T, sched, rng, how);
        const int frames = seq.dim(0), D = seq.dim(2);
        if (all.size() == 0) all = ddpm::Tensor({frames, request.n, D});
        for (int f = 0; f < frames; ++f)
            std::copy(seq.data() + static_cast<size_t>(f) * count * D,
                      seq.data() + static_cast<size_t>(f + 1) * count * D,
                      all.data() + (static_cast<size_t>(f) * request.n + first) * D);
        first += count;
    }
    return all;
}

std::string sampler_text(const SampleRequest& request) {
    char clip[48] = "";
    if (request.clip_x0 > 0)
        std::snprintf(clip, sizeof clip, ", x_0 clipped to [-%g, %g]", request.clip_x0,
                      request.clip_x0);
    if (request.sampler != "ddpm") return request.sampler + clip;
    return "ddpm, " + request.variance + " variance, last-step noise " + request.last_noise + clip;
}

std::string class_text(const SampleRequest& request) {
    if (request.label < 0 && request.classes_in_turn) {
        char w[48];
        std::snprintf(w, sizeof w, ", each class in turn, guidance %g", request.guidance);
        return w;
    }
    if (request.label < 0) return "";
    char w[32];
    std::snprintf(w, sizeof w, "%g", request.guidance);
    return ", class " + std::to_string(request.label) + ", guidance " + w;
}

ddpm::Tensor class_sample(const std::string& dataset, int classes, int label, int n,
                          uint64_t seed) {
    const ddpm::Tensor all = ddpm::class_points(
        ddpm::make_labelled_dataset(dataset, 3 * classes * n, classes, seed), label);
    if (all.dim(0) < n)
        throw ddpm::Error("class " + std::to_string(label) + " of " + dataset +
                          " holds too few points");
    return all.slice(0, n);
}

ddpm::Tensor points_in_model_units(const std::string& path, const ddpm::SamplingModel& loaded) {
    ddpm::Tensor x = ddpm::load_points(path);
    const int dim = loaded.model.config().dim;  // 2, or a picture's pixels
    const std::string what =
        dim == 2 ? "points (n, 2)" : "pictures (n, " + std::to_string(dim) + ")";
    if (x.ndim() != 2 || x.dim(1) != dim || x.dim(0) < 1)
        throw ddpm::Error(path + ": expected " + what + ", got " + x.shape_str());
    if (!ddpm::all_finite(x)) throw ddpm::Error(path + ": holds a non-finite value");
    ddpm::check_fits_in_memory(ddpm::sampling_bytes(loaded.model.config(), x.dim(0)),
                               "the " + std::to_string(x.dim(0)) + " points of " + path,
                               "use fewer points");
    if (dim == 2) ddpm::apply_normalization(x, loaded.run.data_norm);  // pictures are as trained
    return x;
}

ddpm::OdeEncoding exact_likelihood(const ddpm::SamplingModel& loaded, const ddpm::Denoiser& d,
                                   const ddpm::Tensor& x_0, int S, const ddpm::Prior& prior) {
    if (loaded.objective == ddpm::Objective::flow)
        return ddpm::flow_encode(d, x_0, S, ddpm::FlowSolver::heun);
    return ddpm::ode_encode(ddpm::network_field(d, loaded.sched), x_0, loaded.sched, S, prior);
}

double mean_of(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
}

}  // namespace ddpm_tool
