// Command-line parsing for the tools: "--name value" pairs, boolean "--flag"s and positional
// arguments, each number checked (a number, finite, whole where it must be, in range). Every
// problem is a ddpm::UsageError naming the flag, which the tools turn into one line and exit 2.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cli {

class Args {
public:
    // argv[first ...]; `booleans` are the flags that take no value (e.g. "--help").
    Args(int argc, char** argv, int first, std::set<std::string> booleans = {"--help"});

    bool flag(const std::string& name);  // a boolean flag was given
    bool has(const std::string& name) const;
    std::string text(const std::string& name, const std::string& fallback);
    long integer(const std::string& name, long fallback, long lo, long hi);
    double number(const std::string& name, double fallback, double lo, double hi);
    const std::vector<std::string>& positional() const { return positional_; }

    // Throws UsageError for any flag that no call above asked for (a typo, an unknown option).
    void finish() const;

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> booleans_given_, used_;
    std::vector<std::string> positional_;
};

// A figure's file name must end in .png or .svg (the format it is written in); checked before a
// long run, not after it. Throws UsageError naming the flag.
void check_figure_name(const std::string& flag, const std::string& path);

// Parsers for one value, usable on their own (--size 480x360, --limits a,b,c,d).
long parse_integer(const std::string& flag, const std::string& text, long lo, long hi);
double parse_number(const std::string& flag, const std::string& text, double lo, double hi);

// Runs a tool's work and turns what it throws into one line on standard error, prefixed by `who`
// ("ddpm train"), and the exit status every tool shares: 0 success; 1 a run-time failure, or
// standard output lost (closed, or a full disk; stdout_closed when the tool started without it);
// 2 a usage error. `shrink` says what to make smaller when memory runs out ("use smaller --n").
// SIGPIPE is ignored first, so a closed pipe fails the writes instead of killing the run.
int run_reporting(const std::string& who, const std::string& shrink, bool stdout_closed,
                  const std::function<int()>& work);

}  // namespace cli
