// Lesson 12's chart of the ELBO's terms over t, one per schedule. Kept apart from main.cpp, which is
// about the ODE and the likelihood.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "likelihood/elbo.h"
#include "render/plot.h"

namespace {

// The ELBO's terms over t, one chart per schedule, on a log axis so that each step's KL (blue),
// from about 1 nat down to 1e-3, shows beside the prior's L_T at t = T (orange). The decoder L_0
// is negative (a density above 1), so it has no place on a log axis: its value is in the legend.
ddpm::Canvas elbo_chart(const std::vector<std::string>& names,
                        const std::vector<ddpm::ElboTerms>& terms) {
    ddpm::Canvas fig(1080, 380);
    for (size_t k = 0; k < names.size(); ++k) {
        const ddpm::ElboTerms& e = terms[k];
        char decoder[80];
        std::snprintf(decoder, sizeof decoder, "L_{t-1}, KL of step t (L_0 = %.2f)", e.decoder);
        ddpm::Series steps{decoder, {}, {}, ddpm::colors::blue, 0.8f};
        ddpm::Series prior{"L_T, the prior (t = 100)", {}, {}, ddpm::colors::orange, 0.8f};
        for (size_t t = 1; t < e.steps.size(); ++t) {
            steps.x.push_back(static_cast<float>(t));
            steps.y.push_back(static_cast<float>(e.steps[t]));
        }
        prior.x = {static_cast<float>(e.steps.size())};
        prior.y = {static_cast<float>(e.prior)};
        ddpm::LineChart chart;
        char title[80];
        std::snprintf(title, sizeof title, "%s schedule: ELBO %.2f nats", names[k].c_str(),
                      e.total());
        chart.title = title;
        chart.xlabel = "step t";
        chart.ylabel = "nats per point";
        chart.log_y = true;
        chart.legend = ddpm::Corner::top_right;
        chart.series = {steps, prior};
        ddpm::draw_line_chart(fig, {static_cast<int>(k) * 360, 0, 360, 380}, chart);
    }
    return fig;
}

}  // namespace
