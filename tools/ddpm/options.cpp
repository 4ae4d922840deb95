#include "options.h"

#include <string>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/points.h"
#include "io/weights.h"

namespace ddpm_tool {

const char* const kImportHelp =
    "weights saved without our metadata (the notebook's, by safetensors.torch.save_file):\n"
    "  --steps T --hidden N --depth N --schedule NAME   the model they are (default: the\n"
    "                       notebook's, 100, 128, 3, sigmoid); a mismatch names the tensor\n";

std::string one_of(const std::string& flag, const std::string& value,
                   const std::vector<std::string>& allowed) {
    for (const std::string& a : allowed)
        if (value == a) return value;
    std::string list;
    for (size_t i = 0; i < allowed.size(); ++i)
        list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
    throw ddpm::UsageError(flag + ": expected " + list + ", got '" + value + "'");
}

std::string optional_choice(cli::Args& args, const std::string& flag,
                            const std::vector<std::string>& allowed) {
    if (!args.has(flag)) return "";
    return one_of(flag, args.text(flag, ""), allowed);
}

ddpm::ImportSettings parse_import_flags(cli::Args& args) {
    ddpm::ImportSettings s;
    s.given = args.has("--steps") || args.has("--hidden") || args.has("--depth") ||
              args.has("--schedule");
    s.num_steps = static_cast<int>(args.integer("--steps", 100, 2, 100000));
    s.hidden = static_cast<int>(args.integer("--hidden", 128, 1, 4096));
    s.depth = static_cast<int>(args.integer("--depth", 3, 1, 16));
    s.schedule = args.text("--schedule", "sigmoid");
    return s;
}

void check_points_out(const std::string& out) {
    if (!ddpm::has_points_extension(out) && !ddpm::is_standard_output(out))
        throw ddpm::UsageError(
            "--out: expected a .csv or .npy file name, or - (CSV to standard output)");
}

std::string output_name(const std::string& out) {
    return ddpm::is_standard_output(out) ? "standard output" : out;
}

}  // namespace ddpm_tool
