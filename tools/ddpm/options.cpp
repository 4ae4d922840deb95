#include "options.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/points.h"
#include "io/weights.h"

namespace ddpm_tool {

std::vector<cli::Flag> import_flags() {
    return {
        cli::heading("weights saved without our metadata (the notebook's, by "
                     "safetensors.torch.save_file): the model they are; a mismatch names the "
                     "tensor"),
        cli::integer_flag("--steps", "T", 2, 100000, "diffusion steps", "100"),
        cli::integer_flag("--hidden", "N", 1, 4096, "hidden units per layer", "128"),
        cli::integer_flag("--depth", "N", 1, 16, "hidden blocks", "3"),
        cli::text_flag("--schedule", "NAME",
                       "sigmoid | linear | linear_scaled | quadratic | cosine", "sigmoid"),
    };
}

std::vector<cli::Flag> rows(std::initializer_list<std::vector<cli::Flag>> groups) {
    std::vector<cli::Flag> out;
    for (const std::vector<cli::Flag>& group : groups)
        out.insert(out.end(), group.begin(), group.end());
    return out;
}

ddpm::ImportSettings parse_import_flags(cli::Args& args) {
    ddpm::ImportSettings s;
    s.given = args.has("--steps") || args.has("--hidden") || args.has("--depth") ||
              args.has("--schedule");
    s.num_steps = static_cast<int>(args.integer("--steps"));
    s.hidden = static_cast<int>(args.integer("--hidden"));
    s.depth = static_cast<int>(args.integer("--depth"));
    s.schedule = args.text("--schedule");
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
