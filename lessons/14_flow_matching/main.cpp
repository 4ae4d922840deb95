// Lesson 14: what the network predicts, and flow matching.
//
// The same network and data, four targets (lib/diffusion/objective.h, lib/diffusion/flow.h):
//   eps   the noise, the notebook's                   x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps
//   x0    the clean point                             (same x_t)
//   v     sqrt(abar) eps - sqrt(1 - abar) x_0          (same x_t)
//   flow  the velocity eps - x_0 of the straight path x_tau = (1 - tau) x_0 + tau eps, tau in [0, 1]
// The first three share DDPM's samplers: the output and x_t give eps, and the step is Eq. 11.
// Flow matching is an ODE, dx/dtau = v_theta(x, tau), solved from tau = 1 to 0 by Euler's or
// Heun's method. Its time is continuous: the network reads it between its step table's rows.
//
// Section 2 writes flow matching's step out (Euler's and Heun's, on the velocity the network
// predicts) and checks it against lib's flow_sample_loop bit for bit. The comparison that matters
// is at equal network evaluations (NFE): DDPM's ancestral sampler and DDIM on the eps model, Euler
// and Heun on the flow model, at NFE 5 to 100.
//
// The notebook's budget (4000 epochs of 10,000 points, about 8 minutes for the four models):
//   EPOCHS=4000 make
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/flow.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "nfe_figure.h"  // Score, SamplerRow and the chart over NFE

namespace {

const int kTrainPoints = 10000;  // the notebook's
const std::vector<int> kBudgets = {5, 10, 20, 50, 100};

// The sections main() runs, in its order; each is defined below main().
ddpm::Trainer train_model(ddpm::Objective objective, int epochs);           // 1
void flow_steps_by_hand(ddpm::MLPDiffusion model, const ddpm::Tensor& x_1,  // 2
                        lesson::Checks& check);
std::vector<Score> by_objective(const std::vector<ddpm::Trainer*>& runs,  // 3
                                const ddpm::Tensor& x_T, const ddpm::Tensor& real_a,
                                const ddpm::Tensor& real_b, std::vector<ddpm::Tensor>* samples);
void by_size(const std::vector<ddpm::Tensor>& samples, const ddpm::Tensor& real_a,  // 3
             const ddpm::Tensor& real_b);
std::vector<SamplerRow> by_nfe(const ddpm::Trainer& eps_run, const ddpm::Trainer& flow_run,  // 4
                               const ddpm::Tensor& x_T, const ddpm::Tensor& real_a,
                               const ddpm::Tensor& real_b);
Score score(const ddpm::Tensor& samples, const ddpm::Tensor& real_a, const ddpm::Tensor& real_b);

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();
    const int epochs = check.epochs(60, 200);
    const int n_eval = check.quick ? 600 : 10000;

    // 1. The same network trained for each of the four objectives.
    std::vector<ddpm::Trainer> runs;
    for (ddpm::Objective o :
         {ddpm::Objective::eps, ddpm::Objective::x0, ddpm::Objective::v, ddpm::Objective::flow})
        runs.push_back(train_model(o, epochs));
    const ddpm::Tensor real_a = ddpm::make_dataset("s_curve", n_eval, 99),
                       real_b = ddpm::make_dataset("s_curve", n_eval, 100);
    ddpm::Rng prior(7);
    const ddpm::Tensor x_T = ddpm::randn(n_eval, 2, prior);  // every sampler starts from these

    // 2. Flow matching's steps, by hand, against lib.
    flow_steps_by_hand(ddpm::ema_model(runs[3]), x_T, check);

    // 3. The four objectives, each with its own sampler.
    std::vector<ddpm::Tensor> samples;
    const std::vector<Score> objectives =
        by_objective({&runs[0], &runs[1], &runs[2], &runs[3]}, x_T, real_a, real_b, &samples);
    if (!check.quick) by_size(samples, real_a, real_b);

    // 4. The samplers at equal NFE, and their figure (nfe_figure.h).
    const std::vector<SamplerRow> rows = by_nfe(runs[0], runs[3], x_T, real_a, real_b);
    lesson::save_figure(nfe_chart(rows), "nfe", lesson::Svg::always);
    std::printf("wrote nfe.png\n\n");

    const SamplerRow &ddim = rows[1], &euler_even = rows[2], &euler = rows[3], &heun = rows[4];
    // The noise the samplers start from, scored the same way: what "not learned at all" measures.
    const double noise = score(x_T, real_a, real_b).swd_ratio;
    bool all_sample = true;
    for (const Score& o : objectives) all_sample = all_sample && o.swd_ratio < 0.1 * noise;
    char text[200];
    std::snprintf(text, sizeof text,
                  "every objective samples the S-curve (SWD / floor under a tenth of the starting "
                  "noise's, %.0f): x0 and v through DDPM's sampler after turning them into eps",
                  noise);
    check.that(all_sample, text);
    check.that(heun.scores[2].swd_ratio < ddim.scores[2].swd_ratio,
               "at 20 evaluations, flow matching by Heun beats DDIM");
    check.that(euler.scores[1].swd_ratio < euler_even.scores[1].swd_ratio,
               "at 10 evaluations, the tau^2 grid beats the even one");
    check.that(heun.scores[4].swd_ratio < heun.scores[0].swd_ratio &&
                   euler.scores[4].swd_ratio < euler.scores[0].swd_ratio,
               "more evaluations, closer to the data (the ODE's discretisation error shrinks)");
    return check.finish();
}

namespace {

// ---- 1. Training ----------------------------------------------------------------------------

ddpm::Trainer train_model(ddpm::Objective objective, int epochs) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    cfg.objective = objective;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), 1234);
    std::printf("training the notebook's network for %s, %d epochs...\n",
                ddpm::objective_name(objective), epochs);
    ddpm::Progress progress;
    tr.train(ddpm::make_dataset("s_curve", kTrainPoints, 1234), [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;
    });
    progress.finish();
    return tr;
}

// ---- 2. Flow matching's steps, by hand -------------------------------------------------------

// d x / d tau = v_theta(x, tau) from tau = 1 (noise) down to 0 on the grid tau_i = (1 - i/S)^2,
// h = tau_{i+1} - tau_i < 0, by Euler's and by Heun's method, with the network asked for its
// velocity at x and tau directly: its time input is the position s = tau (T - 1) between its
// step table's rows. Each checked against lib's flow_sample_loop, bit for bit.
void flow_steps_by_hand(ddpm::MLPDiffusion model, const ddpm::Tensor& x_1, lesson::Checks& check) {
    const int n = 256, S = 5, T = model.config().num_steps;
    const ddpm::Tensor start = x_1.slice(0, n);
    const std::vector<float> tau = ddpm::flow_times(S, 2.0f);  // tau_i = (1 - i/S)^2
    // v_theta(x, tau) at n points
    auto velocity = [&](float* v, const float* x, float at) {
        const std::vector<float> s(n, ddpm::flow_position(at, T));  // s = tau (T - 1)
        ddpm::Conditioning time;
        time.s = s.data();
        model.forward(v, x, time, n);
    };
    std::vector<float> x(start.data(), start.data() + 2 * n), v(2 * n), guess(2 * n), v2(2 * n);
    std::vector<float> y = x;  // Heun's run
    for (int i = 0; i < S; ++i) {
        const float h = tau[i + 1] - tau[i];
        velocity(v.data(), x.data(), tau[i]);
        for (int j = 0; j < 2 * n; ++j) x[j] += h * v[j];  // Euler: x += h v(x, tau_i)
        velocity(v.data(), y.data(), tau[i]);
        for (int j = 0; j < 2 * n; ++j) guess[j] = y[j] + h * v[j];  // Euler's guess x~
        velocity(v2.data(), guess.data(), tau[i + 1]);
        for (int j = 0; j < 2 * n; ++j)
            y[j] += h * 0.5f * (v[j] + v2[j]);  // Heun: x += h (v(x) + v(x~)) / 2
    }
    const ddpm::Denoiser flow{&model, ddpm::Objective::flow};
    const ddpm::Tensor euler = ddpm::flow_sample_loop(flow, start, S, ddpm::FlowSolver::euler);
    const ddpm::Tensor heun = ddpm::flow_sample_loop(flow, start, S, ddpm::FlowSolver::heun);
    check.that(std::memcmp(x.data(), euler.frame(S).data(), x.size() * sizeof(float)) == 0,
               "5 Euler steps by hand = lib's flow_sample_loop, bit for bit");
    check.that(std::memcmp(y.data(), heun.frame(S).data(), y.size() * sizeof(float)) == 0,
               "5 Heun steps by hand = lib's flow_sample_loop, bit for bit");
}

// ---- 3. The objectives, each with its own sampler -------------------------------------------

Score score(const ddpm::Tensor& samples, const ddpm::Tensor& real_a, const ddpm::Tensor& real_b) {
    const int n = std::min(samples.dim(0), real_a.dim(0));
    const ddpm::Tensor s = samples.slice(0, n), a = real_a.slice(0, n), b = real_b.slice(0, n);
    const ddpm::PrecisionRecall pr = ddpm::knn_precision_recall(s, a);
    return {ddpm::sliced_wasserstein(s, a) / ddpm::sliced_wasserstein(b, a), pr.precision,
            pr.recall};
}

ddpm::Tensor last(const ddpm::Tensor& seq) {
    return seq.frame(seq.dim(0) - 1);
}

// Each objective with its own best sampler at 100 NFE: Algorithm 2 (lesson 07) for the DDPM
// objectives, Heun (50 steps) for flow; the EMA weights.
std::vector<Score> by_objective(const std::vector<ddpm::Trainer*>& runs, const ddpm::Tensor& x_T,
                                const ddpm::Tensor& real_a, const ddpm::Tensor& real_b,
                                std::vector<ddpm::Tensor>* samples) {
    const ddpm::SamplerOptions alg2 = ddpm::SamplerOptions::algorithm2();
    std::printf(
        "\nwhat the network predicts, at equal training (EMA weights, 100 network evaluations)\n"
        "objective  sampler            last loss   SWD / floor   precision   recall\n");
    std::vector<Score> out;
    for (ddpm::Trainer* tr : runs) {
        const ddpm::MLPDiffusion model = ddpm::ema_model(*tr);
        const ddpm::Denoiser d{&model, tr->cfg.objective};
        ddpm::Rng rng(11);
        const bool flow = tr->cfg.objective == ddpm::Objective::flow;
        const ddpm::Tensor s =
            flow ? last(ddpm::flow_sample_loop(d, x_T, 50, ddpm::FlowSolver::heun))
                 : last(ddpm::p_sample_loop(d, x_T, tr->sched, rng, alg2));
        out.push_back(score(s, real_a, real_b));
        samples->push_back(s);
        std::printf("%-9s  %-17s  %9.4f   %11.2f   %9.3f   %6.3f\n",
                    ddpm::objective_name(tr->cfg.objective),
                    flow ? "Heun, 50 steps" : "Algorithm 2", tr->epoch_loss.back(),
                    out.back().swd_ratio, out.back().precision, out.back().recall);
    }
    return out;
}

// How the ratio to the floor depends on the number of points n: the floor, a distance between
// two true samples, shrinks like 1 / sqrt(n), while a model's own distance to the data does not;
// at small n the floor's noise hides the differences between models.
void by_size(const std::vector<ddpm::Tensor>& samples, const ddpm::Tensor& real_a,
             const ddpm::Tensor& real_b) {
    std::printf(
        "\nSWD / floor by the number of points n (the table above's samples, cut to n)\n"
        "objective   n = 1000   n = 3000   n = %d\n",
        real_a.dim(0));
    const char* names[] = {"eps", "x0", "v", "flow"};
    for (size_t k = 0; k < samples.size(); ++k) {
        std::printf("%-9s", names[k]);
        for (int n : {1000, 3000, real_a.dim(0)})
            std::printf("   %8.2f", score(samples[k].slice(0, n), real_a, real_b).swd_ratio);
        std::printf("\n");
    }
}

// ---- 4. The samplers at equal network evaluations --------------------------------------------

std::vector<SamplerRow> by_nfe(const ddpm::Trainer& eps_run, const ddpm::Trainer& flow_run,
                               const ddpm::Tensor& x_T, const ddpm::Tensor& real_a,
                               const ddpm::Tensor& real_b) {
    const ddpm::MLPDiffusion eps_model = ddpm::ema_model(eps_run),
                             flow_model = ddpm::ema_model(flow_run);
    const ddpm::Denoiser eps{&eps_model}, flow{&flow_model, ddpm::Objective::flow};
    ddpm::Rng rng(12);
    // Each sampler as a function of the budget: its samples, and the NFE it spent (Heun's 2 a step
    // round an odd budget down).
    using Draw = std::function<ddpm::Tensor(int nfe, int* spent)>;
    const std::vector<std::pair<std::string, Draw>> samplers = {
        {"DDPM (eta 1), eps",
         [&](int nfe, int* spent) {
             *spent = nfe;
             return last(ddpm::ddim_sample_loop(eps, x_T, eps_run.sched, rng, nfe, 1.0f));
         }},
        {"DDIM (eta 0), eps",
         [&](int nfe, int* spent) {
             *spent = nfe;
             return last(ddpm::ddim_sample_loop(eps, x_T, eps_run.sched, rng, nfe, 0.0f));
         }},
        {"Euler, even grid, flow",
         [&](int nfe, int* spent) {
             *spent = nfe;
             return last(ddpm::flow_sample_loop(flow, x_T, nfe, ddpm::FlowSolver::euler, 1.0f));
         }},
        {"Euler, tau^2 grid, flow",
         [&](int nfe, int* spent) {
             *spent = nfe;
             return last(ddpm::flow_sample_loop(flow, x_T, nfe, ddpm::FlowSolver::euler));
         }},
        {"Heun, tau^2 grid, flow",
         [&](int nfe, int* spent) {
             *spent = ddpm::flow_evaluations(flow, nfe / 2, ddpm::FlowSolver::heun);
             return last(ddpm::flow_sample_loop(flow, x_T, nfe / 2, ddpm::FlowSolver::heun));
         }},
    };
    std::printf("\nat equal network evaluations (NFE), EMA weights: SWD / floor (precision)\n%-24s",
                "sampler");
    for (int b : kBudgets) std::printf("   NFE %-3d      ", b);
    std::printf("\n");
    std::vector<SamplerRow> rows;
    for (const auto& [name, draw] : samplers) {
        SamplerRow row{name, {}, {}};
        std::printf("%-24s", name.c_str());
        for (int b : kBudgets) {
            int spent = 0;
            const ddpm::Tensor s = draw(b, &spent);
            row.nfe.push_back(spent);
            row.scores.push_back(score(s, real_a, real_b));
            std::printf("  %6.2f (%.3f)%s", row.scores.back().swd_ratio,
                        row.scores.back().precision, spent != b ? "*" : " ");
        }
        std::printf("\n");
        rows.push_back(row);
    }
    std::printf("* Heun spends 2 evaluations a step: NFE 5 runs 2 steps (4 evaluations)\n");
    return rows;
}

}  // namespace
