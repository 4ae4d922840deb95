// The network in the ecosystem's format (safetensors), written from a checkpoint and read back as a
// model to sample, so weights cross between the notebook and this course (docs/notebook-and-back.md).
//
// The tensors are MLP::layout()'s, under the notebook's state_dict names and PyTorch's shapes:
//   linears.0.weight (hidden, 2)   linears.0.bias (hidden)   ...   linears.6.weight (2, hidden)
//   step_embeddings.0.weight (num_steps, hidden)   ...
// float32, exactly what MLPDiffusion.state_dict() holds, so load_state_dict(strict=True) takes them.
// The metadata (strings) records what tensors cannot: the configuration, the schedule, the recipe,
// which weights these are, the data set and its normalisation.
#pragma once
#include <string>

#include "io/checkpoint.h"
#include "io/safetensors.h"

namespace ddpm {

constexpr const char* kWeightsFormat = "ddpm-from-scratch";  // metadata "format"
// metadata "format_version": 2 added objective, classes, p_uncond and guidance (version 1 files
// are eps models without classes).
constexpr int kWeightsVersion = 2;

// The checkpoint's raw or EMA weights ("raw" or "ema") with the run's description as metadata.
SafeTensors model_safetensors(const Checkpoint& ck, const std::string& weights);

// For a file whose metadata has no configuration (saved from the notebook by a tool other than
// ours): the model to expect, from the command line. The defaults are the notebook's. Messages
// name these settings by their fields (steps, hidden, depth, schedule), as they name `weights`;
// the tools take each as the flag of that name.
struct ImportSettings {
    int num_steps = 100, hidden = 128, depth = 3;
    std::string schedule = "sigmoid";
    bool given = false;  // a flag set one of them (refused for a file with its own configuration)
};

// A network to sample from, and what the tools need beside it.
struct SamplingModel {
    MLPDiffusion model;
    Schedule sched;
    RunInfo run;
    std::string weights;                   // which these are: "raw" or "ema"
    Objective objective = Objective::eps;  // what the network predicts (lesson 14)
};

// From a checkpoint (`weights` "raw", "ema", or "" for its recipe's choice) or, for a name ending
// in .safetensors, from such a file (one set of weights: `weights` "" or the file's). Throws
// Error naming the file, and for a tensor that disagrees with the configuration, the tensor and
// both shapes; UsageError for a request the file cannot meet.
SamplingModel load_sampling_model(const std::string& path, const std::string& weights,
                                  const ImportSettings& settings);
SamplingModel sampling_model_from_safetensors(const SafeTensors& file, const std::string& name,
                                              const std::string& weights,
                                              const ImportSettings& settings);

}  // namespace ddpm
