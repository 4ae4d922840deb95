#include "io/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/json.h"

namespace ddpm {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100000000;  // the Python library's limit
constexpr size_t kMaxFileBytes = size_t(1) << 30;

// The format's dtypes and their sizes in bytes.
int dtype_size(const std::string& dtype) {
    static const std::pair<const char*, int> sizes[] = {
        {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
        {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
        {"U32", 4},  {"F32", 4}, {"F64", 8}, {"I64", 8},     {"U64", 8}};
    for (const auto& s : sizes)
        if (dtype == s.first) return s.second;
    return 0;
}

uint64_t little_endian(const char* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

void append_little_endian(std::string& out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

float float_from_bits(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// IEEE half precision to float: every half is a float exactly.
float half_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
    const int exponent = (h >> 10) & 0x1f;
    const uint32_t mantissa = h & 0x3ff;
    if (exponent == 0x1f) return float_from_bits(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    return float_from_bits(sign | static_cast<uint32_t>(exponent + 112) << 23 | mantissa << 13);
}

// One entry of the header: {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}.
SafeTensor tensor_info(const std::string& key, const JsonValue& v, const std::string& name,
                       uint64_t* begin, uint64_t* end) {
    const std::string what = name + ": tensor '" + key + "'";
    if (v.kind != JsonValue::Kind::object) throw Error(what + ": expected an object");
    SafeTensor t;
    t.name = key;
    for (const auto& [field, value] : v.members) {  // each name once: parse_json refuses repeats
        if (field == "dtype") {
            if (value.kind != JsonValue::Kind::string || dtype_size(value.text) == 0)
                throw Error(what + ": dtype '" + value.text +
                            "' is not one of the format's (F32, F16, BF16, F64, I64, ...)");
            t.dtype = value.text;
        } else if (field == "shape") {
            if (value.kind != JsonValue::Kind::array || value.items.size() > 8)
                throw Error(what + ": shape must be a list of at most 8 sizes");
            for (const JsonValue& d : value.items) {
                const uint64_t size = d.as_index(what + ": shape");
                if (size > 0x7fffffff) throw Error(what + ": a size over 2^31 in its shape");
                t.shape.push_back(static_cast<int64_t>(size));
            }
        } else if (field == "data_offsets") {
            if (value.kind != JsonValue::Kind::array || value.items.size() != 2)
                throw Error(what + ": data_offsets must be [begin, end]");
            *begin = value.items[0].as_index(what + ": data_offsets");
            *end = value.items[1].as_index(what + ": data_offsets");
        } else {
            throw Error(what + ": unknown field '" + field + "'");
        }
    }
    if (v.members.size() != 3) throw Error(what + ": needs dtype, shape and data_offsets");
    return t;
}

constexpr uint64_t kTooLarge = UINT64_MAX;

// The bytes the shape's values take, or kTooLarge past 2^62 (the sizes, each under 2^31, are
// multiplied one at a time, each product checked).
uint64_t shape_bytes(const SafeTensor& t) {
    uint64_t n = static_cast<uint64_t>(dtype_size(t.dtype));
    for (int64_t d : t.shape) {
        if (d != 0 && n > (uint64_t(1) << 62) / static_cast<uint64_t>(d)) return kTooLarge;
        n *= static_cast<uint64_t>(d);
    }
    return n;
}

struct Placed {
    SafeTensor tensor;
    uint64_t begin = 0, end = 0;
};

// The tensors sorted by where their data starts, checked to tile [0, data_bytes) exactly.
void check_offsets(std::vector<Placed>& placed, uint64_t data_bytes, const std::string& name) {
    std::stable_sort(placed.begin(), placed.end(),
                     [](const Placed& a, const Placed& b) { return a.begin < b.begin; });
    uint64_t at = 0;
    for (const Placed& p : placed) {
        const std::string what = name + ": tensor '" + p.tensor.name + "'";
        if (p.end < p.begin) throw Error(what + ": data_offsets end before they begin");
        if (p.begin != at)
            throw Error(what + (p.begin < at ? ": its data overlaps another tensor's"
                                             : ": a hole in the data before it"));
        const uint64_t need = shape_bytes(p.tensor);
        if (need == kTooLarge) throw Error(what + ": its shape is larger than any file can hold");
        if (need != p.end - p.begin)
            throw Error(what + ": its shape needs " + std::to_string(need) +
                        " bytes, its data_offsets give " + std::to_string(p.end - p.begin));
        at = p.end;
    }
    if (at != data_bytes)
        throw Error(name + ": the tensors' data ends at byte " + std::to_string(at) + " of the " +
                    std::to_string(data_bytes) + " after the header (a truncated " +
                    "file, or bytes that belong to no tensor)");
}

}  // namespace

size_t SafeTensor::numel() const {
    size_t n = 1;
    for (int64_t d : shape) n *= static_cast<size_t>(d);
    return n;
}

std::vector<float> SafeTensor::floats(const std::string& file) const {
    const size_t n = numel();
    std::vector<float> out(n);
    const char* p = bytes.data();
    if (dtype == "F32") {
        for (size_t i = 0; i < n; ++i)
            out[i] = float_from_bits(static_cast<uint32_t>(little_endian(p + 4 * i, 4)));
    } else if (dtype == "F16") {
        for (size_t i = 0; i < n; ++i)
            out[i] = half_to_float(static_cast<uint16_t>(little_endian(p + 2 * i, 2)));
    } else if (dtype == "BF16") {
        for (size_t i = 0; i < n; ++i)
            out[i] = float_from_bits(static_cast<uint32_t>(little_endian(p + 2 * i, 2)) << 16);
    } else if (dtype == "F64") {
        for (size_t i = 0; i < n; ++i) {
            const uint64_t bits = little_endian(p + 8 * i, 8);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            out[i] = static_cast<float>(d);
            if (static_cast<double>(out[i]) != d && !std::isnan(d))
                throw Error(file + ": tensor '" + name + "' is F64 with values float32 cannot " +
                            "hold exactly (convert it with .float() before saving)");
        }
    } else {
        throw Error(file + ": tensor '" + name + "' has dtype " + dtype +
                    "; expected floating point (F32, or F16, BF16, F64)");
    }
    return out;
}

std::vector<int64_t> SafeTensor::integers(const std::string& file) const {
    const int size = dtype == "I64" ? 8 : dtype == "I32" ? 4 : 0;
    if (size == 0)
        throw Error(file + ": tensor '" + name + "' has dtype " + dtype + "; expected I64 or I32");
    std::vector<int64_t> out(numel());
    for (size_t i = 0; i < out.size(); ++i) {
        const uint64_t bits = little_endian(bytes.data() + size * i, size);
        out[i] = size == 8
                     ? static_cast<int64_t>(bits)
                     : static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(bits)));
    }
    return out;
}

const SafeTensor* SafeTensors::find(const std::string& name) const {
    for (const SafeTensor& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const std::string* SafeTensors::meta(const std::string& key) const {
    for (const auto& kv : metadata)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

SafeTensor f32_tensor(const std::string& name, std::vector<int64_t> shape, const float* values) {
    SafeTensor t;
    t.name = name;
    t.dtype = "F32";
    t.shape = std::move(shape);
    const size_t n = t.numel();
    t.bytes.reserve(4 * n);
    for (size_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, &values[i], sizeof bits);
        append_little_endian(t.bytes, bits, 4);
    }
    return t;
}

std::string safetensors_bytes(const SafeTensors& file) {
    std::string header = "{";
    if (!file.metadata.empty()) {
        header += "\"__metadata__\":{";
        for (size_t i = 0; i < file.metadata.size(); ++i)
            header += (i ? "," : "") + json_string(file.metadata[i].first) + ":" +
                      json_string(file.metadata[i].second);
        header += "}";
    }
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const SafeTensor& t : file.tensors) {
        if (!names.insert(t.name).second || t.name == "__metadata__")
            throw Error("safetensors: the name '" + t.name + "' is used twice or reserved");
        if (dtype_size(t.dtype) == 0 || shape_bytes(t) != t.bytes.size())
            throw Error("safetensors: tensor '" + t.name + "' has a dtype or size that disagree");
        std::string shape;
        for (size_t i = 0; i < t.shape.size(); ++i)
            shape += (i ? "," : "") + std::to_string(t.shape[i]);
        header += (header.size() > 1 ? "," : "") + json_string(t.name) + ":{\"dtype\":\"" +
                  t.dtype + "\",\"shape\":[" + shape + "],\"data_offsets\":[" +
                  std::to_string(offset) + "," + std::to_string(offset + t.bytes.size()) + "]}";
        offset += t.bytes.size();
    }
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string out;
    append_little_endian(out, header.size(), 8);
    out += header;
    for (const SafeTensor& t : file.tensors) out += t.bytes;
    return out;
}

SafeTensors safetensors_from_bytes(const std::string& bytes, const std::string& name) {
    if (bytes.size() < 8) throw Error(name + ": not a safetensors file (shorter than 8 bytes)");
    const uint64_t header_bytes = little_endian(bytes.data(), 8);
    if (header_bytes > kMaxHeaderBytes || header_bytes > bytes.size() - 8)
        throw Error(name + ": not a safetensors file (its first 8 bytes give a header of " +
                    std::to_string(header_bytes) + " bytes; the file has " +
                    std::to_string(bytes.size()) + ", the limit is 100 MB)");
    const std::string header = bytes.substr(8, header_bytes);
    if (header.empty() || header[0] != '{')
        throw Error(name + ": not a safetensors file (its header does not start with '{')");
    const JsonValue root = parse_json(header, name);
    SafeTensors file;
    std::vector<Placed> placed;
    for (const auto& [key, value] : root.members) {  // each name once: parse_json refuses repeats
        if (key != "__metadata__") {
            Placed p;
            p.tensor = tensor_info(key, value, name, &p.begin, &p.end);
            placed.push_back(std::move(p));
            continue;
        }
        if (value.kind != JsonValue::Kind::object)
            throw Error(name + ": __metadata__ must be an object of strings");
        for (const auto& [k, v] : value.members) {
            if (v.kind != JsonValue::Kind::string)
                throw Error(name + ": __metadata__ '" + k + "' is not a string");
            file.metadata.emplace_back(k, v.text);
        }
    }
    const uint64_t data_start = 8 + header_bytes;
    check_offsets(placed, bytes.size() - data_start, name);
    for (Placed& p : placed) {
        p.tensor.bytes = bytes.substr(data_start + p.begin, p.end - p.begin);
        file.tensors.push_back(std::move(p.tensor));
    }
    return file;
}

void save_safetensors(const SafeTensors& file, const std::string& path) {
    write_file_atomic(path, safetensors_bytes(file));
}

SafeTensors load_safetensors(const std::string& path) {
    return safetensors_from_bytes(read_file(path, kMaxFileBytes), path);
}

}  // namespace ddpm
