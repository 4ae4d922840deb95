// Lesson 02: the forward process q(x_t | x_0).
//
// Adding noise step by step, x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps, is a sum of
// Gaussians, so x_t given x_0 is Gaussian too and any step is reached in one shot:
//   x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps          (DDPM Eq. 4)
// In the notebook: s_curve, _ = make_s_curve(10**4, noise=0.1); q_x(x_0, t).
// Here: ddpm::make_s_curve in lib/data/datasets.cpp and ddpm::q_x in lib/diffusion/forward.cpp.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "core/rng.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/schedule.h"
#include "render/plot.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    const int n = check.quick ? 3000 : 10000, num_steps = 100;
    ddpm::Rng rng(1234);

    // 1. The data: the S-curve, columns 0 and 2 of scikit-learn's 3-D curve, divided by 10.
    ddpm::Tensor dataset = ddpm::make_s_curve(n, /*noise=*/0.1f, rng);
    std::printf("shape of s_curve: %s   (the notebook prints (10000, 3), then keeps 2 columns)\n",
                dataset.shape_str().c_str());
    ddpm::Limits lim = ddpm::limits_of(dataset, 0.1f);
    std::printf("x in [%.3f, %.3f], y in [%.3f, %.3f]\n", lim.xmin, lim.xmax, lim.ymin, lim.ymax);

    ddpm::Canvas curve(420, 440);
    ddpm::scatter_panel(curve, {0, 0, 420, 440}, dataset, lim, {}, "S-curve, 10000 points",
                        ddpm::text_size::title);
    lesson::save_figure(curve, "s_curve", lesson::Svg::on_request);
    std::printf("wrote s_curve.png\n");

    // 2. The notebook's figure: q(x_t) for t = 0, 5, ..., 95, in a 2 x 10 grid, red points with a
    //    white edge. Like matplotlib in the notebook, each panel fits its own points, so the S
    //    stays readable while it blurs; the cloud's growth shows in the std table below.
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(num_steps);
    std::vector<ddpm::Tensor> panels;
    std::vector<std::string> titles;
    for (int i = 0; i < 20; ++i) {
        int t = i * num_steps / 20;
        panels.push_back(ddpm::q_x(dataset, t, sched, rng));
        // Titled in the lecture's numbering: code step t = 0 is already one noising step, x_1.
        titles.push_back("q(x_{" + std::to_string(t + 1) + "} | x_0)");
    }
    lesson::save_figure(ddpm::panel_figure(panels, titles, 2, 10, ddpm::ScatterStyle{1.5f}),
                        "forward", lesson::Svg::on_request);
    std::printf(
        "wrote forward.png (20 panels: code steps t = 0, 5, ..., 95, the lecture's x_1 ... "
        "x_96)\n\n");

    // 3. One shot or step by step: the same distribution. Walk the chain
    //    x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps from x_0 and compare, at a few steps,
    //    the per-coordinate mean and std with q_x's closed form:
    //    mean = sqrt(abar_t) mean(x_0),   std = sqrt(abar_t var(x_0) + 1 - abar_t).
    std::vector<double> m0 = ddpm::column_mean(dataset), s0 = ddpm::column_std(dataset);
    ddpm::Tensor chain = dataset;
    std::printf(
        "   t  coord   chain mean   one-shot mean   formula mean |  chain std   one-shot std   "
        "formula std\n");
    for (int t = 0; t < num_steps; ++t) {
        const float a = std::sqrt(1.0f - sched.betas[t]), b = std::sqrt(sched.betas[t]);
        for (size_t k = 0; k < chain.size(); ++k) chain[k] = a * chain[k] + b * rng.normal();
        if (t != 9 && t != 49 && t != 99) continue;
        ddpm::Tensor one_shot = ddpm::q_x(dataset, t, sched, rng);
        std::vector<double> cm = ddpm::column_mean(chain), cs = ddpm::column_std(chain);
        std::vector<double> om = ddpm::column_mean(one_shot), os = ddpm::column_std(one_shot);
        for (int d = 0; d < 2; ++d) {
            double abar = sched.alphas_prod[t];
            double fm = std::sqrt(abar) * m0[d];
            double fs = std::sqrt(abar * s0[d] * s0[d] + 1.0 - abar);
            std::printf("  %2d    %c    %10.4f   %13.4f   %12.4f | %10.4f   %12.4f   %11.4f\n", t,
                        "xy"[d], cm[d], om[d], fm, cs[d], os[d], fs);
            // Five standard errors: the mean of n draws wanders by std/sqrt(n), the std by
            // about std/sqrt(2n).
            double tol_m = 5 * fs / std::sqrt(n), tol_s = 5 * fs / std::sqrt(2.0 * n);
            std::string at = " at t = " + std::to_string(t) + ", " + "xy"[d];
            check.near("chain mean" + at, cm[d], fm, tol_m);
            check.near("one-shot mean" + at, om[d], fm, tol_m);
            check.near("chain std" + at, cs[d], fs, tol_s);
            check.near("one-shot std" + at, os[d], fs, tol_s);
        }
    }
    std::printf(
        "\nAt t = 99 the noise std is %.3f, not 1: x_T is not N(0, I) (the notebook's quirk "
        "1).\n\n",
        sched.one_minus_alphas_bar_sqrt[99]);
    return check.finish();
}
