// Solution to exercise 09: a bit reader, a table of strings (a vector of vectors: slower than the
// library's flat table, plainer to read), and the loop the specification describes. The decoder
// adds each string one code after the encoder did, so it widens its codes one entry earlier.
#include "exercise.h"

namespace ex {

// Reads codes of a given width, least-significant bit first; -1 when the bytes run out.
struct BitReader {
    const uint8_t* bytes;
    size_t n, bit = 0;
    int read(int width) {
        if (bit + width > n * 8) return -1;
        int code = 0;
        for (int k = 0; k < width; ++k, ++bit) code |= ((bytes[bit / 8] >> (bit % 8)) & 1) << k;
        return code;
    }
};

std::vector<uint8_t> lzw_decode(const uint8_t* bytes, size_t n, int min_code_size) {
    const int clear = 1 << min_code_size, end = clear + 1;
    std::vector<std::vector<uint8_t>> table;
    int width = 0, previous = -1;
    auto reset = [&] {
        table.assign(clear + 2, {});  // clear and end name no string
        for (int i = 0; i < clear; ++i) table[i] = {static_cast<uint8_t>(i)};
        width = min_code_size + 1;
        previous = -1;
    };
    reset();
    std::vector<uint8_t> indices;
    BitReader in{bytes, n};
    for (int code = in.read(width); code >= 0 && code != end; code = in.read(width)) {
        if (code == clear) {
            reset();
            continue;
        }
        if (previous < 0) {  // the first code after a clear adds nothing
            indices.insert(indices.end(), table[code].begin(), table[code].end());
            previous = code;
            continue;
        }
        // A code one past the table is the string being added: the previous one plus its own
        // first index (the "KwKwK" case).
        std::vector<uint8_t> string =
            code < static_cast<int>(table.size()) ? table[code] : table[previous];
        if (code >= static_cast<int>(table.size())) string.push_back(table[previous][0]);
        indices.insert(indices.end(), string.begin(), string.end());
        if (table.size() < 4096) {
            std::vector<uint8_t> added = table[previous];
            added.push_back(string[0]);
            table.push_back(added);
        }
        if (static_cast<int>(table.size()) == (1 << width) && width < 12) ++width;
        previous = code;
    }
    return indices;
}

}  // namespace ex
