// Command-line parsing for the tools. Each command declares its flags once, in a table: a flag's
// name, its value's name, its default, its range or choices, and its help, in one row (as
// llama.cpp's arg.cpp, ripgrep and git do). The parser reads defaults and ranges from the table
// and --help is printed from it, so the two cannot disagree. Every problem is a ddpm::UsageError
// naming the flag, which the tools turn into one line and exit status 2 (run_reporting).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cli {

// One row of a command's table. In `help`, %D stands for the default and %C for the choices;
// without %D a default is shown as " (default X)" at the end.
struct Flag {
    enum class Kind { text, choice, integer, number, toggle } kind = Kind::text;
    std::string name;                  // "--epochs"
    std::string value;                 // the value's name in the help, "N"; "" for a toggle
    std::string help;                  // a sentence; wrapped when printed
    std::string fallback;              // the default as typed ("4000"); "" when none
    double lo = 0, hi = 0;             // a number's range
    std::vector<std::string> choices;  // a choice's values
};

// The rows, one function a kind.
Flag text_flag(const std::string& name, const std::string& value, const std::string& help,
               const std::string& fallback = "");
Flag choice_flag(const std::string& name, const std::string& value,
                 const std::vector<std::string>& choices, const std::string& help,
                 const std::string& fallback = "");
Flag integer_flag(const std::string& name, const std::string& value, long lo, long hi,
                  const std::string& help, const std::string& fallback = "");
Flag number_flag(const std::string& name, const std::string& value, double lo, double hi,
                 const std::string& help, const std::string& fallback = "");
Flag toggle_flag(const std::string& name, const std::string& help);
// Not a flag: a line --help prints as it stands, above a group of rows.
Flag heading(const std::string& text);

// A command: its usage line, what it does, its flags in the order --help lists them, and what
// --help says after them. Every command also takes --help, which needs no row.
struct Command {
    std::string usage;  // "ddpm train [options]"
    std::string about;  // lines after the usage line, or ""
    std::vector<Flag> flags;
    std::string after;  // lines after the flags, or ""
};

// The --help of a command: usage, about, each flag's row (its help wrapped to 92 columns) and
// after. Throws std::logic_error when a row's default does not parse by its own rules (a fault of
// the table, which the tools' tests find by printing every --help).
std::string help_text(const Command& c);

class Args {
public:
    // argv[first ...] against c's flags: "--name value" pairs, toggles, positional arguments. A
    // name the table lacks is a UsageError; so is a flag given twice or without its value.
    Args(int argc, char** argv, int first, const Command& c);

    bool toggle(const std::string& name);  // a toggle was given
    // --help was given: prints c's help (help_text) on standard output and returns true.
    bool help(const Command& c);
    bool has(const std::string& name) const;  // a flag was given
    // The flag's value, or its default when not given; a number is checked against its range,
    // a choice against its choices.
    std::string text(const std::string& name);
    std::string choice(const std::string& name);
    long integer(const std::string& name);
    double number(const std::string& name);
    // The same for a flag whose default depends on what it is used with: `absent` when not given.
    long integer_or(const std::string& name, long absent);
    double number_or(const std::string& name, double absent);
    const std::vector<std::string>& positional() const { return positional_; }

    // Throws UsageError for any flag given that no call above asked for: one that does not apply
    // to what the command was asked to do.
    void finish() const;

private:
    const Flag& row(const std::string& name) const;
    std::vector<Flag> flags_;
    std::map<std::string, std::string> values_;
    std::set<std::string> toggles_given_, used_;
    std::vector<std::string> positional_;
};

// A figure's file name must end in .png or .svg (the format it is written in); checked before a
// long run, not after it. Throws UsageError naming the flag.
void check_figure_name(const std::string& flag, const std::string& path);

// Parsers for one value, usable on their own (--size 480x360, --limits a,b,c,d).
long parse_integer(const std::string& flag, const std::string& text, long lo, long hi);
double parse_number(const std::string& flag, const std::string& text, double lo, double hi);
// value, when it is one of `allowed`; else a UsageError naming the flag and the choices.
std::string one_of(const std::string& flag, const std::string& value,
                   const std::vector<std::string>& allowed);

// Runs a tool's work and turns what it throws into one line on standard error, prefixed by `who`
// ("ddpm train"), and the exit status every tool shares: 0 success; 1 a run-time failure, or
// standard output lost (closed, or a full disk; stdout_closed when the tool started without it);
// 2 a usage error. `shrink` says what to make smaller when memory runs out ("use smaller --n").
// SIGPIPE is ignored first, so a closed pipe fails the writes instead of killing the run.
int run_reporting(const std::string& who, const std::string& shrink, bool stdout_closed,
                  const std::function<int()>& work);

}  // namespace cli
