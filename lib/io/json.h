// A small JSON reader and a string escaper: enough for the header of a safetensors file, which is
// outside input, so every rule is checked (RFC 8259: no trailing commas, no comments, no control
// characters in strings, valid UTF-8 and \u escapes, no name twice in one object) and the nesting
// depth is capped.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddpm {

struct JsonValue {
    enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
    bool boolean = false;
    std::string text;              // a string's value, or a number as written
    std::vector<JsonValue> items;  // an array's
    std::vector<std::pair<std::string, JsonValue>> members;  // an object's, in the file's order

    // A number that is a whole number in [0, 2^64): its value; throws Error naming `what`
    // otherwise.
    uint64_t as_index(const std::string& what) const;
};

// Parses one JSON value that fills `text` (whitespace around it allowed). Throws Error naming
// `name`, the byte offset and the problem.
JsonValue parse_json(const std::string& text, const std::string& name);

// `s` as a JSON string literal, quotes included (", \ and control characters escaped; UTF-8 kept).
std::string json_string(const std::string& s);

}  // namespace ddpm
