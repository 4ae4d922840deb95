#include "render/animation.h"

#include <cstdio>
#include <memory>

#include "error.h"
#include "render/gif.h"
#include "render/png.h"

namespace ddpm {

std::vector<Color> animation_palette(const AnimationStyle& style) {
    return blend_palette({colors::white, colors::black, style.points.fill, style.points.edge}, 16);
}

Canvas scatter_frame(const Tensor& points, const std::string& title, const AnimationStyle& style) {
    Canvas c(style.width, style.height);
    Limits lim = style.limits_mode == AnimationStyle::Limits::each_frame ? limits_of(points)
                                                                         : style.limits;
    scatter_panel(c, {4, 4, style.width - 8, style.height - 8}, points, lim, style.points, title, 2);
    return c;
}

AnimationResult write_animation(int count, const std::function<Tensor(int)>& points,
                                const std::function<std::string(int)>& title,
                                const AnimationStyle& style, const std::string& gif_path,
                                const std::string& frames_dir) {
    if (count < 1) throw Error("an animation needs at least one frame");
    if (style.delay_ms < 0 || style.hold_last_ms < 0) throw UsageError("delays must be >= 0 ms");
    std::unique_ptr<GifWriter> gif;
    if (!gif_path.empty())
        gif = std::make_unique<GifWriter>(gif_path, style.width, style.height,
                                          animation_palette(style), style.loop);
    AnimationResult result;
    for (int i = 0; i < count; ++i) {
        Tensor p = points(i);
        if (!all_finite(p)) throw Error("frame " + std::to_string(i) + " has NaN or infinite points");
        Canvas frame = scatter_frame(p, title(i), style);
        if (gif) {
            int ms = style.delay_ms + (i == count - 1 ? style.hold_last_ms : 0);
            gif->add_frame(frame, (ms + 5) / 10);  // GIF counts hundredths of a second
        }
        if (!frames_dir.empty()) {
            char name[32];
            std::snprintf(name, sizeof name, "/frame_%04d.png", i);
            save_png(frame, frames_dir + name);
        }
        ++result.frames;
    }
    if (gif) {
        result.delay_raised = gif->delay_raised();
        gif->finish();
    }
    return result;
}

}  // namespace ddpm
