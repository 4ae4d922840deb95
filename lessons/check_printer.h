// The one check printer the lessons' claims (lesson.h: OK / NOT OK) and the exercises' checks
// (check.h: PASS / FAIL) share: a line per check with what was checked and the numbers, and the
// count of both.
#pragma once
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

namespace checks {

class Printer {
public:
    // The words a line starts with when the check holds and when it does not.
    Printer(const char* pass_word, const char* fail_word) : pass_(pass_word), fail_(fail_word) {}

    // |got - want| <= tol (false for NaN), printed either way.
    void near(const std::string& what, double got, double want, double tol) {
        char detail[160];
        std::snprintf(detail, sizeof detail, "got %.6g, want %.6g +- %.2g", got, want, tol);
        report(std::fabs(got - want) <= tol, what, detail);
    }
    // got == want, for counts and sizes.
    void equal(const std::string& what, long got, long want) {
        report(got == want, what, "got " + std::to_string(got) + ", want " + std::to_string(want));
    }
    // The largest difference over two arrays of n values. `where` names an entry for the line
    // ("point 3, y", "step t = 7"); by default its index, [i].
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
        std::snprintf(detail, sizeof detail, "largest difference %.3g at %s: got %.7g, want %.7g",
                      worst, place.c_str(), n ? static_cast<double>(got[at]) : 0.0,
                      n ? static_cast<double>(want[at]) : 0.0);
        char tolerance[32];
        std::snprintf(tolerance, sizeof tolerance, "%g", tol);
        report(worst <= tol, what + " (tolerance " + tolerance + ")", detail);
    }
    // A condition. Its numbers are in `what`, or in `detail`, printed when it does not hold.
    void that(bool ok, const std::string& what, const std::string& detail = "") {
        report(ok, what, ok ? "" : detail);
    }
    // One line: the word, what, and the detail when there is one.
    void report(bool ok, const std::string& what, const std::string& detail) {
        const int width = static_cast<int>(fail_.size()) + 1;  // the words in one column
        std::printf("%-*s %s%s%s\n", width, ok ? pass_.c_str() : fail_.c_str(), what.c_str(),
                    detail.empty() ? "" : ": ", detail.c_str());
        if (ok)
            ++passes_;
        else
            ++failures_;
    }

    int passes() const { return passes_; }
    int failures() const { return failures_; }

private:
    std::string pass_, fail_;
    int passes_ = 0, failures_ = 0;
};

}  // namespace checks
