// Errors: lib never prints or exits. It throws one of these with a message that names the problem;
// lessons and tools decide what to print and which exit status to use.
#pragma once
#include <stdexcept>
#include <string>

namespace ddpm {

// A NUL byte as the four characters \x00: what() returns a C string, which would end at a NUL
// that a file's name or a tensor's put into a message, and hide the problem after it.
inline std::string escape_nul(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\0')
            out += "\\x00";
        else
            out += c;
    }
    return out;
}

// Something went wrong at run time: a bad file, a shape mismatch, a NaN loss. The message keeps
// every byte but NUL, which escape_nul writes out.
struct Error : std::runtime_error {
    explicit Error(const std::string& what) : std::runtime_error(escape_nul(what)) {}
};

// The user asked for something that cannot be done: an unknown flag, a number out of range.
struct UsageError : Error {
    explicit UsageError(const std::string& what) : Error(what) {}
};

// A byte as two lower-case hex digits ("1b"), for the escapes of messages and JSON.
inline std::string hex_byte(unsigned char c) {
    const char* hex = "0123456789abcdef";
    return {hex[c >> 4], hex[c & 15]};
}

// A message as the tools print it: one line, whatever bytes a file or flag put into it (control
// characters become \xNN, so a newline or an ESC from a file cannot break or colour the
// terminal), and at most about 300 characters (the middle of a longer one is cut: a 100 KB flag
// value is not echoed back whole).
inline std::string printable_message(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f)
            out += "\\x" + hex_byte(c);
        else
            out += static_cast<char>(c);
    }
    if (out.size() <= 320) return out;
    // Cut at UTF-8 character boundaries: never inside a multi-byte character.
    size_t head = 240, tail = out.size() - 60;
    while (head > 0 && (static_cast<unsigned char>(out[head]) & 0xC0) == 0x80) --head;
    while (tail < out.size() && (static_cast<unsigned char>(out[tail]) & 0xC0) == 0x80) ++tail;
    return out.substr(0, head) + " [... " + std::to_string(tail - head) + " characters ...] " +
           out.substr(tail);
}

}  // namespace ddpm
