// Exercise 09: fill in lzw_encode. `make exercise` in lessons/09_animation checks it.
#include "exercise.h"

namespace ex {

std::vector<uint8_t> lzw_encode(const uint8_t* indices, size_t n, int min_code_size) {
    std::vector<uint8_t> bytes;
    // TODO: a dictionary from (code, next index) to code; a bit writer; see exercise.h
    return bytes;
}

}  // namespace ex
