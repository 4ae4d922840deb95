#include "render/animation.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "core/error.h"
#include "diffusion/forward.h"
#include "render/gif.h"
#include "render/png.h"

namespace ddpm {

std::vector<Color> animation_palette(const AnimationStyle& style) {
    // Text gets four levels of grey; the points two levels against the background (at this
    // size a finer edge is invisible, and each level is one more colour for LZW to spell out).
    std::vector<Color> p = blend_palette({colors::white, colors::black}, 4);
    for (Color c : blend_palette({colors::white, style.points.fill, style.points.edge}, 2))
        if (std::find(p.begin(), p.end(), c) == p.end()) p.push_back(c);
    return p;
}

Canvas scatter_frame(const Tensor& points, const std::string& title, const AnimationStyle& style) {
    Canvas c(style.width, style.height);
    Limits lim = style.limits_mode == AnimationStyle::Limits::each_frame
                     ? limits_of(points, style.frame_margin)
                     : style.limits;
    scatter_panel(c, {4, 4, style.width - 8, style.height - 8}, points, lim, style.points, title,
                  text_size::title);
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
        if (!all_finite(p))
            throw Error("frame " + std::to_string(i) + " has NaN or infinite points");
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

std::vector<int> grid_frames(int frames, int panels, int every) {
    std::vector<int> shown;
    for (int i = 0; i < panels && static_cast<long>(i) * every < frames; ++i)
        shown.push_back(i * every);
    if (shown.empty() || shown.back() == frames - 1) return shown;
    if (static_cast<int>(shown.size()) == panels)
        shown.back() = frames - 1;
    else
        shown.push_back(frames - 1);
    return shown;
}

// The notebook-like look of both animations' frames.
static AnimationStyle diffusion_frame_style(const AnimationStyle& style) {
    AnimationStyle each = style;
    each.limits_mode = AnimationStyle::Limits::each_frame;
    // At this point size a white edge is barely visible but doubles the file (every point adds
    // a ring of blended colours for LZW to spell out): the points are plain red here.
    each.points.edge = each.points.fill;
    each.points.snap_to_pixels = true;  // a sixth smaller, and it looks the same
    // The room matplotlib leaves around the notebook's frames (its axes fill about three
    // quarters of the figure); fewer pixels of points also keep the GIF under 1 MB.
    each.frame_margin = 0.12f;
    return each;
}

AnimationResult write_diffusion_gif(const Tensor& dataset, const Tensor& x_seq,
                                    const Schedule& sched, Rng& rng, const AnimationStyle& style,
                                    const std::string& gif_path) {
    const int T = sched.num_steps;
    if (x_seq.ndim() != 3 || x_seq.dim(0) != T + 1)
        throw Error("write_diffusion_gif: expected a trajectory of " + std::to_string(T + 1) +
                    " frames, got " + x_seq.shape_str());
    auto points = [&](int i) { return i < T ? q_x(dataset, i, sched, rng) : x_seq.frame(i - T); };
    // In the lecture's (and DDPM's) numbering: code step t = 0 is one noising step, x_1, so
    // forward frame i shows x_{i+1}; reverse frame k shows x_{T-k}, from x_T down to x_0.
    auto title = [&](int i) {
        const std::string t = std::to_string(i < T ? i + 1 : 2 * T - i);
        return i < T ? "forward: x_{" + t + "} \\sim q(x_{" + t + "} | x_0)"
                     : "reverse: x_{" + t + "} \\sim p_\\theta";
    };
    return write_animation(2 * T + 1, points, title, diffusion_frame_style(style), gif_path);
}

AnimationResult write_flow_gif(const Tensor& dataset, const Tensor& x_seq, Rng& rng,
                               const AnimationStyle& style, const std::string& gif_path) {
    if (x_seq.ndim() != 3 || x_seq.dim(0) < 2 || dataset.ndim() != 2)
        throw Error("write_flow_gif: expected a trajectory (S + 1, n, 2), got " +
                    x_seq.shape_str());
    const int S = x_seq.dim(0) - 1;
    auto tau_of = [S](int k) { return static_cast<float>(k) / static_cast<float>(S); };
    auto forward = [&](int i) {  // x_tau at tau = (i + 1) / S, fresh noise each frame
        const float tau = tau_of(i + 1);
        Tensor x(dataset.shape());
        for (size_t j = 0; j < x.size(); ++j) x[j] = (1 - tau) * dataset[j] + tau * rng.normal();
        return x;
    };
    auto points = [&](int i) { return i < S ? forward(i) : x_seq.frame(i - S); };
    auto title = [&](int i) {
        char tau[16];
        std::snprintf(tau, sizeof tau, "%.2f", tau_of(i < S ? i + 1 : 2 * S - i));
        return std::string(i < S ? "forward: x_\\tau = (1 - \\tau) x_0 + \\tau \\epsilon, \\tau = "
                                 : "reverse: x_\\tau by v_\\theta, \\tau = ") +
               tau;
    };
    return write_animation(2 * S + 1, points, title, diffusion_frame_style(style), gif_path);
}

}  // namespace ddpm
