// What every exercise's checks share: PASS / FAIL lines that say what was expected and what came
// back, the way to ask for a hint when something fails, and the exit status (0 only when
// everything passes). Hints are never printed unasked: `make hint` shows them, a level at a time.
#pragma once
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#ifndef EXERCISE_NAME
#define EXERCISE_NAME "NN_name"  // the Makefile passes the exercise's folder name
#endif

namespace exercise {

class Checker {
public:
    // |got - want| <= tol (false for NaN).
    void near(const std::string& what, double got, double want, double tol) {
        char detail[160];
        std::snprintf(detail, sizeof detail, "expected %.7g (+- %.1g), got %.7g", want, tol, got);
        report(std::fabs(got - want) <= tol, what, detail);
    }
    // got == want, for counts and sizes.
    void equal(const std::string& what, long got, long want) {
        report(got == want, what,
               "expected " + std::to_string(want) + ", got " + std::to_string(got));
    }
    // The largest difference over two arrays of n values. `where` names an entry for the FAIL
    // line ("point 3, y", "step t = 7"); by default its index, [i].
    template <typename A, typename B>
    void all_near(const std::string& what, const A* got, const B* want, size_t n, double tol,
                  const std::function<std::string(size_t)>& where = nullptr) {
        double worst = 0;
        size_t at = 0;
        for (size_t i = 0; i < n; ++i) {
            double d = std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i]));
            if (!(d <= worst)) {  // NaN counts as the worst
                worst = d;
                at = i;
            }
        }
        const std::string place = where ? where(at) : "[" + std::to_string(at) + "]";
        char detail[200];
        std::snprintf(detail, sizeof detail,
                      "largest difference %.3g at %s: expected %.7g, got %.7g", worst,
                      place.c_str(), n ? static_cast<double>(want[at]) : 0.0,
                      n ? static_cast<double>(got[at]) : 0.0);
        report(worst <= tol, what + " (tolerance " + short_number(tol) + ")", detail);
    }
    // A condition; `detail` says what was expected and what came instead (printed on FAIL).
    void that(bool ok, const std::string& what, const std::string& detail) {
        report(ok, what, ok ? "" : detail);
    }

    int finish() {
        std::printf("%d of %d checks pass\n", passes_, passes_ + failures_);
        if (failures_ == 0) {
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

private:
    static std::string short_number(double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%g", v);
        return b;
    }
    void report(bool ok, const std::string& what, const std::string& detail) {
        std::printf("%-5s %s%s%s\n", ok ? "PASS" : "FAIL", what.c_str(), detail.empty() ? "" : ": ",
                    detail.c_str());
        if (ok)
            ++passes_;
        else
            ++failures_;
    }
    int passes_ = 0, failures_ = 0;
};

// Prints the exercise's title line and returns the checker its checks report to.
inline Checker start(const char* title) {
    std::printf("== exercise: %s\n", title);
    return Checker{};
}

}  // namespace exercise
