#include "cli.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "io/points.h"

namespace cli {

using ddpm::UsageError;

Args::Args(int argc, char** argv, int first, std::set<std::string> booleans) {
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            if (booleans.count(a)) {
                booleans_given_.insert(a);
            } else if (values_.count(a)) {
                throw UsageError(a + " given twice");
            } else if (i + 1 >= argc) {
                throw UsageError(a + " needs a value");
            } else {
                values_[a] = argv[++i];
            }
        } else {
            positional_.push_back(a);
        }
    }
}

bool Args::flag(const std::string& name) {
    used_.insert(name);
    return booleans_given_.count(name) > 0;
}

bool Args::has(const std::string& name) const {
    return values_.count(name) > 0;
}

std::string Args::text(const std::string& name, const std::string& fallback) {
    used_.insert(name);
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

long Args::integer(const std::string& name, long fallback, long lo, long hi) {
    used_.insert(name);
    auto it = values_.find(name);
    return it == values_.end() ? fallback : parse_integer(name, it->second, lo, hi);
}

double Args::number(const std::string& name, double fallback, double lo, double hi) {
    used_.insert(name);
    auto it = values_.find(name);
    return it == values_.end() ? fallback : parse_number(name, it->second, lo, hi);
}

void Args::finish() const {
    for (const auto& [name, value] : values_)
        if (!used_.count(name)) throw UsageError("unknown option " + name + " (see --help)");
    for (const std::string& name : booleans_given_)
        if (!used_.count(name)) throw UsageError("unknown option " + name + " (see --help)");
}

long parse_integer(const std::string& flag, const std::string& text, long lo, long hi) {
    errno = 0;
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
        throw UsageError(flag + ": expected a whole number, got '" + text + "'");
    if (errno == ERANGE || v < lo || v > hi)
        throw UsageError(flag + ": must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                         "], got " + text);
    return v;
}

double parse_number(const std::string& flag, const std::string& text, double lo, double hi) {
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
        throw UsageError(flag + ": expected a number, got '" + text + "'");
    if (!std::isfinite(v) || errno == ERANGE)
        throw UsageError(flag + ": expected a finite number, got '" + text + "'");
    if (v < lo || v > hi) {
        char buf[128];
        std::snprintf(buf, sizeof buf, ": must be in [%g, %g], got ", lo, hi);
        throw UsageError(flag + buf + text);
    }
    return v;
}

void check_figure_name(const std::string& flag, const std::string& path) {
    if (!ddpm::has_extension(path, ".png") && !ddpm::has_extension(path, ".svg"))
        throw ddpm::UsageError(flag + " " + path +
                               ": a figure's name must end in .png or .svg (its format)");
}

}  // namespace cli
