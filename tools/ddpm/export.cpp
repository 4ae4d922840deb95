// ddpm export: a checkpoint's weights as safetensors under the notebook's names, and what keeps it
// from being the notebook's model as it stands.
#include "commands.h"

#include <cstdio>
#include <string>
#include <vector>

#include "options.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/weights.h"

namespace ddpm_tool {

namespace {

// ddpm export's flags: name, value, range or choices, help and default, one row each.
const cli::Command kExport = {
    "ddpm export MODEL.ckpt OUT.safetensors [--weights raw|ema]",
    "  writes the checkpoint's weights under the notebook's state_dict names and PyTorch's\n"
    "  shapes (float32), with its configuration as metadata. In Python (torch alone, or\n"
    "  safetensors.torch.load_file):\n"
    "    from notebook_io import load_file          # tools/notebook_io.py\n"
    "    model.load_state_dict(load_file(\"OUT.safetensors\")[0], strict=True)\n",
    {
        cli::choice_flag("--weights", "NAME", {"raw", "ema"},
                         "%C (default: the recipe's: notebook raw, improved ema)"),
    },
    "",
};

// What keeps the exported model from being the notebook's MLPDiffusion(n_steps, num_units)
// sampled by its p_sample_loop: each difference, with what the notebook must do about it. Empty
// for a model of the notebook's shape that predicts eps.
std::vector<std::string> notebook_differences(const ddpm::ModelConfig& m, ddpm::Objective o) {
    std::vector<std::string> out;
    if (m.depth != 3)
        out.push_back("depth " + std::to_string(m.depth) +
                      " (the notebook's class has 3 blocks: write the class with " +
                      std::to_string(m.depth) + ")");
    if (m.embedding == ddpm::ModelConfig::Embedding::sinusoidal)
        out.push_back(
            "a fixed sinusoidal step table (the notebook learns its tables: the file has "
            "none to load; compute the table as lib/nn/model.cpp does)");
    if (m.fourier > 0)
        out.push_back(std::to_string(m.fourier) + " Fourier features of x (the first layer takes " +
                      std::to_string(m.input_width()) +
                      " inputs: add the features before it, as lib/nn/model.cpp does)");
    if (m.num_classes > 0)
        out.push_back(std::to_string(m.num_classes) +
                      " classes (class_embeddings.k.weight, one row a class and one for \"no "
                      "class\", added in each block: the notebook's class has no such input)");
    if (m.norm)
        out.push_back(
            "a layer norm before each ReLU (F.layer_norm over the hidden units, no "
            "learned scale or shift)");
    if (m.skip)
        out.push_back(
            "an input-to-output skip (skip.weight, no bias: add x_t times its "
            "transpose to the last Linear's output)");
    if (o == ddpm::Objective::x0 || o == ddpm::Objective::v)
        out.push_back(std::string("it predicts ") + ddpm::objective_name(o) +
                      ", and the notebook's p_sample reads the output as eps: convert first, " +
                      (o == ddpm::Objective::x0
                           ? "eps = (x_t - sqrt(abar_t) out) / sqrt(1 - abar_t)"
                           : "eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) out"));
    if (o == ddpm::Objective::flow)
        out.push_back(
            "it predicts a flow-matching velocity at continuous time: the notebook's "
            "sampler does not apply; integrate dx/dtau = v from tau = 1 to 0 (lesson 14)");
    return out;
}

}  // namespace

int export_weights(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kExport);
    if (args.help(kExport)) return 0;  // --help: printed from the table
    std::string weights = args.choice("--weights");
    args.finish();
    if (args.positional().size() != 2)
        throw ddpm::UsageError("export needs MODEL.ckpt and OUT.safetensors");
    const std::string in = args.positional()[0], out = args.positional()[1];
    if (!ddpm::has_extension(out, ".safetensors"))
        throw ddpm::UsageError("expected OUT to be a .safetensors file name, got '" + out + "'");
    ddpm::check_outputs({{"OUT", out}}, {{"MODEL", in}});
    const ddpm::Checkpoint checkpoint = ddpm::load_checkpoint(in);
    if (weights.empty()) weights = checkpoint.run.recipe == "improved" ? "ema" : "raw";
    const ddpm::SafeTensors file = ddpm::model_safetensors(checkpoint, weights);
    ddpm::save_safetensors(file, out);
    const ddpm::ModelConfig& m = checkpoint.trainer.model_cfg;
    std::printf("wrote %s: %zu tensors, %zu parameters (the %s weights after %d epochs)\n",
                out.c_str(), file.tensors.size(), checkpoint.trainer.model.num_params(),
                weights.c_str(), checkpoint.trainer.epoch);
    const std::vector<std::string> differences =
        notebook_differences(m, checkpoint.trainer.cfg.objective);
    if (differences.empty())
        std::printf(
            "it loads into the notebook's MLPDiffusion(%d, num_units=%d) with "
            "load_state_dict(..., strict=True)\n",
            m.num_steps, m.hidden);
    for (const std::string& d : differences)
        std::printf("note: not the notebook's model as it stands: %s\n", d.c_str());
    return 0;
}

}  // namespace ddpm_tool
