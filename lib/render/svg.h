// SVG output: the shapes a Canvas recorded, written as vector graphics with the same layout as its
// pixels. Text stays text, in the font the PNG used (font-family "DejaVu Sans"), each run of one
// size placed where the PNG's is: it stays selectable and searchable in a report, and small; a
// viewer without DejaVu Sans substitutes a sans-serif of its own.
#pragma once
#include <string>

#include "render/canvas.h"

namespace ddpm {

std::string encode_svg(const Canvas& c);                  // the text of an SVG file
void save_svg(const Canvas& c, const std::string& path);  // atomic: temp file, then rename

// PNG or SVG by the file's extension (.png, .svg); anything else is a UsageError.
void save_figure(const Canvas& c, const std::string& path);
std::string figure_bytes(const Canvas& c, const std::string& path);  // what save_figure writes

}  // namespace ddpm
