#include "io/idx.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/gzip.h"

namespace ddpm {

namespace {

constexpr size_t kMaxIdxBytes = size_t(1) << 30;  // the largest file read (the data sets: 47 MB)
constexpr int kUnsignedByte = 0x08;

uint32_t big_endian_u32(const std::string& bytes, size_t pos) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[pos + i]);
    return v;
}

}  // namespace

IdxArray idx_from_bytes(const std::string& bytes, const std::string& name) {
    // The magic number: 0, 0, the type, the number of dimensions.
    if (bytes.size() < 4) throw Error(name + ": too short for an IDX header (4 bytes)");
    if (bytes[0] != 0 || bytes[1] != 0)
        throw Error(name + ": not an IDX file (its first two bytes are not zero)");
    const int type = static_cast<unsigned char>(bytes[2]);
    const int ndim = static_cast<unsigned char>(bytes[3]);
    if (type != kUnsignedByte)
        throw Error(name + ": IDX element type 0x" + hex_byte(static_cast<unsigned char>(type)) +
                    " is not read here (only 0x08, unsigned bytes, as MNIST's files hold)");
    if (ndim < 1 || ndim > 4)
        throw Error(name + ": IDX header declares " + std::to_string(ndim) +
                    " dimensions; expected 1 to 4");
    const size_t header = 4 + 4 * static_cast<size_t>(ndim);
    if (bytes.size() < header)
        throw Error(name + ": IDX header cut short (" + std::to_string(bytes.size()) +
                    " bytes, its " + std::to_string(ndim) + " sizes need " +
                    std::to_string(header) + ")");
    // Each size, and their product, checked before anything is allocated.
    IdxArray a;
    uint64_t count = 1;
    for (int d = 0; d < ndim; ++d) {
        const uint32_t n = big_endian_u32(bytes, 4 + 4 * static_cast<size_t>(d));
        if (n < 1 || n > static_cast<uint32_t>(INT32_MAX))
            throw Error(name + ": IDX dimension " + std::to_string(d) + " has size " +
                        std::to_string(n) + "; expected 1 to 2147483647");
        count *= n;
        if (count > kMaxIdxBytes)
            throw Error(name + ": IDX header declares more than " + std::to_string(kMaxIdxBytes) +
                        " elements");
        a.shape.push_back(static_cast<int>(n));
    }
    if (bytes.size() - header != count)
        throw Error(name + ": IDX header declares " + std::to_string(count) +
                    " elements, the file " + "holds " + std::to_string(bytes.size() - header) +
                    " (truncated or padded)");
    a.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
    return a;
}

IdxArray read_idx(const std::string& path) {
    std::string bytes = read_file(path, kMaxIdxBytes);
    if (is_gzip(bytes)) bytes = gunzip(bytes, path, kMaxIdxBytes);
    return idx_from_bytes(bytes, path);
}

}  // namespace ddpm
