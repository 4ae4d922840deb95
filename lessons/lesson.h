// What every lesson's main() shares: the --check flag and readable OK / NOT OK lines.
// A lesson checks the claims it prints; `make test` runs each lesson with --check (a smaller,
// faster run) and fails if any claim does not hold.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fast/parallel.h"

namespace lesson {

struct Checks {
    bool quick = false;  // --check: a smaller run, same claims
    int failures = 0;
    int passes = 0;

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

    // |got - want| <= tol, printed either way.
    void near(const std::string& what, double got, double want, double tol) {
        bool ok = std::fabs(got - want) <= tol;  // false for NaN
        report(ok, what, "got %.6g, want %.6g +- %.2g", got, want, tol);
    }
    // A condition with its numbers already in the text.
    void that(bool ok, const std::string& what) { report(ok, what, "%s", ""); }

    template <typename... Args>
    void report(bool ok, const std::string& what, const char* fmt, Args... args) {
        std::printf("%-7s %s", ok ? "OK" : "NOT OK", what.c_str());
        char detail[256];
        std::snprintf(detail, sizeof detail, fmt, args...);
        if (detail[0]) std::printf(": %s", detail);
        std::printf("\n");
        if (ok)
            ++passes;
        else
            ++failures;
    }

    // The exit status: 0 when every claim held.
    int finish() const {
        std::printf("%d claims checked, %d failed\n", passes + failures, failures);
        return failures ? 1 : 0;
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
