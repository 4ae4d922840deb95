// PNG output through stb_image_write (from the libstb-dev package), written atomically.
#pragma once
#include <string>

#include "render/canvas.h"

namespace ddpm {

std::string encode_png(const Canvas& c);                  // the bytes of a PNG file
void save_png(const Canvas& c, const std::string& path);  // atomic: temp file, then rename

}  // namespace ddpm
