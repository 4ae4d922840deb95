// gzip: the compression Debian's data sets come in (Fashion-MNIST's IDX files are .gz), opened
// through zlib, the library every gzip reader is built on.
#pragma once
#include <cstddef>
#include <string>

namespace ddpm {

// True if the bytes start with gzip's magic number (1f 8b).
bool is_gzip(const std::string& bytes);

// The bytes a gzip stream holds (several members one after another are read as one, as gzip -d
// does). Throws Error naming `name` if the stream is damaged or cut short, or if it would unpack
// to more than max_bytes (a small file can claim gigabytes).
std::string gunzip(const std::string& bytes, const std::string& name, size_t max_bytes);

}  // namespace ddpm
