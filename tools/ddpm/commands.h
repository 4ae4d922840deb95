// The commands of `ddpm`, one a file (tools/ddpm/COMMAND.cpp). Each reads argv[2 ...] by its own flag
// table and returns the exit status; what it throws main() reports (cli::run_reporting).
#pragma once
#include "../cli.h"

namespace ddpm_tool {

int train(int argc, char** argv);
int sample(int argc, char** argv);
int eval(int argc, char** argv);
int animate(int argc, char** argv);
int export_weights(int argc, char** argv);
int predict(int argc, char** argv);
int encode(int argc, char** argv);

}  // namespace ddpm_tool
