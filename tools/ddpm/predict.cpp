// ddpm predict: the network's eps_theta(x, t) at given points, to compare with the notebook's.
#include "commands.h"

#include <cstdio>
#include <string>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/weights.h"

namespace ddpm_tool {

namespace {

// ddpm predict's flags: name, value, range or choices, help and default, one row each.
const cli::Command kPredict = {
    "ddpm predict --model FILE --points FILE --t T --out FILE [options]",
    "  the network's prediction eps_theta(x, t) at each point: what the notebook's model(x, t)\n"
    "  returns, to compare a model in both places (docs/notebook-and-back.md); an x0 or v model's\n"
    "  output is turned into the eps it implies (lesson 14)\n",
    rows({{
              cli::text_flag("--model", "FILE", "a checkpoint, or weights as .safetensors"),
              cli::text_flag("--points", "FILE",
                             "the points x (.csv x,y or .npy (n, 2)), in the data's units (as ddpm "
                             "sample writes them); a picture model's: pictures x_t (.npy (n, 196) "
                             "or (n, 784))"),
              cli::integer_flag("--t", "T", 0, 99999,
                                "the step, 0 ... num_steps - 1 (the notebook's numbering)"),
              cli::text_flag("--out", "FILE",
                             "the predictions (n, 2) as .csv or .npy; - for CSV on standard output "
                             "(a picture model's: (n, 196 or 784))"),
              cli::integer_flag("--class", "K", 0, 1000,
                                "a conditional model's class (default: none)"),
              cli::choice_flag("--weights", "NAME", {"raw", "ema"}, "%C (default: as ddpm sample)"),
          },
          import_flags()}),
    "",
};

}  // namespace

int predict(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kPredict);
    if (args.help(kPredict)) return 0;  // --help: printed from the table
    for (const char* flag : {"--model", "--points", "--t", "--out"})
        if (!args.has(flag)) throw ddpm::UsageError(std::string("predict needs ") + flag);
    const std::string model_path = args.text("--model"), points = args.text("--points"),
                      out = args.text("--out"), weights = args.choice("--weights");
    const long t = args.integer("--t");
    const int label = static_cast<int>(args.integer_or("--class", -1));
    const ddpm::ImportSettings import = parse_import_flags(args);
    args.finish();
    check_points_out(out);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}, {"--points", points}});
    const ddpm::SamplingModel loaded = ddpm::load_sampling_model(model_path, weights, import);
    if (loaded.objective == ddpm::Objective::flow)
        throw ddpm::UsageError(model_path +
                               " was trained by flow matching: its network predicts a velocity at "
                               "a continuous time, which has no eps_theta(x, t) to give");
    const int K = loaded.model.config().num_classes;
    if (label >= 0 && label >= K)
        throw ddpm::UsageError(
            "--class " + std::to_string(label) + ": " + model_path +
            (K == 0 ? " has no classes" : " has classes 0 to " + std::to_string(K - 1)));
    if (t >= loaded.sched.num_steps)
        throw ddpm::UsageError("--t: the model has steps 0 ... " +
                               std::to_string(loaded.sched.num_steps - 1) + ", got " +
                               std::to_string(t));
    const ddpm::Tensor x = points_in_model_units(points, loaded);
    ddpm::Tensor eps({x.dim(0), x.dim(1)});
    const ddpm::Denoiser d{&loaded.model, loaded.objective,
                           label};  // its output as eps (objective.h)
    ddpm::predict_eps(d, eps.data(), x.data(), static_cast<int>(t), x.dim(0), loaded.sched);
    if (!ddpm::all_finite(eps)) throw ddpm::Error("the network's output is not finite");
    ddpm::save_points(eps, out);
    std::FILE* report = ddpm::is_standard_output(out) ? stderr : stdout;
    std::fprintf(
        report, "wrote eps_theta(x, %ld%s) at %d points to %s (%s weights%s)\n", t,
        label >= 0 ? (", class " + std::to_string(label)).c_str() : "", x.dim(0),
        output_name(out).c_str(), loaded.weights.c_str(),
        loaded.objective == ddpm::Objective::eps
            ? ""
            : (std::string(", from its ") + ddpm::objective_name(loaded.objective) + " prediction")
                  .c_str());
    return 0;
}

}  // namespace ddpm_tool
