#include "render/png.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBIW_WINDOWS_UTF8
#include <stb/stb_image_write.h>

#include "core/error.h"
#include "io/atomic_file.h"

namespace ddpm {

static void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}

std::string encode_png(const Canvas& c) {
    std::string bytes;
    if (!stbi_write_png_to_func(append_bytes, &bytes, c.width(), c.height(), 3, c.pixels(),
                                c.width() * 3))
        throw Error("PNG encoding failed");
    return bytes;
}

void save_png(const Canvas& c, const std::string& path) {
    write_file_atomic(path, encode_png(c));
}

}  // namespace ddpm
