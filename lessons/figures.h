// How the lessons save their figures: NAME.png, and beside it NAME.svg, with the same layout
// (lib/render/svg.h). Charts are written as SVG always (they are small); the scatter figures only
// when SVG=1 is set (SVG=1 make), since 20 panels of 10,000 points are megabytes of circles.
#pragma once
#include <cstdlib>
#include <string>

#include "render/canvas.h"
#include "render/png.h"
#include "render/svg.h"

namespace lesson {

enum class Svg { always, on_request };

inline void save_figure(const ddpm::Canvas& figure, const std::string& name, Svg svg) {
    ddpm::save_png(figure, name + ".png");
    const char* asked = std::getenv("SVG");
    if (svg == Svg::always || (asked && std::string(asked) == "1"))
        ddpm::save_svg(figure, name + ".svg");
}

}  // namespace lesson
