// IDX: the format of MNIST and Fashion-MNIST (LeCun's, yann.lecun.com/exdb/mnist): a 4-byte magic
// number (two zero bytes, the element type, the number of dimensions), each dimension's size as a
// big-endian 32-bit integer, then the elements in C order. The course reads unsigned bytes (type
// 0x08), which is what the image and label files hold.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ddpm {

struct IdxArray {
    std::vector<int> shape;       // e.g. (60000, 28, 28) for images, (60000,) for labels
    std::vector<uint8_t> values;  // every element, C order
};

// Reads an IDX file, gzip-compressed (.gz, as Debian ships them) or not. Every header field is
// checked against the bytes present: the magic number, the type (only unsigned bytes), 1 to 4
// dimensions, each at least 1, and a size that is exactly the elements the header declares.
// Throws Error naming the file and the field otherwise.
IdxArray read_idx(const std::string& path);
// The same from the file's (unpacked) bytes.
IdxArray idx_from_bytes(const std::string& bytes, const std::string& name);

}  // namespace ddpm
