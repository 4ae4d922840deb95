// Checkpoints: a training run saved to one binary file, so it can be sampled later or resumed
// bit for bit.
//
// Layout (little-endian):
//   magic "DDPMCKPT" (8 bytes) | u32 version | u64 payload size | payload | u64 FNV-1a-64 of
//   payload
// The payload is a fixed sequence of fields (model and training configuration, schedule name,
// epoch, loss history, parameters, EMA weights, Adam's moments and step, the generator's state).
// A file with another magic, another version, a wrong size or a wrong checksum is refused with a
// message that says which; sizes are checked against the bytes present before anything is
// allocated, so a corrupt header cannot make us allocate gigabytes.
#pragma once
#include <string>

#include "data/datasets.h"
#include "diffusion/train.h"

namespace ddpm {

// What the tools record about a run beside the training state: where its data came from, so a
// resumed run regenerates the same points, and the recipe that sampling takes its defaults from.
struct RunInfo {
    // A data set's name, or "file:PATH" for a learner's own points, with the normalisation that
    // maps them to the model's scale (samples are mapped back with it).
    std::string dataset = "s_curve";
    int dataset_n = 0;
    Normalization data_norm;
    // "notebook", or "improved": the same training, sampled by default from the EMA weights with
    // DDPM's Algorithm 2 (docs/experiments.md says why).
    std::string recipe = "notebook";
    // For a conditional model: the guidance weight sampling uses when not told (lesson 13).
    float guidance = 1.0f;
};

// A checkpoint's contents: the trainer, ready to sample or to go on, and the run's description.
struct Checkpoint {
    Trainer trainer;
    RunInfo run;
};

// 2 normalisation, 3 embedding, 4 recipe, 5 fourier, 6 classes, objective, label dropout and
// guidance, 7 the input-to-output skip and the layer norm. Versions 5 and 6 still load (5 as eps models without
// classes; both without a skip).
constexpr uint32_t kCheckpointVersion = 7;
constexpr uint32_t kOldestCheckpointVersion = 5;

// Writes the trainer's whole state and the run's description (atomically: temp file, then
// rename).
void save_checkpoint(const Trainer& tr, const RunInfo& run, const std::string& path);

// Reads a checkpoint: a Trainer that continues exactly where the saved one stopped, and the run's
// description. The schedule is rebuilt from its name and step count.
Checkpoint load_checkpoint(const std::string& path);

// The same from bytes in memory (the tests and the fuzz target use it).
std::string checkpoint_bytes(const Trainer& tr, const RunInfo& run);
Checkpoint checkpoint_from_bytes(const std::string& bytes, const std::string& name);

}  // namespace ddpm
