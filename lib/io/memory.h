// Memory: what a model, a training run or a batch of samples will allocate, estimated before any
// of it is, so an impossible request is refused with the number instead of std::bad_alloc.
#pragma once
#include <cstdint>
#include <string>

#include "diffusion/train.h"
#include "nn/model.h"

namespace ddpm {

// The number of parameters a configuration has (the layout MLP builds), in 64-bit arithmetic.
uint64_t parameter_count(const ModelConfig& cfg);

// Bytes a Trainer holds: the parameters four times over (weights, gradients, EMA, each Adam
// moment) and the activations and their gradients for one batch.
uint64_t training_bytes(const ModelConfig& m, const TrainConfig& c);

// Bytes sampling n points holds: the points and a trajectory of T + 1 frames of them.
uint64_t sampling_bytes(const ModelConfig& m, uint64_t n);

// The machine's physical memory (0 when it cannot be told).
uint64_t physical_memory_bytes();

// Throws UsageError when `bytes` exceed the machine's memory: "<what> needs 26.1 GB, more than
// this machine's 7.8 GB; <advice>".
void check_fits_in_memory(uint64_t bytes, const std::string& what, const std::string& advice);

// "26.1 GB", "812 MB": bytes for a message.
std::string human_bytes(uint64_t bytes);

}  // namespace ddpm
