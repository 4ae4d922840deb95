// Exercise 09: the LZW compression of a GIF frame (lesson 09, lib/render/gif.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ex {

// GIF's LZW: the codes for n colour indices (each < 2^min_code_size), packed into bytes least-
// significant bit first. Start with a clear code (2^min_code_size), codes min_code_size + 1 bits
// wide, growing by one bit right after you assign code 2^width (up to 12 bits); when code 4095
// has been assigned, emit a clear code and start again; end with the end code (clear + 1).
std::vector<uint8_t> lzw_encode(const uint8_t* indices, size_t n, int min_code_size);

}  // namespace ex
