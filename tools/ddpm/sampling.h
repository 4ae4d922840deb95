// What `ddpm sample` is asked, and the sampling the other commands share with it (eval --model,
// animate, predict, encode): the model's defaults, the sampler by name, points in the model's
// units.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../cli.h"
#include "data/datasets.h"
#include "diffusion/sampler.h"
#include "io/fashion_mnist.h"
#include "io/weights.h"
#include "likelihood/ode.h"

namespace ddpm_tool {

// What ddpm sample was asked to do. An empty variance, last_noise or weights: the checkpoint's
// recipe decides (recipe_defaults).
struct SampleRequest {
    std::string model_path, out, trajectory, panels;
    int n = 0;
    std::string sampler, variance, last_noise, weights, prior;
    bool ddpm_settings_given = false;  // --variance or --last-step-noise, the ddpm sampler's
    uint64_t seed = 0;
    bool have_steps = false;  // --sample-steps given (DDIM's)
    int steps = 0;
    float eta = 0;
    int label = -1;                // --class, or -1
    float clip_x0 = -1;            // --clip-x0, or -1 for the model's (1 for pictures, else 0)
    bool classes_in_turn = false;  // set by model_defaults (classes_in_turn, below)
    bool have_guidance = false;    // --guidance given (else the checkpoint's)
    float guidance = 1;
    ddpm::ImportSettings import;  // for .safetensors weights without a configuration
};

// A run's data, in the model's units: a named data set, or "file:PATH" (a learner's points,
// read and normalised; *norm gets the normalisation).
ddpm::Tensor run_data(const std::string& dataset, int n, uint64_t seed, ddpm::Normalization* norm);

// Pictures (lesson 15): a run on Fashion-MNIST, whose model's width is a picture's pixels.
bool is_pictures(const ddpm::RunInfo& run);
// The side of a picture model's pictures, 14 or 28, from its width (an Error otherwise).
int picture_side(const ddpm::ModelConfig& model);
// The first n training pictures at `side` (all 60,000 when n is 0), with their labels; n beyond
// them is refused naming --n.
ddpm::ImageSet training_pictures(int side, int n);
// The test pictures at `side`.
ddpm::ImageSet test_pictures(int side);

// A conditional picture model asked for no class draws its classes in turn: sample i of class
// i K / n (with n = 10 K, one class a row of a grid of 10), each class from its own stream of the
// seed. Each sample's class, or --class's for all, or empty for an unconditional draw.
bool classes_in_turn(const SampleRequest& request, const ddpm::SamplingModel& loaded);
std::vector<int> asked_classes(const SampleRequest& request, const ddpm::SamplingModel& loaded);

// A grid's row labels for samples of these classes in rows of `columns`: a row all of one class
// that the row above was not gets the class's name (empty classes: no labels).
std::vector<std::string> picture_row_labels(const std::vector<int>& classes, int columns);

// The flags sample, eval --model and animate share: the class and its guidance. Their rows, then
// their values.
std::vector<cli::Flag> class_flags();
void parse_class_flags(cli::Args& args, SampleRequest& request);

// --clip-x0: the ddpm sampler's estimate of x_0 clipped to [-C, C] (lesson 15); its row, and its
// value into request.clip_x0 (-1 when not given: model_defaults decides).
cli::Flag clip_flag();
void parse_clip_flag(cli::Args& args, SampleRequest& request);

// --sampler: a name of lib's vocabulary (lib/diffusion/sampler.h), checked here so a wrong one is
// reported before the model loads; "" when not given (the model's, model_defaults).
std::string parse_sampler_flag(cli::Args& args);

// The sampler request names, with the ddpm sampler's settings and the steps from their own flags.
ddpm::Sampler sampler_of(const SampleRequest& request);

// sampler_of, with DDIM's and the ODE's steps checked against the model's T (a UsageError naming
// --sample-steps).
ddpm::Sampler checked_sampler(const SampleRequest& request, const ddpm::Schedule& sched);

// The steps request's sampler takes: --sample-steps (or the count in its name) if given, else one
// budget for all of them, T network calls (ddpm::sampler_steps).
int steps_of(const SampleRequest& request, const ddpm::Schedule& sched);

// x_T's distribution (--prior): N(0, I), or the matched prior, q(x_T)'s own mean and covariance
// from the model's training data (lesson 12).
ddpm::Prior sampling_prior(const std::string& prior, const ddpm::SamplingModel& loaded);

// What depends on the model: its sampler (a flow-matching model's is heun, the others' ddpm),
// which must suit what it predicts; its class and guidance.
void model_defaults(SampleRequest& request, const ddpm::SamplingModel& loaded);

// A deterministic sampler started from N(0, I) on a schedule that stops short of noise lands off
// the data (lesson 12): say so, once, on standard error.
void note_prior_mismatch(const SampleRequest& request, const ddpm::SamplingModel& loaded);

// The notebook's recipe samples as the notebook does (beta variance, noise at the last step, raw
// weights); the improved one by DDPM's Algorithm 2 from the EMA weights (docs/experiments.md).
// The weights are chosen when the model is loaded (load_sampling_model).
void recipe_defaults(SampleRequest& request, const std::string& recipe);

// The whole trajectory (steps + 1, n, dim), x_T first, by the sampler asked for (a conditional
// picture model without --class: its classes in turn, classes_in_turn).
ddpm::Tensor draw_trajectory(const SampleRequest& request, const ddpm::SamplingModel& loaded);

// How the samples were drawn, for the report: "ddpm, beta variance, last-step noise on", or the
// sampler's name.
std::string sampler_text(const SampleRequest& request);

// ", class K, guidance W" for a conditional draw.
std::string class_text(const SampleRequest& request);

// n points of one class of a labelled data set: drawn from make_labelled_dataset, the first n
// of the class's kept.
ddpm::Tensor class_sample(const std::string& dataset, int classes, int label, int n, uint64_t seed);

// Points from a learner's file for predict, encode and eval --nll: (n, 2), finite, moved into
// the model's units; for a picture model (predict), pictures (n, 196 or 784) as they are.
ddpm::Tensor points_in_model_units(const std::string& path, const ddpm::SamplingModel& loaded);

// The exact log p(x_0) of a model's deterministic sampler, in the model's units, and the x_T it
// maps to each point: the probability-flow ODE by Heun's method (--sampler ode) for an eps, x0 or
// v model, a flow model's own ODE by heun; S steps, x_T from `prior` (lib/likelihood/ode.h).
ddpm::OdeEncoding exact_likelihood(const ddpm::SamplingModel& loaded, const ddpm::Denoiser& d,
                                   const ddpm::Tensor& x_0, int S, const ddpm::Prior& prior);

// The mean of log p over points.
double mean_of(const std::vector<double>& v);

}  // namespace ddpm_tool
