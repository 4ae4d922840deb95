// The flags and texts that several `ddpm` commands share.
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "../cli.h"
#include "io/weights.h"

namespace ddpm_tool {

// The rows of the flags for .safetensors weights without a configuration (the notebook's),
// shared by sample, eval, animate, predict and encode: --steps, --hidden, --depth, --schedule.
std::vector<cli::Flag> import_flags();
// Those flags' values: the model the weights are (lib/io/weights.h's ImportSettings, field for
// flag).
ddpm::ImportSettings parse_import_flags(cli::Args& args);

// A table's rows from groups of them, in order.
std::vector<cli::Flag> rows(std::initializer_list<std::vector<cli::Flag>> groups);

// --out for points: a .csv or .npy name, or - (CSV to standard output).
void check_points_out(const std::string& out);

// How a report names an output: "standard output" for -, the file's name otherwise.
std::string output_name(const std::string& out);

}  // namespace ddpm_tool
