// The outputs of one command, checked together before any work: a failure found after an hour of
// training, or after the first of three files was replaced, is one found too late.
#pragma once
#include <string>
#include <vector>

namespace ddpm {

// A path with the name the caller gave it (a tool passes its flag), for messages.
struct NamedPath {
    std::string flag, path;
};

// Throws UsageError when an output is a link, device, FIFO or folder (io/atomic_file.h), when two
// outputs are one file, or an output is one of the inputs; throws Error when an output's folder
// cannot be made or written (probed by creating and removing a temporary there).
void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

}  // namespace ddpm
