// Exercise 09: fill in lzw_decode. `make exercise` in lessons/09_animation checks it.
#include "exercise.h"

namespace ex {

std::vector<uint8_t> lzw_decode(const uint8_t* bytes, size_t n, int min_code_size) {
    std::vector<uint8_t> indices;
    // TODO: a bit reader, a table of strings, the loop over the codes (see exercise.h)
    return indices;
}

}  // namespace ex
