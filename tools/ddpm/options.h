// The flags and texts that several `ddpm` commands share.
#pragma once
#include <string>
#include <vector>

#include "../cli.h"
#include "io/weights.h"

namespace ddpm_tool {

// The help of the flags for .safetensors weights without a configuration (the notebook's),
// shared by sample, eval, animate, predict and encode.
extern const char* const kImportHelp;

// value, when it is one of `allowed`; else a UsageError naming the flag and the choices.
std::string one_of(const std::string& flag, const std::string& value,
                   const std::vector<std::string>& allowed);

// A flag that picks one of a few names and whose default depends on what it is used with: "" when
// it is not given; given, it must be one of them (an empty value is refused, never read as the
// default).
std::string optional_choice(cli::Args& args, const std::string& flag,
                            const std::vector<std::string>& allowed);

// --steps, --hidden, --depth, --schedule: the model that .safetensors weights without a
// configuration are (lib/io/weights.h's ImportSettings, field for flag).
ddpm::ImportSettings parse_import_flags(cli::Args& args);

// --out for points: a .csv or .npy name, or - (CSV to standard output).
void check_points_out(const std::string& out);

// How a report names an output: "standard output" for -, the file's name otherwise.
std::string output_name(const std::string& out);

}  // namespace ddpm_tool
