// ddpm encode: points to their x_T by the exact inverse of the ODE sampler, with their log p.
#include "commands.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "options.h"
#include "sampling.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/npy.h"
#include "io/outputs.h"
#include "io/points.h"
#include "io/weights.h"
#include "likelihood/elbo.h"
#include "likelihood/ode.h"

namespace ddpm_tool {

namespace {

// ddpm encode's flags: name, value, range or choices, help and default, one row each.
const cli::Command kEncode = {
    "ddpm encode --model FILE --points FILE --out FILE [options]",
    "  the deterministic encoding x_0 -> x_T: the exact inverse of ddpm sample --sampler ode (a\n"
    "  flow model's: --sampler heun) with the same steps, and each point's exact log-likelihood\n"
    "  under that sampler (lesson 12)\n",
    rows({{
              cli::text_flag("--model", "FILE", "a checkpoint, or weights as .safetensors"),
              cli::text_flag("--points", "FILE",
                             "the points x_0 (.csv x,y or .npy (n, 2)), in the data's units"),
              cli::text_flag("--out", "FILE",
                             "x_T and log p(x_0) per point, (n, 3): .csv (x,y,log_p) or .npy; - "
                             "for CSV on standard output. log p is in nats, in the data's units"),
              cli::integer_flag("--sample-steps", "S", 1, 100000,
                                "ODE steps (default: T/2 Heun steps, T network calls)"),
              cli::choice_flag("--prior", "NAME", {"standard", "matched"}, "%C (as ddpm sample)",
                               "standard"),
              cli::choice_flag("--weights", "NAME", {"raw", "ema"}, "%C (default: as ddpm sample)"),
          },
          import_flags()}),
    "prints the mean log p(x_0) in nats per point and bits per dimension, in the data's units.\n",
};

}  // namespace

int encode(int argc, char** argv) {
    cli::Args args(argc, argv, 2, kEncode);
    if (args.help(kEncode)) return 0;  // --help: printed from the table
    for (const char* flag : {"--model", "--points", "--out"})
        if (!args.has(flag)) throw ddpm::UsageError(std::string("encode needs ") + flag);
    const std::string model_path = args.text("--model"), points = args.text("--points"),
                      out = args.text("--out"), weights = args.choice("--weights");
    SampleRequest request;  // the sampler it inverts: its steps and prior
    request.model_path = model_path;
    request.have_steps = args.has("--sample-steps");
    request.steps = static_cast<int>(args.integer_or("--sample-steps", 1));
    request.prior = args.choice("--prior");
    const ddpm::ImportSettings import = parse_import_flags(args);
    args.finish();
    check_points_out(out);
    ddpm::check_outputs({{"--out", out}}, {{"--model", model_path}, {"--points", points}});
    ddpm::SamplingModel loaded = ddpm::load_sampling_model(model_path, weights, import);
    if (loaded.model.config().dim != 2)
        throw ddpm::UsageError(model_path +
                               " draws pictures: encode computes the likelihood of "
                               "2-D points, each with its exact Jacobian (lesson 12)");
    const bool flow = loaded.objective == ddpm::Objective::flow;
    request.sampler = flow ? "heun" : "ode";
    model_defaults(request, loaded);
    const int S = steps_of(request, loaded.sched);
    const ddpm::Tensor x_0 = points_in_model_units(points, loaded);
    const ddpm::Denoiser d{&loaded.model, loaded.objective};
    const ddpm::OdeEncoding enc =
        exact_likelihood(loaded, d, x_0, S, sampling_prior(request.prior, loaded));
    // Each point's x_T, and its log p in the data's units: log p(x) = log p(x_model) - 2 log scale.
    const double to_data = 2 * std::log(static_cast<double>(loaded.run.data_norm.scale));
    ddpm::Tensor table({x_0.dim(0), 3});
    for (int p = 0; p < x_0.dim(0); ++p) {
        table.at(p, 0) = enc.x_T.at(p, 0);
        table.at(p, 1) = enc.x_T.at(p, 1);
        table.at(p, 2) = static_cast<float>(enc.log_p[p] - to_data);
    }
    const double mean = mean_of(enc.log_p) - to_data;
    if (!std::isfinite(mean) || !ddpm::all_finite(table))
        throw ddpm::Error("the encoding is not finite (points far outside the data?)");
    ddpm::write_file_atomic(out, ddpm::has_extension(out, ".npy")
                                     ? ddpm::npy_bytes(table)
                                     : ddpm::csv_table_text(table, "x,y,log_p"));
    std::FILE* report = ddpm::is_standard_output(out) ? stderr : stdout;
    std::fprintf(
        report,
        "wrote x_T and log p(x_0) of %d points to %s (the exact inverse of the %s sampler, "
        "%d steps, %s prior, %s weights); mean log p(x_0) %.4f nats per point, %.4f bits "
        "per dimension\n",
        x_0.dim(0), output_name(out).c_str(), request.sampler.c_str(), S, request.prior.c_str(),
        loaded.weights.c_str(), mean, -ddpm::bits_per_dim(-mean, 2));
    return 0;
}

}  // namespace ddpm_tool
