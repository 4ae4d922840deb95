// Progress: the one-line progress bar of a training run, on stderr.
// On a terminal it redraws one line: [######----] epoch 1200/4000  loss 0.412  5230 steps/s
// ETA 0:53. Elsewhere (a log file, CI) it prints a plain line every tenth of the run instead, so
// logs stay readable.
#pragma once
#include <cstdio>

#include "diffusion/train.h"

namespace ddpm {

class Progress {
public:
    explicit Progress(std::FILE* out = stderr);
    void update(const EpochReport& r);
    void finish();  // ends the line on a terminal

private:
    std::FILE* out_;
    bool tty_;
    double last_draw_ = -1;
};

}  // namespace ddpm
