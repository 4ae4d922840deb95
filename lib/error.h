// Errors: lib never prints or exits. It throws one of these with a message that names the problem;
// lessons and tools decide what to print and which exit status to use.
#pragma once
#include <stdexcept>
#include <string>

namespace ddpm {

// Something went wrong at run time: a bad file, a shape mismatch, a NaN loss.
struct Error : std::runtime_error {
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// The user asked for something that cannot be done: an unknown flag, a number out of range.
struct UsageError : Error {
    explicit UsageError(const std::string& what) : Error(what) {}
};

}  // namespace ddpm
