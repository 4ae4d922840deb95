// The commands of `ddpm`, one a file (tools/ddpm/COMMAND.cpp). Each takes the command line after
// its name and returns the exit status; what it throws main() reports (cli::run_reporting).
#pragma once
#include "../cli.h"

namespace ddpm_tool {

int train(cli::Args& args);
int sample(cli::Args& args);
int eval(cli::Args& args);
int animate(cli::Args& args);
int export_weights(cli::Args& args);
int predict(cli::Args& args);
int encode(cli::Args& args);

}  // namespace ddpm_tool
