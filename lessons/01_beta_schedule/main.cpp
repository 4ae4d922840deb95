// Lesson 01: the beta schedule.
//
// The forward process adds a little Gaussian noise at each of T steps; beta_t is the variance of
// the noise added at step t. Everything else (how much of x_0 survives in x_t, how noisy x_t is)
// is derived from the betas. In the notebook:
//   betas = torch.sigmoid(torch.linspace(-6, 6, num_steps)) * (0.5e-2 - 1e-5) + 1e-5
//   alphas = 1 - betas;  alphas_prod = torch.cumprod(alphas, 0);  ...
// Here: ddpm::Schedule in lib/diffusion/schedule.cpp.
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "diffusion/schedule.h"
#include "render/plot.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    const int num_steps = 100;

    // 1. The notebook's schedule, every 10th step.
    ddpm::Schedule s = ddpm::Schedule::sigmoid(num_steps);
    std::printf("The notebook's sigmoid schedule, T = %d steps (t = 0 ... %d):\n\n", num_steps,
                num_steps - 1);
    std::printf("   t      betas   alphas_prod  alphas_bar_sqrt  one_minus_alphas_bar_sqrt\n");
    for (int t = 0; t < num_steps; t += (t + 10 < num_steps ? 10 : num_steps - 1 - t)) {
        std::printf("%4d  %9.3e  %12.6f  %15.6f  %25.6f\n", t, s.betas[t], s.alphas_prod[t],
                    s.alphas_bar_sqrt[t], s.one_minus_alphas_bar_sqrt[t]);
        if (t == num_steps - 1) break;
    }

    // 2. The facts the notebook prints. x_T = 0.882 x_0 + 0.471 eps: much of x_0 is left.
    double sum_betas = 0;
    for (float b : s.betas) sum_betas += b;
    std::printf(
        "\nFacts of the notebook's schedule (relative tolerance 1e-6 of the 6-digit value):\n");
    check.near("sum(betas)", sum_betas, 0.2505, 0.2505 * 1e-5);
    check.near("alphas_prod[99]", s.alphas_prod[99], 0.778003, 1e-6);
    check.near("alphas_bar_sqrt[99]", s.alphas_bar_sqrt[99], 0.882045, 1e-6);
    check.near("one_minus_alphas_bar_sqrt[99]", s.one_minus_alphas_bar_sqrt[99], 0.471165, 1e-6);
    check.that(s.alphas_prod_p[0] == 1.0f && s.alphas_prod_p[50] == s.alphas_prod[49],
               "alphas_prod_p is alphas_prod shifted by one step, starting at 1");

    // 3. How far is x_T from pure noise? q(x_T | x_0) = N(sqrt(abar_T) x_0, (1 - abar_T) I):
    //    only when abar_T is near 0 does x_T forget x_0 and become N(0, I), the sampler's start.
    std::printf(
        "\nHow much of x_0 survives at the last step, x_T = sqrt(abar_T) x_0 + sqrt(1-abar_T) "
        "eps:\n\n");
    std::printf("  schedule    T    abar_T     sqrt(abar_T)  sqrt(1-abar_T)\n");
    const char* names[] = {"sigmoid", "linear", "quadratic", "cosine"};
    std::vector<ddpm::Schedule> all;
    for (const char* name : names) {
        for (int T : {100, 1000}) {
            ddpm::Schedule k = ddpm::Schedule::by_name(name, T);
            std::printf("  %-9s %4d  %9.3e  %12.4f  %14.4f\n", name, T, k.alphas_prod[T - 1],
                        k.alphas_bar_sqrt[T - 1], k.one_minus_alphas_bar_sqrt[T - 1]);
            if (T == num_steps) all.push_back(k);
        }
    }
    std::printf(
        "\nThe notebook's schedule keeps %.0f%% of x_0 at t = 99: sampling from N(0, I)\n"
        "is a mismatch it gets away with only because its data is tiny (quirk 1).\n",
        100 * s.alphas_bar_sqrt[99]);
    check.that(all[3].alphas_prod[num_steps - 1] < 1e-4f, "cosine schedule ends at abar_T ~ 0");
    bool decreasing = true;
    for (const ddpm::Schedule& k : all)
        for (int t = 1; t < num_steps; ++t) decreasing &= k.alphas_prod[t] < k.alphas_prod[t - 1];
    check.that(decreasing, "abar_t decreases with t in every schedule");

    // 4. The picture: sqrt(abar_t) (signal kept) and sqrt(1 - abar_t) (noise) for each schedule.
    ddpm::LineChart signal{"the signal kept in x_t", "step t", "\\sqrt{\\bar\\alpha_t}", {}};
    ddpm::LineChart noise{"the noise's std in x_t", "step t", "\\sqrt{1 - \\bar\\alpha_t}", {}};
    const ddpm::Color palette[] = {ddpm::colors::red, ddpm::colors::blue, ddpm::colors::green,
                                   ddpm::colors::purple};
    for (size_t i = 0; i < all.size(); ++i) {
        std::vector<float> t(num_steps);
        for (int k = 0; k < num_steps; ++k) t[k] = static_cast<float>(k);
        signal.series.push_back({all[i].name, t, all[i].alphas_bar_sqrt, palette[i]});
        noise.series.push_back({all[i].name, t, all[i].one_minus_alphas_bar_sqrt, palette[i]});
    }
    ddpm::Canvas canvas(1000, 420);
    ddpm::draw_line_chart(canvas, {0, 0, 500, 420}, signal);
    ddpm::draw_line_chart(canvas, {500, 0, 500, 420}, noise);
    lesson::save_figure(canvas, "schedules", lesson::Svg::always);
    std::printf("\nwrote schedules.png and .svg (T = %d, four schedules)\n\n", num_steps);
    return check.finish();
}
