// What every exercise's checks share: PASS / FAIL lines that say what was expected and what came
// back (the printer the lessons share, check_printer.h), the way to ask for a hint when something
// fails, and the exit status (0 only when everything passes). Hints are never printed unasked:
// `make hint` shows them, a level at a time.
#pragma once
#include <cstdio>
#include <string>

#include "check_printer.h"

#ifndef EXERCISE_NAME
#define EXERCISE_NAME "NN_name"  // the Makefile passes the exercise's folder name
#endif

namespace exercise {

class Checker : public checks::Printer {
public:
    Checker() : checks::Printer("PASS", "FAIL") {}

    int finish() {
        std::printf("%d of %d checks pass\n", passes(), passes() + failures());
        if (failures() == 0) {
            std::printf("SOLVED\n");
            return 0;
        }
        const std::string name = EXERCISE_NAME;
        std::printf(
            "Stuck? A hint, one level at a time: make hint (in lessons/%s), or make hint "
            "N=%s\n",
            name.c_str(), name.substr(0, 2).c_str());
        return 1;
    }
};

// Prints the exercise's title line and returns the checker its checks report to.
inline Checker start(const char* title) {
    std::printf("== exercise: %s\n", title);
    return Checker{};
}

}  // namespace exercise
