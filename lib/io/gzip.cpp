#include "io/gzip.h"

#include <zlib.h>

#include <climits>

#include "core/error.h"

namespace ddpm {

bool is_gzip(const std::string& bytes) {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
           static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(const std::string& bytes, const std::string& name, size_t max_bytes) {
    if (!is_gzip(bytes)) throw Error(name + ": not a gzip file (no 1f 8b magic number)");
    if (bytes.size() > UINT_MAX) throw Error(name + ": larger than zlib reads in one call (4 GB)");
    z_stream z{};
    // 16 + MAX_WBITS: a gzip header and trailer (with its CRC-32) around the deflate stream.
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw Error(name + ": zlib could not start");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char chunk[1 << 16];
    int status = Z_OK;
    while (true) {
        z.next_out = reinterpret_cast<Bytef*>(chunk);
        z.avail_out = sizeof chunk;
        status = inflate(&z, Z_NO_FLUSH);
        const size_t produced = sizeof chunk - z.avail_out;
        if (out.size() + produced > max_bytes) {
            inflateEnd(&z);
            throw Error(name + ": unpacks to more than " + std::to_string(max_bytes) +
                        " bytes, more than a file of this kind holds");
        }
        out.append(chunk, produced);
        if (status == Z_STREAM_END) {
            if (z.avail_in == 0) break;
            // Another gzip member follows (gzip -d reads them all): start it afresh.
            if (inflateReset(&z) != Z_OK) break;
            continue;
        }
        if (status != Z_OK) break;
        if (z.avail_in == 0 && produced == 0) break;  // the input ended mid-stream
    }
    const bool ended = status == Z_STREAM_END;
    const std::string detail = z.msg ? std::string(" (") + z.msg + ")" : "";
    inflateEnd(&z);
    if (!ended) throw Error(name + ": damaged or truncated gzip data" + detail);
    return out;
}

}  // namespace ddpm
