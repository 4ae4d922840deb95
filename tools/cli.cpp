#include "cli.h"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/points.h"

namespace cli {

using ddpm::UsageError;

Flag text_flag(const std::string& name, const std::string& value, const std::string& help,
               const std::string& fallback) {
    Flag f;
    f.name = name;
    f.value = value;
    f.help = help;
    f.fallback = fallback;
    return f;
}

Flag choice_flag(const std::string& name, const std::string& value,
                 const std::vector<std::string>& choices, const std::string& help,
                 const std::string& fallback) {
    Flag f = text_flag(name, value, help, fallback);
    f.kind = Flag::Kind::choice;
    f.choices = choices;
    return f;
}

Flag integer_flag(const std::string& name, const std::string& value, long lo, long hi,
                  const std::string& help, const std::string& fallback) {
    Flag f = text_flag(name, value, help, fallback);
    f.kind = Flag::Kind::integer;
    f.lo = static_cast<double>(lo);
    f.hi = static_cast<double>(hi);
    return f;
}

Flag number_flag(const std::string& name, const std::string& value, double lo, double hi,
                 const std::string& help, const std::string& fallback) {
    Flag f = text_flag(name, value, help, fallback);
    f.kind = Flag::Kind::number;
    f.lo = lo;
    f.hi = hi;
    return f;
}

Flag toggle_flag(const std::string& name, const std::string& help) {
    Flag f = text_flag(name, "", help);
    f.kind = Flag::Kind::toggle;
    return f;
}

Flag heading(const std::string& text) {
    return text_flag("", "", text);
}

// A value checked by its row's rules: the number in range, the choice among the choices.
static std::string checked(const Flag& f, const std::string& value) {
    if (f.kind == Flag::Kind::integer)
        parse_integer(f.name, value, static_cast<long>(f.lo), static_cast<long>(f.hi));
    if (f.kind == Flag::Kind::number) parse_number(f.name, value, f.lo, f.hi);
    if (f.kind == Flag::Kind::choice) one_of(f.name, value, f.choices);
    return value;
}

// text with every `from` replaced by `to`.
static std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// `label` then the words of `text`, wrapped at `width` columns, every line after the first
// indented by `indent`.
static std::string wrapped(std::string line, const std::string& text, size_t width, size_t indent) {
    std::string out;
    bool first_word = true;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find(' ', at);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(at, end - at);
        at = end + 1;
        if (!first_word && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line = std::string(indent, ' ') + word;
        } else {
            line += (first_word ? "" : " ") + word;
        }
        first_word = false;
    }
    return out + line + "\n";
}

std::string help_text(const Command& c) {
    constexpr size_t kWidth = 92, kIndent = 23;  // the help's width, and where each help begins
    std::string out = "usage: " + c.usage + "\n" + c.about;
    for (const Flag& f : c.flags) {
        if (f.name.empty()) {  // a heading
            out += wrapped("", f.help, kWidth, 0);
            continue;
        }
        if (!f.fallback.empty()) {  // the table's own fault, found by printing every --help
            try {
                checked(f, f.fallback);
            } catch (const ddpm::UsageError& e) {
                throw std::logic_error(std::string("the flag table's default: ") + e.what());
            }
        }
        std::string choices;
        for (const std::string& ch : f.choices) choices += (choices.empty() ? "" : " | ") + ch;
        std::string help = replaced(f.help, "%C", choices);
        if (help.find("%D") != std::string::npos)
            help = replaced(help, "%D", f.fallback);
        else if (!f.fallback.empty())
            help += " (default " + f.fallback + ")";
        std::string label = "  " + f.name + (f.value.empty() ? "" : " " + f.value);
        label += label.size() + 1 < kIndent ? std::string(kIndent - label.size(), ' ') : "  ";
        out += wrapped(label, help, kWidth, kIndent);
    }
    out += wrapped(std::string("  --help") + std::string(kIndent - 8, ' '), "this text", kWidth,
                   kIndent);
    return out + c.after;
}

Args::Args(int argc, char** argv, int first, const Command& c) : flags_(c.flags) {
    flags_.push_back(toggle_flag("--help", "this text"));  // every command's
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            bool known = false, is_toggle = false;
            for (const Flag& f : flags_)
                if (f.name == a) {
                    known = true;
                    is_toggle = f.kind == Flag::Kind::toggle;
                }
            if (!known) throw UsageError("unknown option " + a + " (see --help)");
            if (is_toggle) {
                toggles_given_.insert(a);
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

const Flag& Args::row(const std::string& name) const {
    for (const Flag& f : flags_)
        if (f.name == name) return f;
    throw std::logic_error("the command reads " + name + ", which its flag table lacks");
}

bool Args::toggle(const std::string& name) {
    row(name);
    used_.insert(name);
    return toggles_given_.count(name) > 0;
}

bool Args::help(const Command& c) {
    if (!toggle("--help")) return false;
    std::printf("%s", help_text(c).c_str());
    return true;
}

bool Args::has(const std::string& name) const {
    row(name);
    return values_.count(name) > 0;
}

std::string Args::text(const std::string& name) {
    const Flag& f = row(name);
    used_.insert(name);
    auto it = values_.find(name);
    return it == values_.end() ? f.fallback : checked(f, it->second);
}

std::string Args::choice(const std::string& name) {
    return text(name);  // checked against the row's choices
}

long Args::integer(const std::string& name) {
    const Flag& f = row(name);
    if (f.fallback.empty() && !has(name))
        throw std::logic_error(name + " has no default in its table: use integer_or");
    const std::string v = text(name);
    return parse_integer(name, v, static_cast<long>(f.lo), static_cast<long>(f.hi));
}

double Args::number(const std::string& name) {
    const Flag& f = row(name);
    if (f.fallback.empty() && !has(name))
        throw std::logic_error(name + " has no default in its table: use number_or");
    return parse_number(name, text(name), f.lo, f.hi);
}

long Args::integer_or(const std::string& name, long absent) {
    used_.insert(name);
    return has(name) ? integer(name) : absent;
}

double Args::number_or(const std::string& name, double absent) {
    used_.insert(name);
    return has(name) ? number(name) : absent;
}

void Args::finish() const {
    for (const auto& [name, value] : values_)
        if (!used_.count(name)) throw UsageError(name + " does not apply here (see --help)");
    for (const std::string& name : toggles_given_)
        if (!used_.count(name)) throw UsageError(name + " does not apply here (see --help)");
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

std::string one_of(const std::string& flag, const std::string& value,
                   const std::vector<std::string>& allowed) {
    for (const std::string& a : allowed)
        if (value == a) return value;
    std::string list;
    for (size_t i = 0; i < allowed.size(); ++i)
        list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
    throw UsageError(flag + ": expected " + list + ", got '" + value + "'");
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
