#include "io/npy.h"

#include <cstdint>
#include <cstring>

#include "core/error.h"
#include "io/atomic_file.h"

namespace ddpm {

std::string npy_bytes(const Tensor& t) {
    const std::string shape = t.shape_str();  // Python's tuple syntax: (101, 1000, 2), (5,)
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Pad with spaces and end with '\n' so magic + version + length + header is a multiple of 64.
    size_t total = 10 + header.size() + 1;
    header += std::string((64 - total % 64) % 64, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    uint16_t len = static_cast<uint16_t>(header.size());
    out += static_cast<char>(len & 0xff);
    out += static_cast<char>(len >> 8);
    out += header;
    out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(float));
    return out;
}

void save_npy(const Tensor& t, const std::string& path) {
    write_file_atomic(path, npy_bytes(t));
}

// The value of `key` in the header dict, as the text between its ':' and the next ',' or ')'.
static std::string dict_value(const std::string& header, const std::string& key,
                              const std::string& name) {
    size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw Error(name + ": .npy header has no '" + key + "'");
    size_t colon = header.find(':', k);
    if (colon == std::string::npos) throw Error(name + ": garbled .npy header");
    size_t start = header.find_first_not_of(' ', colon + 1);
    if (start == std::string::npos) throw Error(name + ": garbled .npy header");
    if (header[start] == '(') {
        size_t end = header.find(')', start);
        if (end == std::string::npos) throw Error(name + ": garbled .npy header (shape)");
        return header.substr(start, end - start + 1);
    }
    size_t end = header.find_first_of(",}", start);
    if (end == std::string::npos) throw Error(name + ": garbled .npy header");
    return header.substr(start, end - start);
}

// The header dictionary's text; *offset becomes where the data starts.
static std::string npy_header(const std::string& bytes, const std::string& name, size_t* offset) {
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw Error(name + ": not a .npy file (wrong magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    size_t header_len = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9])
                                                                << 8;
        *offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw Error(name + ": truncated .npy header");
        uint32_t len;
        std::memcpy(&len, bytes.data() + 8, 4);
        header_len = len;
        *offset = 12;
    } else {
        throw Error(name + ": unsupported .npy version " + std::to_string(major));
    }
    if (header_len > bytes.size() - *offset) throw Error(name + ": truncated .npy header");
    const std::string header = bytes.substr(*offset, header_len);
    *offset += header_len;
    return header;
}

// The shape: a tuple of whole numbers, "(101, 1000, 2)", "(5,)" or "()". Each dimension is
// checked against the `data_bytes` present (items of `item` bytes) before anything is allocated.
static std::vector<int> npy_shape(const std::string& shape_text, size_t data_bytes, size_t item,
                                  const std::string& name) {
    std::vector<int> shape;
    size_t count = 1;
    for (size_t i = 1; i + 1 < shape_text.size();) {
        const size_t j = shape_text.find_first_not_of(" ,", i);
        if (j == std::string::npos || j + 1 >= shape_text.size()) break;
        const size_t end = shape_text.find_first_not_of("0123456789", j);
        if (end == j || end == std::string::npos)
            throw Error(name + ": garbled .npy shape " + shape_text);
        const unsigned long long d =
            std::stoull(shape_text.substr(j, std::min<size_t>(end - j, 18)));
        if (end - j > 10 || d > 2000000000ULL) throw Error(name + ": .npy dimension too large");
        shape.push_back(static_cast<int>(d));
        count *= d;
        if (count > data_bytes / item + 1)
            throw Error(name + ": .npy shape " + shape_text +
                        " needs more data than the file holds");
        i = end;
    }
    if (count * item != data_bytes)
        throw Error(name + ": .npy data is " + std::to_string(data_bytes) + " bytes, shape " +
                    shape_text + " needs " + std::to_string(count * item) + " (truncated?)");
    return shape;
}

Tensor npy_from_bytes(const std::string& bytes, const std::string& name) {
    size_t offset = 0;
    const std::string header = npy_header(bytes, name, &offset);
    const std::string descr = dict_value(header, "descr", name);
    size_t item;
    if (descr == "'<f4'")
        item = 4;
    else if (descr == "'<f8'")
        item = 8;
    else
        throw Error(name + ": unsupported dtype " + descr + " (float32 '<f4' or float64 '<f8')");
    if (dict_value(header, "fortran_order", name) != "False")
        throw Error(name + ": Fortran-order arrays are not supported (save with C order)");
    const std::vector<int> shape =
        npy_shape(dict_value(header, "shape", name), bytes.size() - offset, item, name);
    const size_t count = (bytes.size() - offset) / item;
    std::vector<float> values(count);
    const char* data = bytes.data() + offset;
    for (size_t i = 0; i < count; ++i) {
        if (item == 4) {
            std::memcpy(&values[i], data + 4 * i, 4);
        } else {
            double d;
            std::memcpy(&d, data + 8 * i, 8);
            values[i] = static_cast<float>(d);
        }
    }
    return Tensor(shape, std::move(values));
}

Tensor load_npy(const std::string& path) {
    return npy_from_bytes(read_file(path), path);
}

}  // namespace ddpm
