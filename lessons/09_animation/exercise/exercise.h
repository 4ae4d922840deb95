// Exercise 09: the other half of the GIF writer's LZW: reading the codes back (lesson 09,
// lib/render/gif.cpp; the GIF89a specification, appendix F).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ex {

// GIF's LZW decoder: the colour indices that the n bytes of codes stand for. The bytes hold codes
// packed least-significant bit first, min_code_size + 1 bits wide after each clear code
// (2^min_code_size), one bit wider each time the table of strings reaches 2^width entries (up to
// 12 bits), and end with the end code (clear + 1). Codes 0 ... clear-1 are the single indices;
// each code after the first since a clear adds a string to the table: the previous code's string
// plus the first index of this code's string. A code may name the string it is about to add.
// The input is well formed (the checks encode it with the library's lzw_encode).
std::vector<uint8_t> lzw_decode(const uint8_t* bytes, size_t n, int min_code_size);

}  // namespace ex
