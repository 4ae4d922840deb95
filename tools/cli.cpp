#include "cli.h"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>

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

int run_reporting(const std::string& who, const std::string& shrink, bool stdout_closed,
                  const std::function<int()>& work) {
    std::signal(SIGPIPE, SIG_IGN);
    try {
        const int status = work();
        if (std::fflush(stdout) != 0 || std::ferror(stdout) || stdout_closed) {
            std::fprintf(stderr,
                         "%s: could not write standard output (closed, or a full disk): what it "
                         "printed is lost (any files it wrote are complete)\n",
                         who.c_str());
            return status == 0 ? 1 : status;
        }
        return status;
    } catch (const ddpm::UsageError& e) {
        std::fprintf(stderr, "%s: %s\n", who.c_str(), ddpm::printable_message(e.what()).c_str());
        return 2;
    } catch (const std::length_error&) {  // a size no vector can take: the same cause
        std::fprintf(stderr, "%s: a size too large to allocate; %s\n", who.c_str(), shrink.c_str());
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr,
                     "%s: out of memory (a limit such as ulimit -v, or sizes too large for this "
                     "machine); %s\n",
                     who.c_str(), shrink.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", who.c_str(), ddpm::printable_message(e.what()).c_str());
        return 1;
    }
}

}  // namespace cli
