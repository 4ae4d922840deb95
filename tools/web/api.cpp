// The browser page's C API: lib's own training, sampling and metrics, called from JavaScript
// (tools/web/worker.js) after `make web` compiles this file and lib to WebAssembly.
//
// One session at a time, the notebook's model and settings, as `ddpm train` runs them: the same
// seed gives the same data, the same training and the same samples as the native tools (within
// the tolerance docs/web.md states). JavaScript reads results straight from wasm memory through
// the returned pointers, which stay valid until the next call that fills the same buffer.
// Every call returns a negative value or null on failure; ddpm_web_error() then says why.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/denoiser.h"
#include "diffusion/flow.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "diffusion/train.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define WEB_API extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define WEB_API extern "C"
#endif

namespace {

struct Session {
    ddpm::Trainer trainer;
    ddpm::Tensor data;         // the training points, in the model's units
    ddpm::Normalization norm;  // model units -> the data's units (identity for a named data set)
    ddpm::Tensor points;       // the same points in the data's units, as the page draws them
    std::string dataset;       // a name, or "drawn"
    std::vector<int> labels;   // a conditional model's class of each training point
};

const float* const kNoFloats = nullptr;
std::unique_ptr<Session> g_session;
std::string g_error;
ddpm::Tensor g_trajectory;  // the last reverse process, (frames, n, 2), in the data's units
ddpm::Tensor g_forward;     // q(x_t | x_0) for t = 0 ... T, (T + 1, n, 2), in the data's units
ddpm::Tensor g_preview;     // a data set's points before any run, to show at load
ddpm::Tensor g_field;       // the learned field on a grid, (g * g, 4): x, y, then its arrow
std::vector<int> g_steps;   // the step t each trajectory frame shows
double g_quality[8];        // model SWD, MMD, precision, recall; then the floor's
int g_label = -1;           // the class the samples, the scores and the field ask for (-1: none)
float g_guidance = 1.0f;    // and classifier-free guidance's weight w

// The network as the page asks it: the session's objective, with the chosen class and guidance.
ddpm::Denoiser denoiser(const Session& s, const ddpm::MLPDiffusion& model) {
    return ddpm::Denoiser{&model, s.trainer.cfg.objective, g_label, g_guidance};
}
bool is_flow(const Session& s) {
    return s.trainer.cfg.objective == ddpm::Objective::flow;
}

// Runs f, turning an exception into the error text and `failed`.
template <typename R, typename F>
R guarded(F f, R failed) {
    try {
        g_error.clear();
        return f();
    } catch (const std::exception& e) {
        g_error = e.what();
    }
    return failed;
}

Session& session() {
    if (!g_session) throw ddpm::UsageError("no training run yet: call ddpm_web_start first");
    return *g_session;
}

// The learner's drawn points (n, 2), normalised as `ddpm train --data` normalises a file.
ddpm::Tensor drawn_points(const float* xy, int n, ddpm::Normalization* norm) {
    if (!xy || n < 1) throw ddpm::UsageError("no drawn points: draw some first");
    ddpm::Tensor points({n, 2}, std::vector<float>(xy, xy + 2 * n));
    *norm = ddpm::normalize_points(points, "the drawn points", 20);
    return points;
}

// The page sprays points: each move of the pointer adds a few, uniform in a disc of this radius
// around it (tools/web/app.js, in the drawing square's units, where the square is [-1, 1]^2).
constexpr float kSprayRadius = 0.03f;

// n fresh points of what the learner drew: a drawn point picked at random, moved uniformly within
// the spray's disc, as the page's spray makes them. The drawn set is scored against two such sets,
// so a drawing of 400 points is scored on 1,000 points, not on two halves of 200.
ddpm::Tensor spray_sample(const ddpm::Tensor& drawn, int n, uint64_t seed) {
    ddpm::Rng rng(seed, /*stream=*/0x5b);
    ddpm::Tensor out({n, 2});
    for (int i = 0; i < n; ++i) {
        const int k = rng.randint(drawn.dim(0));
        const double angle = 2 * M_PI * rng.uniform(0.0f, 1.0f);
        const double radius = kSprayRadius * std::sqrt(rng.uniform(0.0f, 1.0f));
        out.at(i, 0) = drawn.at(k, 0) + static_cast<float>(radius * std::cos(angle));
        out.at(i, 1) = drawn.at(k, 1) + static_cast<float>(radius * std::sin(angle));
    }
    return out;
}

// A model's trajectory back in the data's units, with the step each frame shows.
void keep_trajectory(ddpm::Tensor seq, std::vector<int> steps, const ddpm::Normalization& norm) {
    ddpm::denormalize_points(seq, norm);
    g_trajectory = std::move(seq);
    g_steps = std::move(steps);
}

}  // namespace

// n points of the named data set with this seed, the points a run with the same settings trains
// on, to show before it starts. Returns (n, 2) floats.
WEB_API const float* ddpm_web_preview(const char* dataset, int n, int seed) {
    return guarded(
        [&] {
            g_preview = ddpm::make_dataset(dataset, n, seed);
            return g_preview.data();
        },
        kNoFloats);
}

// A new run: `dataset` a name of make_dataset's (n points of it) or "drawn" (the n points at xy,
// in any units); the notebook's model and Adam; `epochs` the total; the schedule by name;
// `objective` "eps" (the notebook's) or "flow" (flow matching, lesson 14); `classes` 0, or the
// classes of make_labelled_dataset's labels for a conditional model (lesson 13: label dropout
// 0.1, so one model also samples with no class and with guidance). Returns the parameters.
WEB_API int ddpm_web_start(const char* dataset, int n, int epochs, const char* schedule, int seed,
                           const float* xy, const char* objective, int classes) {
    return guarded(
        [&] {
            const std::string name = dataset;
            ddpm::TrainConfig cfg;
            cfg.epochs = epochs;
            cfg.objective = ddpm::parse_objective(objective);
            if (cfg.objective != ddpm::Objective::eps && cfg.objective != ddpm::Objective::flow)
                throw ddpm::UsageError(std::string("objective ") + objective +
                                       ": the page trains eps or flow");
            ddpm::validate(cfg);
            ddpm::ModelConfig model;  // the notebook's: 72,066 parameters (and the class tables)
            model.num_classes = classes;
            if (classes > 0 && name == "drawn")
                throw ddpm::UsageError("drawn points have no classes: pick a named data set");
            const ddpm::Schedule sched = ddpm::Schedule::by_name(schedule, model.num_steps);
            ddpm::Normalization norm;
            ddpm::Tensor data;
            std::vector<int> labels;
            if (name == "drawn") {
                data = drawn_points(xy, n, &norm);
            } else if (classes > 0) {
                ddpm::LabelledData d = ddpm::make_labelled_dataset(name, n, classes, seed);
                data = std::move(d.points);
                labels = std::move(d.labels);
            } else {
                data = ddpm::make_dataset(name, n, seed);
            }
            ddpm::Tensor points = data;
            ddpm::denormalize_points(points, norm);
            g_session.reset(new Session{ddpm::Trainer(model, cfg, sched, seed), std::move(data),
                                        norm, std::move(points), name, std::move(labels)});
            g_trajectory = ddpm::Tensor();
            g_label = -1;
            g_guidance = 1.0f;
            return static_cast<int>(g_session->trainer.model.num_params());
        },
        -1);
}

// The class the samples, the scores and the field ask for (-1: none, the unconditional model)
// and the guidance weight w: eps_uncond + w (eps_cond - eps_uncond). Returns 0.
WEB_API int ddpm_web_condition(int label, float guidance) {
    return guarded(
        [&] {
            const Session& s = session();
            const int classes = s.trainer.model_cfg.num_classes;
            if (label < -1 || label >= classes)
                throw ddpm::UsageError("class " + std::to_string(label) + ": this model has " +
                                       std::to_string(classes) + " classes (-1: none)");
            if (!(guidance >= 0 && guidance <= 100))
                throw ddpm::UsageError("guidance must be in [0, 100]");
            g_label = label;
            g_guidance = guidance;
            return 0;
        },
        -1);
}

// Trains `epochs` more epochs (fewer if the run ends first); returns the epochs done in all.
WEB_API int ddpm_web_train(int epochs) {
    return guarded(
        [&] {
            Session& s = session();
            s.trainer.train(s.data, s.labels,
                            [&](const ddpm::EpochReport& r) { return r.run_epochs < epochs; });
            return s.trainer.epoch;
        },
        -1);
}

// The mean loss of each epoch done (ddpm_web_train's count of them), and the optimiser's steps.
WEB_API const float* ddpm_web_losses() {
    return guarded([] { return session().trainer.epoch_loss.data(); }, kNoFloats);
}
WEB_API double ddpm_web_steps() {
    return guarded([] { return static_cast<double>(session().trainer.adam.t); }, -1.0);
}

// The schedule's number of steps T.
WEB_API int ddpm_web_num_steps() {
    return guarded([] { return session().trainer.sched.num_steps; }, -1);
}

// The training points (ddpm_web_points_n of them), in the data's units.
WEB_API int ddpm_web_points_n() {
    return guarded([] { return session().data.dim(0); }, -1);
}
WEB_API const float* ddpm_web_points() {
    return guarded([] { return session().points.data(); }, kNoFloats);
}

// The forward process at step t = 1 ... T: DDPM's q(x_t | x_0) (q_x's index t - 1), or flow
// matching's path x_tau = (1 - tau) x_0 + tau eps at tau = t / T.
static ddpm::Tensor forward_at(const Session& s, const ddpm::Tensor& x_0, int t, ddpm::Rng& rng) {
    const ddpm::Schedule& sched = s.trainer.sched;
    if (!is_flow(s)) return ddpm::q_x(x_0, t - 1, sched, rng);
    const int n = x_0.dim(0);
    const ddpm::Tensor eps = ddpm::randn(n, 2, rng);
    const std::vector<float> tau(n, static_cast<float>(t) / sched.num_steps);
    ddpm::Tensor x_tau({n, 2}), u({n, 2});
    ddpm::flow_path(x_tau.data(), u.data(), x_0.data(), eps.data(), tau.data(), n, 2);
    return x_tau;
}

// The forward process of n training points at every step: frame t is q(x_t | x_0) (frame 0 is
// x_0 itself), drawn with lib's q_x (flow_path for a flow-matching model: forward_at). The n points are a random sample of the training points,
// which come in order (two moons one after the other, a drawing stroke by stroke): the first n
// would show one moon, or the first strokes. Returns a pointer to (T + 1, n, 2) floats.
WEB_API const float* ddpm_web_forward(int n, int seed) {
    return guarded(
        [&] {
            Session& s = session();
            const ddpm::Schedule& sched = s.trainer.sched;
            n = std::min(n, s.data.dim(0));
            ddpm::Rng rng(static_cast<uint64_t>(seed), /*stream=*/0xf0);
            std::vector<int> order(s.data.dim(0));
            for (int i = 0; i < s.data.dim(0); ++i) order[i] = i;
            rng.shuffle(order);
            ddpm::Tensor x_0({n, 2});
            for (int i = 0; i < n; ++i)
                for (int d = 0; d < 2; ++d) x_0.at(i, d) = s.data.at(order[i], d);
            g_forward = ddpm::Tensor({sched.num_steps + 1, n, 2});
            for (int t = 0; t <= sched.num_steps; ++t) {
                // DDPM's q(x_t | x_0), or flow matching's straight path at tau = t / T.
                ddpm::Tensor x_t = t == 0 ? x_0 : forward_at(s, x_0, t, rng);
                ddpm::denormalize_points(x_t, s.norm);
                std::copy(x_t.data(), x_t.data() + x_t.size(),
                          g_forward.data() + static_cast<size_t>(t) * n * 2);
            }
            return g_forward.data();
        },
        kNoFloats);
}

// The reverse process from n points of N(0, I), as `ddpm sample --seed SEED` draws it, by a
// sampler of lib's vocabulary (lib/diffusion/sampler.h): the page offers "notebook" (sigma^2 =
// beta, noise at the last step, the notebook's p_sample_loop), "algorithm2" (DDPM's Algorithm 2:
// sigma^2 = beta~, no noise at t = 0) and "ddim" (eta = 0, `ddim_steps` steps); a flow-matching
// model by Heun's method on T / 2 steps whatever `sampler` says (as `ddpm sample` does), each frame
// at the step t nearest its tau T. From the raw weights or (ema != 0) the EMA's, with
// ddpm_web_condition's class and guidance. Returns the frames.
WEB_API int ddpm_web_sample(const char* sampler, int ema, int n, int seed, int ddim_steps) {
    return guarded(
        [&] {
            const Session& s = session();
            ddpm::Sampler how = ddpm::parse_sampler(is_flow(s) ? "heun" : sampler);
            if (how.kind == ddpm::Sampler::Kind::ddim) how.steps = ddim_steps;
            const ddpm::MLPDiffusion model = ema ? ddpm::ema_model(s.trainer) : s.trainer.model;
            const ddpm::Denoiser d = denoiser(s, model);
            const ddpm::Schedule& sched = s.trainer.sched;
            const int T = sched.num_steps;
            ddpm::Rng rng(static_cast<uint64_t>(seed));
            const ddpm::Tensor x_T = ddpm::randn(n, model.config().dim, rng);
            // The step t each frame shows, x_T's first.
            std::vector<int> steps;
            if (how.kind == ddpm::Sampler::Kind::heun) {
                const int S = ddpm::sampler_steps(how, T);
                for (float tau : ddpm::flow_times(S, ddpm::kFlowGridPower))
                    steps.push_back(static_cast<int>(std::lround(tau * T)));
            } else if (how.kind == ddpm::Sampler::Kind::ddim) {
                steps = ddpm::ddim_steps(T, ddim_steps);
                steps.push_back(T);
                std::reverse(steps.begin(), steps.end());
            } else if (how.kind == ddpm::Sampler::Kind::ddpm) {
                for (int t = T; t >= 0; --t) steps.push_back(t);
            } else {
                throw ddpm::UsageError(std::string("sampler ") + sampler +
                                       ": use notebook, algorithm2 or ddim");
            }
            keep_trajectory(ddpm::sample(d, x_T, sched, rng, how), steps, s.norm);
            return g_trajectory.dim(0);
        },
        -1);
}

// The last trajectory (frames, n, 2), and the step each frame shows (frame 0: x_T, step T).
WEB_API const float* ddpm_web_trajectory() {
    return g_trajectory.data();
}
WEB_API const int* ddpm_web_trajectory_steps() {
    return g_steps.data();
}

// n fresh points of class g_label of the session's labelled data set (from a set K + 1 times as
// large, so that even the smallest class has n).
static ddpm::Tensor class_sample(const Session& s, int n, int seed) {
    const int classes = s.trainer.model_cfg.num_classes;
    const ddpm::LabelledData d = ddpm::make_labelled_dataset(s.dataset, n * (classes + 1), classes,
                                                             static_cast<uint64_t>(seed));
    const ddpm::Tensor all = ddpm::class_points(d, g_label);
    if (all.dim(0) < n) throw ddpm::Error("too few points of class " + std::to_string(g_label));
    return all.slice(0, n);
}

// The last samples against fresh points of the data set, as `ddpm eval` scores them (a drawing:
// against spray_sample's fresh points of it; a class: against fresh points of that class). Fills
// 8 numbers: the model's sliced Wasserstein, MMD^2, precision and recall, then the noise floor's.
// Returns the points compared, n at most.
WEB_API int ddpm_web_evaluate(int n, int seed) {
    return guarded(
        [&] {
            const Session& s = session();
            if (g_trajectory.size() == 0)
                throw ddpm::UsageError("no samples yet: call ddpm_web_sample first");
            const ddpm::Tensor samples = g_trajectory.frame(g_trajectory.dim(0) - 1);
            ddpm::Tensor real_a, real_b;
            if (s.dataset == "drawn") {
                real_a = spray_sample(s.points, n, static_cast<uint64_t>(seed));
                real_b = spray_sample(s.points, n, static_cast<uint64_t>(seed) + 1);
            } else if (g_label >= 0) {  // the class asked for: fresh points of that class
                real_a = class_sample(s, n, seed);
                real_b = class_sample(s, n, seed + 1);
            } else {
                real_a = ddpm::make_dataset(s.dataset, n, seed);
                real_b = ddpm::make_dataset(s.dataset, n, seed + 1);
            }
            const ddpm::QualityReport r = ddpm::evaluate_quality(samples, real_a, real_b, n);
            const ddpm::Quality* q[2] = {&r.model, &r.floor};
            for (int i = 0; i < 2; ++i) {
                const double v[4] = {q[i]->swd, q[i]->mmd, q[i]->precision, q[i]->recall};
                for (int j = 0; j < 4; ++j) {
                    if (!std::isfinite(v[j])) throw ddpm::Error("a quality number is not finite");
                    g_quality[4 * i + j] = v[j];
                }
            }
            return r.n;
        },
        -1);
}
WEB_API const double* ddpm_web_quality() {
    return g_quality;
}

// The learned field at step t (0 ... T - 1, the schedule's index as q_x takes it) on a g x g grid
// over the square with centre (cx, cy) and half-width r, in the data's units: at each grid point
// x, the step -sqrt(1 - alpha_bar_t) eps_theta(x, t), the noise the model would take away from x
// in one jump to its estimate of x_0 (times sqrt(alpha_bar_t)); for a flow-matching model
// -tau v_theta(x, tau) at tau = (t + 1) / T, the way to its estimate x - tau v of x_0. In the
// data's units, from the raw weights or (ema != 0) the EMA's, with ddpm_web_condition's class
// and guidance. Returns (g * g, 4) floats: x, y, dx, dy.
WEB_API const float* ddpm_web_field(int t, float cx, float cy, float r, int g, int ema) {
    return guarded(
        [&] {
            const Session& s = session();
            const ddpm::Schedule& sched = s.trainer.sched;
            if (t < 0 || t >= sched.num_steps)
                throw ddpm::UsageError("field: t must be in [0, " +
                                       std::to_string(sched.num_steps - 1) + "]");
            if (g < 2 || g > 64) throw ddpm::UsageError("field: the grid must be 2 to 64 wide");
            if (!(r > 0) || !std::isfinite(cx) || !std::isfinite(cy) || !std::isfinite(r))
                throw ddpm::UsageError("field: the square must be finite, of positive size");
            const ddpm::MLPDiffusion model = ema ? ddpm::ema_model(s.trainer) : s.trainer.model;
            // The grid in the data's units, then in the model's.
            ddpm::Tensor x({g * g, 2});
            for (int i = 0; i < g; ++i)
                for (int j = 0; j < g; ++j) {
                    x.at(i * g + j, 0) = cx - r + (2 * r) * (j + 0.5f) / g;
                    x.at(i * g + j, 1) = cy - r + (2 * r) * (i + 0.5f) / g;
                }
            ddpm::Tensor x_model = x;
            ddpm::apply_normalization(x_model, s.norm);
            // The noise to take away: sqrt(1 - alpha_bar_t) eps, or for flow matching tau v
            // (x_0's estimate is x - tau v on the straight path), at tau = (t + 1) / T.
            ddpm::Tensor eps({g * g, 2});
            float noise_sd = 0;
            if (is_flow(s)) {
                const float tau = static_cast<float>(t + 1) / sched.num_steps;
                ddpm::predict_velocity(denoiser(s, model), eps.data(), x_model.data(), tau, g * g);
                noise_sd = tau;
            } else {
                ddpm::predict_eps(denoiser(s, model), eps.data(), x_model.data(), t, g * g, sched);
                noise_sd = sched.one_minus_alphas_bar_sqrt[t];  // sqrt(1 - alpha_bar_t)
            }
            g_field = ddpm::Tensor({g * g, 4});
            for (int k = 0; k < g * g; ++k)
                for (int d = 0; d < 2; ++d) {
                    g_field.at(k, d) = x.at(k, d);
                    // the noise removed, back in the data's units (a length: scale only)
                    g_field.at(k, 2 + d) = -noise_sd * eps.at(k, d) * s.norm.scale;
                }
            return g_field.data();
        },
        kNoFloats);
}

// Why the last call failed ("" if it did not).
WEB_API const char* ddpm_web_error() {
    return g_error.c_str();
}
