// The safetensors format (Hugging Face), how PyTorch users share weights without pickle:
//
//   u64 N (little-endian) | N bytes of JSON header, padded with spaces | the data
//
// The header maps each tensor's name to {"dtype": "F32", "shape": [128, 2], "data_offsets":
// [begin, end]} (byte offsets into the data, which the tensors cover with no holes and no
// overlaps), and "__metadata__" to a map of strings. A file is outside input: every size, offset
// and name is checked before it is used (see safetensors_from_bytes).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddpm {

struct SafeTensor {
    std::string name;
    std::string dtype;           // "F32", "F16", "BF16", "F64", "I64", ...
    std::vector<int64_t> shape;  // [] for a scalar
    std::string bytes;           // the data, little-endian, row-major

    size_t numel() const;
    // The values as float32: F32 as they are; F16 and BF16 (exactly); F64 when every value is a
    // float32 exactly. Any other dtype, or an F64 value float32 cannot hold, throws Error naming
    // `file`, the tensor and the dtype.
    std::vector<float> floats(const std::string& file) const;
    // The values of an integer tensor (I64 or I32); throws Error naming the dtype otherwise.
    std::vector<int64_t> integers(const std::string& file) const;
};

struct SafeTensors {
    std::vector<SafeTensor> tensors;  // in the order of their data
    std::vector<std::pair<std::string, std::string>> metadata;

    const SafeTensor* find(const std::string& name) const;  // null if there is none
    const std::string* meta(const std::string& key) const;  // null if there is none
};

// A float32 tensor of the given shape from n values.
SafeTensor f32_tensor(const std::string& name, std::vector<int64_t> shape, const float* values);

// The file's bytes: header keys in the tensors' order after "__metadata__", the header padded
// with spaces to a multiple of 8 bytes (so the data is aligned, as the Python library writes it).
std::string safetensors_bytes(const SafeTensors& file);

// Reads a file's bytes. Refused, with a message naming `name` and the problem: a header length
// over 100 MB or past the end; a header that is not a JSON object of the form above; a duplicate
// name; a dtype not in the format; a shape whose size overflows or disagrees with its offsets;
// offsets that leave holes, overlap or end before the file does; metadata that is not strings.
SafeTensors safetensors_from_bytes(const std::string& bytes, const std::string& name);

// The same through files (atomically written; read as a regular file of at most 1 GiB).
void save_safetensors(const SafeTensors& file, const std::string& path);
SafeTensors load_safetensors(const std::string& path);

}  // namespace ddpm
