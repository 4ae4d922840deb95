// GifWriter: animated GIF89a, written by hand so it can be read (the format: GIF89a
// specification, W3C/CompuServe 1990).
//
//   "GIF89a" | logical screen (width, height, global colour table) | the colour table |
//   NETSCAPE2.0 block (loop count) | per frame: graphic control (delay), image descriptor
//   (the rectangle it covers), LZW-compressed colour indices | trailer ';'
//
// - One global colour table, fixed by the caller: scatter plots use few colours, so no quantiser
//   and no dithering. Canvas pixels map to the nearest palette colour (exact for drawn colours).
// - LZW with variable code size (3..12 bits), clear codes when the 4096-entry table fills.
// - Frames stream to the file one at a time: memory holds the previous frame only. A frame that
//   changes only inside a rectangle is written as that rectangle (disposal "leave in place").
// - The file is written atomically: nothing appears at `path` until finish().
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/atomic_file.h"
#include "render/canvas.h"

namespace ddpm {

// A palette for anti-aliased drawings in the given colours: each colour, and `levels` blends
// between every pair of them (anti-aliased edges are such blends). At most 256 entries.
std::vector<Color> blend_palette(const std::vector<Color>& colours, int levels = 16);

// GIF's LZW: the code stream for `n` colour indices (each < 2^min_code_size), as bytes packed
// least-significant bit first, starting with a clear code and ending with end-of-information.
std::vector<uint8_t> lzw_encode(const uint8_t* indices, size_t n, int min_code_size);

class GifWriter {
public:
    // loop: 0 = forever, N = repeat N times (the NETSCAPE2.0 loop count).
    GifWriter(const std::string& path, int width, int height, std::vector<Color> palette,
              int loop = 0);

    // delay_cs: hundredths of a second. Delays below 2 are raised to 2 (browsers show smaller
    // ones as 10); delay_raised() then says so, for the caller to report.
    void add_frame(const std::vector<uint8_t>& indices, int delay_cs);
    void add_frame(const Canvas& canvas, int delay_cs);  // maps pixels to the palette
    void finish();  // writes the trailer and puts the file in place

    bool delay_raised() const { return delay_raised_; }
    int frames() const { return frames_; }
    uint8_t index_of(Color c);  // the nearest palette entry (cached)

private:
    AtomicFile file_;
    int width_, height_, frames_ = 0;
    std::vector<Color> palette_;
    int min_code_size_;
    std::vector<uint8_t> previous_;
    // A direct-mapped cache of colour -> palette index: drawings repeat few colours, and a
    // nearest-colour search over the palette is only needed on a miss.
    struct CacheEntry {
        uint32_t key = 0xffffffff;  // 0x00RRGGBB, or empty
        uint8_t index = 0;
    };
    std::vector<CacheEntry> cache_ = std::vector<CacheEntry>(4096);
    bool delay_raised_ = false;
};

}  // namespace ddpm
