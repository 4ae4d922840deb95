#include "render/font.h"

#include <sys/stat.h>

#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>

#include "core/error.h"
#include "io/atomic_file.h"

namespace ddpm {

namespace {

// The folders the operating system keeps fonts in (Linux, then macOS; ~/Library/Fonts is where
// macOS installs a user's fonts, Homebrew's casks included).
std::vector<std::string> font_folders() {
    std::vector<std::string> folders = {"/usr/share/fonts/", "/usr/local/share/fonts/",
                                        "/Library/Fonts/", "/System/Library/Fonts/"};
    const char* home = std::getenv("HOME");
    if (home && *home == '/') folders.push_back(std::string(home) + "/Library/Fonts/");
    return folders;
}
constexpr long kMaxFontBytes = 64L << 20;  // DejaVu Sans is 0.7 MB; CJK fonts reach 20 MB

// A glyph's cache key: the codepoint, the size and the sub-pixel shifts, in quarters of a pixel.
using GlyphKey = std::tuple<uint32_t, int, int, int>;

}  // namespace

struct Font::Impl {
    std::vector<unsigned char> data;
    stbtt_fontinfo info;
    mutable std::mutex mutex;
    mutable std::map<GlyphKey, std::unique_ptr<GlyphBitmap>> cache;
    float scale(float size) const { return stbtt_ScaleForMappingEmToPixels(&info, size); }
};

std::vector<std::string> default_font_paths() {
    std::vector<std::string> paths = {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",    // Debian, Ubuntu
        "/usr/share/fonts/TTF/DejaVuSans.ttf",                // Arch
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  // Fedora
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/local/share/fonts/DejaVuSans.ttf",
        "/Library/Fonts/DejaVuSans.ttf"};  // macOS
    const char* home = std::getenv("HOME");
    if (home && *home == '/') paths.push_back(std::string(home) + "/Library/Fonts/DejaVuSans.ttf");
    return paths;
}

bool in_system_font_folder(const std::string& path) {
    char resolved[PATH_MAX];
    if (!realpath(path.c_str(), resolved)) return false;
    const std::string real = resolved;
    for (const std::string& folder : font_folders()) {
        char folder_real[PATH_MAX];  // the folder itself may be a link (/Library on some Macs)
        const std::string f =
            realpath(folder.c_str(), folder_real) ? std::string(folder_real) + "/" : folder;
        if (real.rfind(f, 0) == 0) return true;
    }
    return false;
}

void Font::load(const std::string& path) {
    if (!in_system_font_folder(path))
        throw Error("font " + path +
                    " is not inside the system's font folders (/usr/share/fonts, "
                    "/usr/local/share/fonts, or on macOS /Library/Fonts, ~/Library/Fonts)");
    // read_file: a regular file only, judged on the open descriptor, within the limit.
    const std::string bytes = read_file(path, kMaxFontBytes);
    auto impl = std::make_unique<Impl>();
    impl->data.assign(bytes.begin(), bytes.end());
    const int offset = stbtt_GetFontOffsetForIndex(impl->data.data(), 0);
    if (offset < 0 || !stbtt_InitFont(&impl->info, impl->data.data(), offset) ||
        stbtt_FindGlyphIndex(&impl->info, 'A') == 0)
        throw Error("font " + path + " is not a TrueType font with Latin letters");
    impl_ = impl.release();
    path_ = path;
}

Font::~Font() {
    delete impl_;
}

const Font& Font::get() {
    // Loaded once; a failure is remembered and reported at every use, so each figure says why.
    struct Loaded {
        std::unique_ptr<Font> font;
        std::string error;
    };
    static const Loaded loaded = [] {
        Loaded l;
        l.font.reset(new Font());
        const char* chosen = std::getenv("DDPM_FONT");
        try {
            if (chosen && *chosen) {
                l.font->load(chosen);
                return l;
            }
            for (const std::string& p : default_font_paths()) {
                struct stat st;
                if (stat(p.c_str(), &st) == 0) {
                    l.font->load(p);
                    return l;
                }
            }
            l.error =
                "no font for the figures' text: DejaVu Sans (DejaVuSans.ttf) is not in "
                "/usr/share/fonts; install it (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
                "or set DDPM_FONT to a .ttf inside /usr/share/fonts or /usr/local/share/fonts "
                "(macOS: brew install --cask font-dejavu)";
        } catch (const Error& e) {
            l.error = std::string(e.what()) + (chosen && *chosen ? " (from DDPM_FONT)" : "");
        }
        l.font.reset();
        return l;
    }();
    if (!loaded.font) throw Error(loaded.error);
    return *loaded.font;
}

std::string Font::family() const {
    // The name table's family (platform 3, Unicode, English) would be exact; the file name is
    // enough for the fonts the course uses.
    if (path_.find("DejaVuSans") != std::string::npos) return "DejaVu Sans";
    const size_t slash = path_.find_last_of('/'), dot = path_.find_last_of('.');
    return path_.substr(slash + 1, dot == std::string::npos ? std::string::npos : dot - slash - 1);
}

bool Font::has(uint32_t codepoint) const {
    return stbtt_FindGlyphIndex(&impl_->info, static_cast<int>(codepoint)) != 0;
}

float Font::ascent(float size) const {
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(&impl_->info, &ascent, &descent, &gap);
    return ascent * impl_->scale(size);
}

float Font::descent(float size) const {
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(&impl_->info, &ascent, &descent, &gap);
    return -descent * impl_->scale(size);
}

float Font::advance(uint32_t codepoint, float size) const {
    int advance = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&impl_->info, static_cast<int>(codepoint), &advance, &lsb);
    return advance * impl_->scale(size);
}

float Font::kern(uint32_t left, uint32_t right, float size) const {
    return stbtt_GetCodepointKernAdvance(&impl_->info, static_cast<int>(left),
                                         static_cast<int>(right)) *
           impl_->scale(size);
}

GlyphBox Font::box(uint32_t codepoint, float size) const {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    if (!stbtt_GetCodepointBox(&impl_->info, static_cast<int>(codepoint), &x0, &y0, &x1, &y1))
        return {};
    const float s = impl_->scale(size);
    return {x0 * s, -y1 * s, x1 * s, -y0 * s};  // the font's y grows upwards
}

const GlyphBitmap& Font::bitmap(uint32_t codepoint, float size, float shift_x,
                                float shift_y) const {
    const int qx = static_cast<int>(shift_x * 4) & 3, qy = static_cast<int>(shift_y * 4) & 3;
    const GlyphKey key{codepoint, static_cast<int>(std::lround(size * 16)), qx, qy};
    std::lock_guard<std::mutex> lock(impl_->mutex);
    std::unique_ptr<GlyphBitmap>& slot = impl_->cache[key];
    if (slot) return *slot;
    slot = std::make_unique<GlyphBitmap>();
    const float s = impl_->scale(size), sx = qx / 4.0f, sy = qy / 4.0f;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    stbtt_GetCodepointBitmapBoxSubpixel(&impl_->info, static_cast<int>(codepoint), s, s, sx, sy,
                                        &x0, &y0, &x1, &y1);
    slot->x = x0;
    slot->y = y0;
    slot->w = std::max(0, x1 - x0);
    slot->h = std::max(0, y1 - y0);
    slot->coverage.assign(static_cast<size_t>(slot->w) * slot->h, 0);
    if (slot->w > 0 && slot->h > 0)
        stbtt_MakeCodepointBitmapSubpixel(&impl_->info, slot->coverage.data(), slot->w, slot->h,
                                          slot->w, s, s, sx, sy, static_cast<int>(codepoint));
    return *slot;
}

}  // namespace ddpm
