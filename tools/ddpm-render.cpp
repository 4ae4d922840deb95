// ddpm-render: turns a sequence of 2-D point sets into PNG frames, an animated GIF, or a panel
// figure. Reads NumPy .npy (float32 or float64; (frames, n, 2) or (n, 2)), e.g. the notebook's
//   np.save("x_seq.npy", torch.stack(x_seq).detach().numpy())
// or CSV (frame,x,y or x,y; header optional).
//
// Exit status: 0 success, 2 bad input or usage (one line on stderr naming the problem).
#include <cstdio>
#include <string>
#include <sys/resource.h>

#include "cli.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/outputs.h"
#include "io/points.h"
#include "render/animation.h"
#include "render/png.h"
#include "render/svg.h"

namespace {

// ddpm-render's flags: name, value, range or choices, help and default, one row each.
const cli::Command kRender = {
    "ddpm-render INPUT [options]",
    "  INPUT                .npy (float32/float64, (frames, n, 2) or (n, 2)) or .csv (frame,x,y\n"
    "                       or x,y; header optional)\n",
    {
        cli::heading("outputs (at least one):"),
        cli::text_flag("--gif", "FILE", "an animated GIF, one frame per point set"),
        cli::text_flag("--frames-dir", "DIR", "one PNG per frame: DIR/frame_0000.png, ..."),
        cli::text_flag("--png", "FILE",
                       "a panel figure (.png or .svg) of frames 0, K, 2K, ... (--every K) and the "
                       "last frame in the last panel, laid out by --grid"),
        cli::text_flag("--grid", "RxC", "with --png: R rows, C columns of panels"),
        cli::integer_flag("--every", "K", 1, 1000000, "with --png: every K-th frame", "1"),
        cli::heading("options:"),
        cli::text_flag("--size", "WxH", "frame size in pixels", "480x360"),
        cli::integer_flag("--delay", "MS", 0, 655350, "time per frame", "100"),
        cli::integer_flag("--hold-last", "MS", 0, 655350, "extra time on the last frame", "0"),
        cli::integer_flag("--loop", "N", 0, 65535, "times to play: 0 for ever, N repeats N times",
                          "0"),
        cli::number_flag("--point-size", "R", 0.1, 100.0, "point radius in pixels", "2"),
        cli::text_flag("--color", "C", "point colour: a name (red, blue, ...) or #rrggbb", "red"),
        cli::text_flag("--edge-color", "C", "point edge colour", "white"),
        cli::text_flag("--limits", "L",
                       "the plot's range: one for every frame, fitted to the last ('last': the "
                       "result fills the picture; early noise may run off it), fitted to every "
                       "frame ('all'), each frame its own ('frame'), or xmin,xmax,ymin,ymax",
                       "last"),
        cli::text_flag("--title", "TEMPLATE",
                       "markup, e.g. 'q(x_{t} | x_0)' or '\\\\bar\\\\alpha_{t}': {t} is the frame "
                       "number, {r} counts down to 0"),
    },
    "exit status: 0 success, 1 the run failed (an input unreadable or malformed, an output\n"
    "unwritable), 2 usage error (a flag or its value)\n",
};

std::string fill_title(std::string tmpl, int frame, int frames) {
    for (auto [key, value] :
         {std::pair<std::string, int>{"{t}", frame}, {"{r}", frames - 1 - frame}}) {
        for (size_t at; (at = tmpl.find(key)) != std::string::npos;)
            tmpl.replace(at, key.size(), "{" + std::to_string(value) + "}");  // x_{t} -> x_{{95}}
    }
    return tmpl;
}

// "480x360" -> {480, 360}
std::pair<int, int> parse_size(const std::string& text) {
    size_t x = text.find('x');
    if (x == std::string::npos)
        throw ddpm::UsageError("--size: expected WxH, e.g. 480x360, got '" + text + "'");
    return {static_cast<int>(cli::parse_integer("--size", text.substr(0, x), 16, 8192)),
            static_cast<int>(cli::parse_integer("--size", text.substr(x + 1), 16, 8192))};
}

ddpm::Limits parse_limits(const std::string& text) {
    double v[4];
    size_t start = 0;
    for (int i = 0; i < 4; ++i) {
        size_t comma = text.find(',', start);
        if ((comma == std::string::npos) != (i == 3))
            throw ddpm::UsageError(
                "--limits: expected xmin,xmax,ymin,ymax, 'last', 'all' or 'frame', got '" + text +
                "'");
        v[i] = cli::parse_number("--limits", text.substr(start, comma - start), -1e30, 1e30);
        start = comma + 1;
    }
    if (!(v[0] < v[1] && v[2] < v[3]))
        throw ddpm::UsageError("--limits: need xmin < xmax and ymin < ymax");
    return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2]),
            static_cast<float>(v[3])};
}

// The input: (frames, n, 2), or (n, 2) as one frame; every coordinate finite.
ddpm::Tensor load_sequence(const std::string& input) {
    ddpm::Tensor seq = ddpm::load_points(input);
    if (seq.ndim() == 2) seq = seq.reshaped({1, seq.dim(0), seq.dim(1)});
    if (seq.ndim() != 3 || seq.dim(2) != 2)
        throw ddpm::Error(input + ": expected points of shape (frames, n, 2) or (n, 2), got " +
                          seq.shape_str());
    if (seq.dim(0) == 0 || seq.dim(1) == 0) throw ddpm::Error(input + ": no frames or no points");
    if (!ddpm::all_finite(seq)) throw ddpm::Error(input + ": NaN or infinite coordinates");
    return seq;
}

// --png with --grid RxC: frames 0, every, 2 every, ... and the last, as panels of one figure.
void write_panels(const std::string& png, const std::string& grid, int every,
                  const ddpm::Tensor& seq, const std::string& title,
                  const ddpm::AnimationStyle& style, bool shared_limits) {
    const size_t x = grid.find('x');
    if (x == std::string::npos)
        throw ddpm::UsageError("--grid: expected RxC, e.g. 2x10, got '" + grid + "'");
    const int rows = static_cast<int>(cli::parse_integer("--grid", grid.substr(0, x), 1, 100));
    const int cols = static_cast<int>(cli::parse_integer("--grid", grid.substr(x + 1), 1, 100));
    const int frames = seq.dim(0);
    std::vector<ddpm::Tensor> sets;
    std::vector<std::string> names;
    for (int f : ddpm::grid_frames(frames, rows * cols, every)) {
        sets.push_back(seq.frame(f));
        names.push_back(fill_title(title, f, frames));
    }
    const ddpm::Limits* shared = shared_limits ? &style.limits : nullptr;
    ddpm::save_figure(ddpm::panel_figure(sets, names, rows, cols, style.points, shared), png);
    std::printf("wrote %s (%zu panels)\n", png.c_str(), sets.size());
}

int run(int argc, char** argv) {
    cli::Args args(argc, argv, 1, kRender);
    if (args.help(kRender)) return 0;  // --help: printed from the table
    const std::string gif = args.text("--gif"), frames_dir = args.text("--frames-dir");
    const std::string png = args.text("--png"), grid = args.text("--grid");
    const int every = static_cast<int>(args.integer("--every"));
    ddpm::AnimationStyle style;
    std::tie(style.width, style.height) = parse_size(args.text("--size"));
    style.delay_ms = static_cast<int>(args.integer("--delay"));
    style.hold_last_ms = static_cast<int>(args.integer("--hold-last"));
    style.loop = static_cast<int>(args.integer("--loop"));
    style.points.radius = static_cast<float>(args.number("--point-size"));
    style.points.fill = ddpm::parse_color(args.text("--color"));
    style.points.edge = ddpm::parse_color(args.text("--edge-color"));
    const std::string limits = args.text("--limits");
    const std::string title = args.text("--title");
    args.finish();
    if (args.positional().size() != 1)
        throw ddpm::UsageError("expected one input file (.npy or .csv); see --help");
    if (gif.empty() && frames_dir.empty() && png.empty())
        throw ddpm::UsageError("nothing to write: give --gif FILE, --frames-dir DIR or --png FILE");
    if (!png.empty() && grid.empty()) throw ddpm::UsageError("--png needs --grid RxC");
    if (!png.empty()) cli::check_figure_name("--png", png);
    if (!gif.empty() && !ddpm::has_extension(gif, ".gif"))
        throw ddpm::UsageError("--gif: expected a .gif file name");

    std::vector<ddpm::NamedPath> outputs;
    if (!gif.empty()) outputs.push_back({"--gif", gif});
    if (!png.empty()) outputs.push_back({"--png", png});
    if (!frames_dir.empty()) outputs.push_back({"--frames-dir", frames_dir + "/frame_0000.png"});
    ddpm::check_outputs(outputs, {{"input", args.positional()[0]}});
    const ddpm::Tensor seq = load_sequence(args.positional()[0]);
    const int frames = seq.dim(0);
    if (limits == "frame")
        style.limits_mode = ddpm::AnimationStyle::Limits::each_frame;
    else
        style.limits = limits == "all"    ? ddpm::limits_of(seq)
                       : limits == "last" ? ddpm::limits_of(seq.frame(frames - 1), 0.1f)
                                          : parse_limits(limits);
    if (!png.empty()) write_panels(png, grid, every, seq, title, style, limits != "frame");
    if (gif.empty() && frames_dir.empty()) return 0;
    auto points = [&](int i) { return seq.frame(i); };
    auto titles = [&](int i) { return fill_title(title, i, frames); };
    ddpm::AnimationResult r = ddpm::write_animation(frames, points, titles, style, gif, frames_dir);
    if (r.delay_raised)
        std::fprintf(stderr,
                     "ddpm-render: note: delays under 20 ms were raised to 20 ms "
                     "(browsers show shorter GIF delays as 100 ms)\n");
    std::printf("wrote %d frames%s%s%s%s\n", r.frames, gif.empty() ? "" : " to ", gif.c_str(),
                frames_dir.empty() ? "" : " and PNGs to ", frames_dir.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Started with standard output closed (>&-): its descriptor is held on /dev/null so no file
    // takes it, and the run reports the loss at the end.
    const bool stdout_closed = ddpm::reserve_standard_descriptors();
    return cli::run_reporting("ddpm-render", "use a smaller --size or input", stdout_closed,
                              [&] { return run(argc, argv); });
}
