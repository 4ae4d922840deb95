// What every lesson's main() shares: the --check flag and readable OK / NOT OK lines (check_printer.h).
// A lesson checks the claims it prints; `make test` runs each lesson with --check (a smaller,
// faster run) and fails if any claim does not hold.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "check_printer.h"
#include "fast/parallel.h"

namespace lesson {

struct Checks : checks::Printer {
    Checks() : checks::Printer("OK", "NOT OK") {}
    bool quick = false;  // --check: a smaller run, same claims

    // The number of training epochs: `full`, or `quick` with --check, or the EPOCHS environment
    // variable when set (EPOCHS=4000 make runs the notebook's training). A bad value stops the
    // lesson with a message and exit status 2.
    int epochs(int quick_epochs, int full_epochs) const {
        const char* e = std::getenv("EPOCHS");
        if (!e) return quick ? quick_epochs : full_epochs;
        char* end = nullptr;
        long v = std::strtol(e, &end, 10);
        if (*e == '\0' || *end != '\0' || v < 1 || v > 1000000) {
            std::fprintf(stderr, "EPOCHS must be a whole number in [1, 1000000], got '%s'\n", e);
            std::exit(2);
        }
        return static_cast<int>(v);
    }

    // The exit status: 0 when every claim held.
    int finish() const {
        std::printf("%d claims checked, %d failed\n", passes() + failures(), failures());
        return failures() ? 1 : 0;
    }
};

// The lesson's flags: none, or --check. Anything else stops it with a message and exit status 2.
inline Checks parse_args(int argc, char** argv) {
    Checks check;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--check") != 0) {
            std::fprintf(stderr, "%s: unknown argument '%s' (only --check)\n", argv[0], argv[i]);
            std::exit(2);
        }
        check.quick = true;
    }
    return check;
}

// Runs the lesson as the tools run: on every core (the numbers are the same for any thread count)
// with denormal floats flushed to zero (lib/fast/parallel.h says why).
inline void set_up_like_the_tools() {
    ddpm::set_num_threads(0);
    ddpm::set_flush_denormals(true);
}

}  // namespace lesson
