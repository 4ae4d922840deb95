#include "render/gif.h"

#include <algorithm>

#include "core/error.h"

namespace ddpm {

std::vector<Color> blend_palette(const std::vector<Color>& colours, int levels) {
    std::vector<Color> p;
    auto add = [&](Color c) {
        if (std::find(p.begin(), p.end(), c) == p.end()) p.push_back(c);
    };
    for (Color c : colours) add(c);
    for (size_t i = 0; i < colours.size(); ++i)
        for (size_t j = i + 1; j < colours.size(); ++j)
            for (int k = 1; k < levels; ++k) {
                auto mix = [&](uint8_t a, uint8_t b) {
                    return static_cast<uint8_t>(a + (b - a) * k / levels);
                };
                add({mix(colours[i].r, colours[j].r), mix(colours[i].g, colours[j].g),
                     mix(colours[i].b, colours[j].b)});
            }
    if (p.size() > 256) throw Error("blend_palette: more than 256 colours; use fewer levels");
    return p;
}

// Packs codes of varying width into bytes, least-significant bit first.
struct BitWriter {
    std::vector<uint8_t> bytes;
    uint32_t buffer = 0;
    int bits = 0;
    void put(int code, int width) {
        buffer |= static_cast<uint32_t>(code) << bits;
        bits += width;
        while (bits >= 8) {
            bytes.push_back(static_cast<uint8_t>(buffer & 0xff));
            buffer >>= 8;
            bits -= 8;
        }
    }
    void flush() {
        if (bits > 0) bytes.push_back(static_cast<uint8_t>(buffer & 0xff));
        buffer = 0;
        bits = 0;
    }
};

std::vector<uint8_t> lzw_encode(const uint8_t* indices, size_t n, int min_code_size) {
    const int clear = 1 << min_code_size, end = clear + 1;
    // The dictionary maps (prefix code, next index) to a code. Codes 0 .. clear-1 are the single
    // indices; new strings get codes from clear + 2 up to 4095. A flat table, entry
    // [prefix << min_code_size | index], 0 for "no such string yet" (0 is never a string's code).
    std::vector<uint16_t> dict(static_cast<size_t>(4096) << min_code_size, 0);
    BitWriter out;
    int size = min_code_size + 1, next = clear + 2;
    out.put(clear, size);
    if (n == 0) {
        out.put(end, size);
        out.flush();
        return out.bytes;
    }
    int current = indices[0];
    for (size_t i = 1; i < n; ++i) {
        uint16_t& entry = dict[static_cast<size_t>(current) << min_code_size | indices[i]];
        if (entry != 0) {  // the string continues: keep extending it
            current = entry;
            continue;
        }
        out.put(current, size);
        entry = static_cast<uint16_t>(next);
        // The decoder adds its entries one code behind us; it widens its codes when its table
        // reaches 2^size, which is when we have just assigned code 2^size.
        if (next == (1 << size) && size < 12) ++size;
        ++next;
        if (next == 4096) {  // the table is full: start again
            out.put(clear, size);
            std::fill(dict.begin(), dict.end(), 0);
            size = min_code_size + 1;
            next = clear + 2;
        }
        current = indices[i];
    }
    out.put(current, size);
    // One more entry would have been assigned here; the decoder widens as if it had.
    if (next == (1 << size) && size < 12) ++size;
    out.put(end, size);
    out.flush();
    return out.bytes;
}

static void put16(std::string& s, int v) {
    s += static_cast<char>(v & 0xff);
    s += static_cast<char>((v >> 8) & 0xff);
}

GifWriter::GifWriter(const std::string& path, int width, int height, std::vector<Color> palette,
                     int loop)
    : file_(path), width_(width), height_(height), palette_(std::move(palette)) {
    if (width < 1 || height < 1 || width > 65535 || height > 65535)
        throw UsageError("GIF size must be within 1..65535 pixels");
    if (palette_.empty() || palette_.size() > 256) throw Error("GIF palette needs 1..256 colours");
    if (loop < 0 || loop > 65535) throw UsageError("GIF loop count must be in [0, 65535]");
    // The colour table has 2^(k+1) entries; LZW needs at least 2-bit codes.
    int k = 0;
    while ((2 << k) < static_cast<int>(palette_.size())) ++k;
    min_code_size_ = std::max(2, k + 1);
    std::string head = "GIF89a";
    put16(head, width);
    put16(head, height);
    head += static_cast<char>(0x80 | 0x70 | k);  // global table present, 8-bit colour, 2^(k+1)
    head += '\0';                                // background colour index
    head += '\0';                                // pixel aspect ratio: unspecified
    for (int i = 0; i < (2 << k); ++i) {
        Color c = i < static_cast<int>(palette_.size()) ? palette_[i] : Color{};
        head += static_cast<char>(c.r);
        head += static_cast<char>(c.g);
        head += static_cast<char>(c.b);
    }
    // NETSCAPE2.0 application extension: sub-block 1 holds the loop count.
    head += "\x21\xff\x0bNETSCAPE2.0\x03\x01";
    put16(head, loop);
    head += '\0';
    file_.write(head);
}

uint8_t GifWriter::index_of(Color c) {
    const uint32_t key = static_cast<uint32_t>(c.r) << 16 | c.g << 8 | c.b;
    CacheEntry& slot = cache_[(key * 2654435761u) >> 20];  // Knuth's multiplicative hash, 12 bits
    if (slot.key == key) return slot.index;
    int best = 0;
    long best_d = -1;
    for (size_t i = 0; i < palette_.size(); ++i) {
        long dr = c.r - palette_[i].r, dg = c.g - palette_[i].g, db = c.b - palette_[i].b;
        long d = dr * dr + dg * dg + db * db;
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = static_cast<int>(i);
        }
    }
    slot.key = key;
    slot.index = static_cast<uint8_t>(best);
    return slot.index;
}

void GifWriter::add_frame(const Canvas& canvas, int delay_cs) {
    if (canvas.width() != width_ || canvas.height() != height_)
        throw Error("GIF frame is " + std::to_string(canvas.width()) + "x" +
                    std::to_string(canvas.height()) + ", the animation " + std::to_string(width_) +
                    "x" + std::to_string(height_));
    std::vector<uint8_t> indices(static_cast<size_t>(width_) * height_);
    const uint8_t* px = canvas.pixels();
    Color last{px[0], px[1], px[2]};
    uint8_t last_index = index_of(last);
    for (size_t i = 0; i < indices.size(); ++i) {
        const Color c{px[3 * i], px[3 * i + 1], px[3 * i + 2]};
        if (!(c == last)) {  // runs of one colour are common
            last = c;
            last_index = index_of(c);
        }
        indices[i] = last_index;
    }
    add_frame(indices, delay_cs);
}

void GifWriter::add_frame(const std::vector<uint8_t>& indices, int delay_cs) {
    if (indices.size() != static_cast<size_t>(width_) * height_)
        throw Error("GIF frame has the wrong size");
    for (uint8_t v : indices)
        if (v >= palette_.size()) throw Error("GIF frame uses a colour index outside the palette");
    if (delay_cs < 2) {
        delay_cs = 2;
        delay_raised_ = true;
    }
    if (delay_cs > 65535) delay_cs = 65535;

    // The rectangle that differs from the previous frame (the whole frame the first time).
    int x0 = 0, y0 = 0, x1 = width_ - 1, y1 = height_ - 1;
    if (!previous_.empty()) {
        x0 = width_;
        y0 = height_;
        x1 = -1;
        y1 = -1;
        for (int y = 0; y < height_; ++y)
            for (int x = 0; x < width_; ++x)
                if (indices[y * width_ + x] != previous_[y * width_ + x]) {
                    x0 = std::min(x0, x);
                    x1 = std::max(x1, x);
                    y0 = std::min(y0, y);
                    y1 = std::max(y1, y);
                }
        if (x1 < 0) x0 = y0 = x1 = y1 = 0;  // nothing changed: one pixel, for the delay
    }
    const int w = x1 - x0 + 1, h = y1 - y0 + 1;
    std::vector<uint8_t> rect(static_cast<size_t>(w) * h);
    for (int y = 0; y < h; ++y) std::copy_n(&indices[(y0 + y) * width_ + x0], w, &rect[y * w]);

    std::string block = "\x21\xf9\x04";
    block += static_cast<char>(1 << 2);  // disposal 1: leave the frame in place for the next
    put16(block, delay_cs);
    block += '\0';  // transparent colour index (unused)
    block += '\0';  // block terminator
    block += '\x2c';
    put16(block, x0);
    put16(block, y0);
    put16(block, w);
    put16(block, h);
    block += '\0';  // no local colour table, not interlaced
    block += static_cast<char>(min_code_size_);
    std::vector<uint8_t> codes = lzw_encode(rect.data(), rect.size(), min_code_size_);
    for (size_t i = 0; i < codes.size(); i += 255) {  // data sub-blocks of at most 255 bytes
        size_t len = std::min<size_t>(255, codes.size() - i);
        block += static_cast<char>(len);
        block.append(reinterpret_cast<const char*>(codes.data() + i), len);
    }
    block += '\0';
    file_.write(block);
    previous_ = indices;
    ++frames_;
}

void GifWriter::finish() {
    if (frames_ == 0) throw Error(file_.path() + ": a GIF needs at least one frame");
    file_.write(";", 1);
    file_.commit();
}

}  // namespace ddpm
