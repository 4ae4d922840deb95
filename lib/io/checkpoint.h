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

#include "train.h"

namespace ddpm {

constexpr uint32_t kCheckpointVersion = 5;  // 2 normalisation, 3 embedding, 4 recipe, 5 fourier

// Writes the trainer's whole state (atomically: temp file, then rename).
void save_checkpoint(const Trainer& tr, const std::string& path);

// Reads a checkpoint into a Trainer that continues exactly where the saved one stopped.
// The schedule is rebuilt from its name and step count.
Trainer load_checkpoint(const std::string& path);

// The same from bytes in memory (the tests and the fuzz target use it).
std::string checkpoint_bytes(const Trainer& tr);
Trainer checkpoint_from_bytes(const std::string& bytes, const std::string& name);

}  // namespace ddpm
