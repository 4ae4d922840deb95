#include "io/weights.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "io/memory.h"
#include "io/points.h"

namespace ddpm {

namespace {

using Metadata = std::vector<std::pair<std::string, std::string>>;

// A float as the shortest text that reads back as the same float ("0.001", not "0.00100000005").
std::string exact_text(float v) {
    char buf[32];
    for (int digits = 6; digits <= 9; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

Metadata run_metadata(const Checkpoint& ck, const std::string& weights) {
    const Trainer& tr = ck.trainer;
    const ModelConfig& m = tr.model_cfg;
    const bool learned = m.embedding == ModelConfig::Embedding::learned;
    return {
        {"format", kWeightsFormat},
        {"format_version", std::to_string(kWeightsVersion)},
        {"weights", weights},
        {"num_steps", std::to_string(m.num_steps)},
        {"hidden", std::to_string(m.hidden)},
        {"depth", std::to_string(m.depth)},
        {"dim", std::to_string(m.dim)},
        {"embedding", learned ? "learned" : "sinusoidal"},
        {"fourier", std::to_string(m.fourier)},
        {"classes", std::to_string(m.num_classes)},
        {"skip", m.skip ? "1" : "0"},
        {"norm", m.norm ? "1" : "0"},
        {"objective", objective_name(tr.cfg.objective)},
        {"guidance", exact_text(ck.run.guidance)},
        {"schedule", tr.sched.name},
        {"recipe", ck.run.recipe},
        {"dataset", ck.run.dataset},
        {"dataset_n", std::to_string(ck.run.dataset_n)},
        {"data_mean_x", exact_text(ck.run.data_norm.mean[0])},
        {"data_mean_y", exact_text(ck.run.data_norm.mean[1])},
        {"data_scale", exact_text(ck.run.data_norm.scale)},
        // What the training was, for the reader; not read back.
        {"epochs_done", std::to_string(tr.epoch)},
        {"batch", std::to_string(tr.cfg.batch)},
        {"lr", exact_text(tr.cfg.lr)},
        {"ema_mu", exact_text(tr.cfg.ema_mu)},
        {"p_uncond", exact_text(tr.cfg.p_uncond)},
        {"seed", std::to_string(tr.seed)},
    };
}

// Metadata values read back, each checked.
struct MetaReader {
    const SafeTensors& file;
    const std::string& name;

    const std::string& text(const std::string& key) const {
        const std::string* v = file.meta(key);
        if (!v) throw Error(name + ": its metadata has no '" + key + "'");
        return *v;
    }
    std::string text_or(const std::string& key, const std::string& fallback) const {
        const std::string* v = file.meta(key);
        return v ? *v : fallback;
    }
    int integer(const std::string& key, long lo, long hi) const {
        const std::string& v = text(key);
        char* end = nullptr;
        errno = 0;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || errno != 0 || n < lo || n > hi)
            throw Error(name + ": metadata '" + key + "' is '" + v + "'; expected a whole number " +
                        "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return static_cast<int>(n);
    }
    float number_or(const std::string& key, float fallback) const {
        if (!file.meta(key)) return fallback;
        const std::string& v = text(key);
        char* end = nullptr;
        const float x = std::strtof(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(x))
            throw Error(name + ": metadata '" + key + "' is '" + v + "'; expected a number");
        return x;
    }
};

// The configuration a file of ours records.
ModelConfig config_from_metadata(const MetaReader& meta) {
    const int version = meta.integer("format_version", 1, 1000000);
    if (version > kWeightsVersion)
        throw Error(meta.name + ": written in weights format version " + std::to_string(version) +
                    "; this build reads version " + std::to_string(kWeightsVersion) +
                    " (update the course)");
    ModelConfig m;
    m.num_steps = meta.integer("num_steps", 2, 100000);
    m.hidden = meta.integer("hidden", 1, 4096);
    m.depth = meta.integer("depth", 1, 16);
    m.dim = meta.integer("dim", 1, 4096);  // 2 for points, 196 or 784 for pictures
    m.fourier = meta.integer("fourier", 0, 16);
    m.num_classes = meta.file.meta("classes") ? meta.integer("classes", 0, 1000) : 0;
    m.skip = meta.file.meta("skip") ? meta.integer("skip", 0, 1) == 1 : false;
    m.norm = meta.file.meta("norm") ? meta.integer("norm", 0, 1) == 1 : false;
    const std::string& embedding = meta.text("embedding");
    if (embedding != "learned" && embedding != "sinusoidal")
        throw Error(meta.name + ": metadata 'embedding' is '" + embedding +
                    "'; expected learned or sinusoidal");
    if (embedding == "sinusoidal") m.embedding = ModelConfig::Embedding::sinusoidal;
    return m;
}

RunInfo run_from_metadata(const MetaReader& meta) {
    RunInfo run;
    run.recipe = meta.text_or("recipe", "notebook");
    if (run.recipe != "notebook" && run.recipe != "improved")
        throw Error(meta.name + ": metadata 'recipe' is '" + run.recipe +
                    "'; expected notebook or improved");
    run.dataset = meta.text_or("dataset", "s_curve");
    run.dataset_n = meta.file.meta("dataset_n") ? meta.integer("dataset_n", 0, 100000000) : 0;
    run.data_norm.mean[0] = meta.number_or("data_mean_x", 0.0f);
    run.data_norm.mean[1] = meta.number_or("data_mean_y", 0.0f);
    run.data_norm.scale = meta.number_or("data_scale", 1.0f);
    if (!(run.data_norm.scale > 0))
        throw Error(meta.name + ": metadata 'data_scale' must be positive");
    run.guidance = meta.number_or("guidance", 1.0f);
    if (!(run.guidance >= 0 && run.guidance <= 100))
        throw Error(meta.name + ": metadata 'guidance' must be in [0, 100]");
    return run;
}

// Each of the model's tensors from the file, by name, with its shape checked; `flags` says where
// the expected shapes came from and `hint` what to do, for the message.
void copy_tensors(MLPDiffusion& model, const SafeTensors& file, const std::string& name,
                  const std::string& flags, const std::string& hint) {
    for (const SafeTensor& t : file.tensors) {
        bool known = false;
        for (const ParamInfo& p : model.layout()) known = known || p.name == t.name;
        if (!known)
            throw Error(name + ": tensor '" + t.name + "' " + shape_text(t.shape) +
                        " is not a parameter of the model " + flags + hint);
    }
    for (const ParamInfo& p : model.layout()) {
        const std::vector<int64_t> expected(p.shape.begin(), p.shape.end());
        const SafeTensor* t = file.find(p.name);
        if (!t)
            throw Error(name + ": no tensor '" + p.name + "'; the model " + flags + " has it, " +
                        shape_text(expected) + hint);
        if (t->shape != expected)
            throw Error(name + ": tensor '" + p.name + "' is " + shape_text(t->shape) +
                        "; the model " + flags + " expects " + shape_text(expected) + hint);
        const std::vector<float> values = t->floats(name);
        for (float v : values)
            if (!std::isfinite(v))
                throw Error(name + ": tensor '" + p.name + "' holds a non-finite value");
        std::copy(values.begin(), values.end(), model.params.begin() + p.offset);
    }
}

}  // namespace

SafeTensors model_safetensors(const Checkpoint& ck, const std::string& weights) {
    if (weights != "raw" && weights != "ema")
        throw UsageError("weights: expected raw or ema, got '" + weights + "'");
    const MLPDiffusion model = weights == "ema" ? ema_model(ck.trainer) : ck.trainer.model;
    SafeTensors file;
    file.metadata = run_metadata(ck, weights);
    for (const ParamInfo& p : model.layout())
        file.tensors.push_back(f32_tensor(p.name,
                                          std::vector<int64_t>(p.shape.begin(), p.shape.end()),
                                          model.params.data() + p.offset));
    return file;
}

SamplingModel sampling_model_from_safetensors(const SafeTensors& file, const std::string& name,
                                              const std::string& weights,
                                              const ImportSettings& settings) {
    const MetaReader meta{file, name};
    const bool ours = file.meta("format") != nullptr;
    if (ours && *file.meta("format") != kWeightsFormat)
        throw Error(name + ": metadata 'format' is '" + *file.meta("format") + "', not " +
                    kWeightsFormat + "'s");
    if (ours && settings.given)
        throw UsageError(
            "the settings steps, hidden, depth and schedule are for weights without a "
            "configuration; " +
            name + " records its own");
    ModelConfig cfg;
    std::string schedule = settings.schedule, flags, hint;
    if (ours) {
        cfg = config_from_metadata(meta);
        schedule = meta.text("schedule");
        flags = "its metadata describes";
    } else {
        cfg.num_steps = settings.num_steps;
        cfg.hidden = settings.hidden;
        cfg.depth = settings.depth;
        flags = "of steps " + std::to_string(cfg.num_steps) + ", hidden " +
                std::to_string(cfg.hidden) + ", depth " + std::to_string(cfg.depth);
        hint =
            " (the file has no configuration: give the steps, hidden and depth it was trained "
            "with)";
    }
    validate(cfg);
    // The configuration is the file's word, not its size. A model of up to 16M parameters (64 MB)
    // is built, so that the tensor that disagrees can be named; a larger one only when the file
    // holds that many values.
    uint64_t values = 0;
    for (const SafeTensor& t : file.tensors) values += t.numel();
    if (parameter_count(cfg) > std::max<uint64_t>(values, uint64_t(1) << 24))
        throw Error(name + ": the model " + flags + " has " + std::to_string(parameter_count(cfg)) +
                    " parameters; the file holds " + std::to_string(values) + " values" + hint);
    Schedule sched;
    try {
        sched = Schedule::by_name(schedule, cfg.num_steps);
    } catch (const UsageError& e) {
        if (!ours) throw;
        throw Error(name + ": metadata 'schedule': " + e.what());
    }
    const std::string held = meta.text_or("weights", "raw");
    if (held != "raw" && held != "ema")
        throw Error(name + ": metadata 'weights' is '" + held + "'; expected raw or ema");
    if (!weights.empty() && weights != held)
        throw UsageError("weights " + weights + ": " + name + " holds the " + held +
                         " weights only (export the " + weights + " weights from its checkpoint)");
    RunInfo run = ours ? run_from_metadata(meta) : RunInfo{};
    Objective objective = Objective::eps;
    try {
        objective = parse_objective(meta.text_or("objective", "eps"));
    } catch (const UsageError& e) {
        throw Error(name + ": metadata 'objective': " + e.what());
    }
    MLPDiffusion model(cfg);
    copy_tensors(model, file, name, flags, hint);
    // Built last, when nothing can throw any more.
    return SamplingModel{std::move(model), sched, std::move(run), held, objective};
}

SamplingModel load_sampling_model(const std::string& path, const std::string& weights,
                                  const ImportSettings& settings) {
    if (has_extension(path, ".safetensors"))
        return sampling_model_from_safetensors(load_safetensors(path), path, weights, settings);
    if (settings.given)
        throw UsageError(
            "the settings steps, hidden, depth and schedule are for .safetensors weights; " + path +
            " is a checkpoint, which records its own");
    Checkpoint ck = load_checkpoint(path);
    const std::string which = !weights.empty()              ? weights
                              : ck.run.recipe == "improved" ? "ema"
                                                            : "raw";
    MLPDiffusion model = which == "ema" ? ema_model(ck.trainer) : std::move(ck.trainer.model);
    return SamplingModel{std::move(model), ck.trainer.sched, ck.run, which,
                         ck.trainer.cfg.objective};
}

}  // namespace ddpm
