// Animations of point sets: each frame a scatter plot, streamed into a GIF and/or PNG files.
// Frames are produced one at a time by a callback, so memory does not grow with their number.
#pragma once
#include <functional>
#include <string>

#include "core/rng.h"
#include "core/tensor.h"
#include "diffusion/schedule.h"
#include "render/plot.h"

namespace ddpm {

struct AnimationStyle {
    int width = 480, height = 360;
    int delay_ms = 100;    // each frame
    int hold_last_ms = 0;  // added to the last frame's delay
    int loop = 0;          // 0 = forever
    ScatterStyle points{2.0f};
    // Where the axes are: one range for every frame (computed by the caller, or given), or each
    // frame fitted to its own points (the notebook's matplotlib frames).
    enum class Limits { fixed, each_frame } limits_mode = Limits::fixed;
    ddpm::Limits limits;
    float frame_margin = 0.05f;  // each_frame: the share of the points' range added on each side
};

// One frame: the title on top, the points below.
Canvas scatter_frame(const Tensor& points, const std::string& title, const AnimationStyle& style);

struct AnimationResult {
    int frames = 0;
    bool delay_raised = false;  // a delay under 20 ms was raised to 20 (GIF's smallest useful)
};

// Draws frames 0 ... count-1 (points(i) is (n, 2), title(i) its title) into gif_path (if not
// empty) and frames_dir/frame_0000.png ... (if not empty). Both are written atomically.
AnimationResult write_animation(int count, const std::function<Tensor(int)>& points,
                                const std::function<std::string(int)>& title,
                                const AnimationStyle& style, const std::string& gif_path,
                                const std::string& frames_dir = "");

// The notebook's animation, done right: forward frames q(x_t | x_0) for t = 0 ... T-1 of the data
// set (each made when needed), then every frame of the reverse trajectory x_seq (T + 1, n, 2),
// including the final sample that the notebook leaves out. Each frame fits its own points, as the
// notebook's matplotlib frames do; the last frame is held for style.hold_last_ms.
AnimationResult write_diffusion_gif(const Tensor& dataset, const Tensor& x_seq,
                                    const Schedule& sched, Rng& rng, const AnimationStyle& style,
                                    const std::string& gif_path);

// The same for a flow-matching model (lesson 14): its straight path x_tau = (1 - tau) x_0 +
// tau eps at tau = 1/S ... 1, then the trajectory x_seq (S + 1, n, 2) of S steps from tau = 1
// back to 0.
AnimationResult write_flow_gif(const Tensor& dataset, const Tensor& x_seq, Rng& rng,
                               const AnimationStyle& style, const std::string& gif_path);

// The frames a grid of `panels` panels shows: 0, every, 2 every, ..., with the last panel always
// the last frame (x_0 of a reverse trajectory, the result the figure is for).
std::vector<int> grid_frames(int frames, int panels, int every);

// The palette for these frames: white background, black text, the points' fill and edge colours,
// and blends between them for the anti-aliased edges.
std::vector<Color> animation_palette(const AnimationStyle& style);

}  // namespace ddpm
