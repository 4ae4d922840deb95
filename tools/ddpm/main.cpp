// ddpm: train, sample and evaluate diffusion models on 2-D data, or on pictures (Fashion-MNIST,
// lesson 15), from the command line.
//
//   ddpm train  [options]   train a model, write a checkpoint (and reverse-process panels)
//   ddpm sample --model M --out F [options]   draw samples (CSV, .npy; pictures: a PNG grid)
//   ddpm eval   FILE [options]                score samples against the true distribution
//   ddpm animate --model M [options]          the forward and reverse processes as a GIF
//   ddpm export MODEL.ckpt OUT.safetensors    the weights under the notebook's names
//   ddpm predict --model M --points F --t T --out F   eps_theta(x, t) at given points
//   ddpm encode --model M --points F --out F  x_0 -> x_T by the ODE, and log p(x_0)
//
// Exit status: 0 success, 1 a run-time failure (a bad file, a NaN loss), 2 a usage error.
#include <cstdio>
#include <string>

#include "commands.h"
#include "core/error.h"
#include "fast/parallel.h"
#include "io/atomic_file.h"

namespace {

using namespace ddpm_tool;

const char* kUsage =
    "usage: ddpm COMMAND [options]   (ddpm COMMAND --help for its options)\n"
    "  train    train a model on a 2-D data set or on pictures and write a checkpoint\n"
    "  sample   draw samples from a checkpoint into a CSV or .npy file (pictures: a grid)\n"
    "  eval     score samples against the true distribution\n"
    "  animate  the forward and reverse processes of a checkpoint as an animated GIF\n"
    "  export   a checkpoint's weights as safetensors, for the notebook's MLPDiffusion\n"
    "  predict  the network's output eps_theta(x, t) at given points\n"
    "  encode   points to their x_T by the probability-flow ODE, with their log-likelihood\n"
    "exit status: 0 success, 1 run-time failure (or standard output lost), 2 usage error,\n"
    "130 interrupted by Ctrl-C, 143 stopped by SIGTERM (both save the checkpoint first)\n";

int run_command(const std::string& command, int argc, char** argv) {
    if (command == "train") return train(argc, argv);
    if (command == "sample") return sample(argc, argv);
    if (command == "eval") return eval(argc, argv);
    if (command == "animate") return animate(argc, argv);
    if (command == "export") return export_weights(argc, argv);
    if (command == "predict") return predict(argc, argv);
    if (command == "encode") return encode(argc, argv);
    throw ddpm::UsageError("unknown command '" + command +
                           "' (train, sample, eval, animate, export, predict or encode)");
}

}  // namespace

int main(int argc, char** argv) {
    // Started with standard output closed (>&-): its descriptor is held on /dev/null so no file
    // takes it, and the run reports the loss at the end.
    const bool stdout_closed = ddpm::reserve_standard_descriptors();
    if (argc < 2) {
        std::fprintf(stderr, "%s", kUsage);
        return 2;
    }
    if (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::printf("%s", kUsage);
        return 0;
    }
    const std::string command = ddpm::printable_message(argv[1]);
    ddpm::set_flush_denormals(true);  // twice as fast late in training (lib/fast/parallel.h)
    // A closed pipe (ddpm train ... | head -1) must not kill a run before it saves: writes to it
    // fail instead, and standard output is checked once at the end (cli::run_reporting).
    return cli::run_reporting("ddpm " + command, "use smaller --n, --batch or --hidden",
                              stdout_closed, [&] { return run_command(command, argc, argv); });
}
