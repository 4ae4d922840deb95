// Lesson 12: the ODE and the likelihood.
//
// The reverse process has a deterministic twin, the probability-flow ODE, which carries N(0, I)
// to the same marginals without adding noise. DDIM with eta = 0 is its Euler method (lib/ode.h).
// Being deterministic and invertible, it encodes a point x_0 to its x_T and back, and it gives
// the model's exact density by the change of variables:
//   log p(x_0) = log p_T(x_T) + integral of div eps along the path
// with the 2 x 2 divergence from the network's input Jacobian (its backward pass extended to the
// input). The ELBO (DDPM Eq. 5, docs/theory.md) is the other way to a likelihood: a bound, term by
// term, each term a KL between Gaussians (lib/elbo.h). Both are checked on Gaussian data, whose
// log-likelihood is a closed form.
//
// Train longer with:  EPOCHS=4000 make
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "datasets.h"
#include "diffusion.h"
#include "elbo.h"
#include "io/progress.h"
#include "metrics.h"
#include "ode.h"
#include "render/plot.h"
#include "train.h"

namespace {

const int kTrainPoints = 2000, kHeldOut = 1000;

ddpm::Trainer train_model(const std::string& dataset, const std::string& schedule, int epochs) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    ddpm::Trainer tr(ddpm::ModelConfig{100, 64, 3, 2}, cfg, ddpm::Schedule::by_name(schedule, 100),
                     1234);
    std::printf("training on %s with the %s schedule, %d epochs...\n", dataset.c_str(),
                schedule.c_str(), epochs);
    ddpm::Progress progress;
    tr.train(ddpm::make_dataset(dataset, kTrainPoints, 1234), [&](const ddpm::EpochReport& r) {
        progress.update(r);
        return true;
    });
    progress.finish();
    return tr;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}

// The held-out points' mean log-likelihood under a Gaussian kernel density estimate of the
// training points (bandwidth by Scott's rule): what the data's own NLL is, roughly.
double kde_log_likelihood(const ddpm::Tensor& train, const ddpm::Tensor& test) {
    const std::vector<double> sd = ddpm::column_std(train);
    const double factor = std::pow(train.dim(0), -1.0 / 6);  // Scott, in 2-D
    const double h0 = factor * sd[0], h1 = factor * sd[1];
    std::vector<double> log_p(test.dim(0));
    for (int i = 0; i < test.dim(0); ++i) {
        double top = -INFINITY;
        std::vector<double> e(train.dim(0));
        for (int j = 0; j < train.dim(0); ++j) {
            const double u = (test.at(i, 0) - train.at(j, 0)) / h0,
                         v = (test.at(i, 1) - train.at(j, 1)) / h1;
            e[j] = -0.5 * (u * u + v * v);
            top = std::max(top, e[j]);
        }
        double total = 0;
        for (double x : e) total += std::exp(x - top);
        log_p[i] = top + std::log(total / train.dim(0)) - std::log(2 * M_PI * h0 * h1);
    }
    return mean(log_p);
}

// 1. The ODE as a sampler beside DDIM on the same x_T, at S steps; from N(0, I), as the notebook
//    samples, and from the true q(x_T) (the held-out points noised to the last step).
void samplers(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& real_a,
              ddpm::Rng& rng, lesson::Checks& check) {
    const ddpm::NoiseField field = ddpm::network_field(model);
    const ddpm::Tensor x_T = ddpm::randn(real_a.dim(0), 2, rng);
    const ddpm::Tensor x_T_true = ddpm::q_x(real_a, sched.num_steps - 1, sched, rng);
    const ddpm::Tensor real_b = ddpm::make_dataset("s_curve", real_a.dim(0), 78);
    std::printf(
        "\nsliced Wasserstein of the samples (the noise floor %.5f)\n"
        "        from N(0, I), as the notebook            from the true q(x_T)\n"
        "  S     DDIM (NFE S)    ODE, Heun (NFE 2S)       ODE, Heun\n",
        ddpm::sliced_wasserstein(real_b, real_a));
    double from_prior = 0, from_true = 0;
    for (int S : {5, 10, 20, 50, 100}) {
        auto swd = [&](const ddpm::Tensor& seq) {
            return ddpm::sliced_wasserstein(seq.frame(seq.dim(0) - 1), real_a);
        };
        const double ddim = swd(ddpm::ddim_sample_loop(model, x_T, sched, rng, S, 0.0f));
        const double ode = swd(ddpm::ode_sample(field, x_T, sched, S));
        const double ode_true = swd(ddpm::ode_sample(field, x_T_true, sched, S));
        std::printf("%3d   %10.5f   %16.5f   %21.5f\n", S, ddim, ode, ode_true);
        from_prior = ode;
        from_true = ode_true;
    }
    check.that(from_true < 0.5 * from_prior,
               "deterministic samplers inherit the prior mismatch: from the true q(x_T) the ODE's "
               "samples are far better");
}

// 2. Deterministic encoding: x_0 -> x_T -> x_0, the error by the number of steps; and what the
//    encoded x_T look like against the N(0, I) the sampler starts from.
void encoding(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& x_0,
              lesson::Checks& check) {
    const ddpm::NoiseField field = ddpm::network_field(model);
    std::printf("\n  S   round trip x_0 -> x_T -> x_0, RMS error   (the data's std %.3f)\n",
                ddpm::column_std(x_0)[0]);
    double err_100 = 0, err_5 = 0;
    ddpm::Tensor x_T;
    for (int S : {5, 10, 20, 50, 100}) {
        const ddpm::OdeEncoding enc = ddpm::ode_encode(field, x_0, sched, S);
        const ddpm::Tensor back = ddpm::ode_sample(field, enc.x_T, sched, S).frame(S);
        double sq = 0;
        for (size_t i = 0; i < back.size(); ++i) sq += (back[i] - x_0[i]) * (back[i] - x_0[i]);
        const double rms = std::sqrt(sq / static_cast<double>(back.size()));
        std::printf("%3d   %.2e\n", S, rms);
        if (S == 5) err_5 = rms;
        if (S == 100) {
            err_100 = rms;
            x_T = enc.x_T;
        }
    }
    const std::vector<double> sd = ddpm::column_std(x_T);
    std::printf(
        "the encoded x_T have std (%.2f, %.2f); the sampler starts from N(0, I), std 1: the "
        "prior mismatch of lesson 07, seen from the other end\n",
        sd[0], sd[1]);
    check.that(err_100 < 1e-3, "100 ODE steps encode and decode to within 1e-3");
    check.that(err_100 < err_5, "more steps, a closer round trip");
}

// A model's NLL three ways, nats per point on held-out points: the ELBO with either variance of
// the reverse steps, and the exact log-likelihood of the ODE (100 Heun steps, exact divergence).
struct Likelihoods {
    ddpm::ElboTerms elbo_beta, elbo_posterior;
    double ode_nll = 0;
};

Likelihoods likelihoods(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,
                        const ddpm::Tensor& x_0, ddpm::Rng& rng) {
    ddpm::SamplerOptions posterior;
    posterior.variance = ddpm::SamplerOptions::Variance::posterior;
    Likelihoods out;
    out.elbo_beta = ddpm::elbo(model, x_0, sched, {}, rng);
    out.elbo_posterior = ddpm::elbo(model, x_0, sched, posterior, rng);
    out.ode_nll = -mean(ddpm::ode_encode(ddpm::network_field(model), x_0, sched, 100).log_p);
    return out;
}

// The ELBO's terms over t, one chart per schedule: each step's KL (blue), the decoder L_0 at
// t = 0 and the prior's L_T at t = T (orange).
ddpm::Canvas elbo_chart(const std::vector<std::string>& names,
                        const std::vector<ddpm::ElboTerms>& terms) {
    ddpm::Canvas fig(1080, 380);
    for (size_t k = 0; k < names.size(); ++k) {
        ddpm::Series steps{"L_{t-1}, KL of step t", {}, {}, ddpm::colors::blue, 0.8f};
        ddpm::Series ends{"L_0 (t = 0), L_T (t = 100)", {}, {}, ddpm::colors::orange, 0.8f};
        const ddpm::ElboTerms& e = terms[k];
        for (size_t t = 1; t < e.steps.size(); ++t) {
            steps.x.push_back(static_cast<float>(t));
            steps.y.push_back(static_cast<float>(e.steps[t]));
        }
        ends.x = {0.0f, static_cast<float>(e.steps.size())};
        ends.y = {static_cast<float>(e.decoder), static_cast<float>(e.prior)};
        ddpm::LineChart chart;
        char title[80];
        std::snprintf(title, sizeof title, "%s schedule: ELBO %.2f nats", names[k].c_str(),
                      e.total());
        chart.title = title;
        chart.xlabel = "step t";
        chart.ylabel = "nats per point";
        chart.series = {steps, ends};
        ddpm::draw_line_chart(fig, {static_cast<int>(k) * 360, 0, 360, 380}, chart);
    }
    return fig;
}

// A model's density from the ODE on the grid of `centres` (cells x cells).
ddpm::FieldPanel ode_density(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,
                             const ddpm::Tensor& centres, ddpm::Limits lim, int cells) {
    const std::vector<double> log_p =
        ddpm::ode_encode(ddpm::network_field(model), centres, sched, 50).log_p;
    ddpm::FieldPanel panel{lim, cells, {}, ddpm::Tensor({0, 2}), ddpm::Tensor({0, 2})};
    for (double v : log_p) panel.density.push_back(std::exp(v));
    return panel;
}

// A histogram of the data beside two models' densities through the ODE, on the same grid.
ddpm::Canvas likelihood_map(ddpm::Trainer& sigmoid, ddpm::Trainer& cosine, const ddpm::Tensor& data,
                            int cells) {
    const ddpm::Limits lim{-0.2f, 0.2f, -0.3f, 0.3f};
    ddpm::Tensor centres({cells * cells, 2});
    for (int i = 0; i < cells * cells; ++i) {
        centres.at(i, 0) = lim.xmin + (i % cells + 0.5f) * (lim.xmax - lim.xmin) / cells;
        centres.at(i, 1) = lim.ymin + (i / cells + 0.5f) * (lim.ymax - lim.ymin) / cells;
    }
    ddpm::FieldPanel histogram{lim, cells, std::vector<double>(cells * cells, 0.0),
                               ddpm::Tensor({0, 2}), ddpm::Tensor({0, 2})};
    for (int i = 0; i < data.dim(0); ++i) {
        const int col =
            static_cast<int>((data.at(i, 0) - lim.xmin) / (lim.xmax - lim.xmin) * cells);
        const int row =
            static_cast<int>((data.at(i, 1) - lim.ymin) / (lim.ymax - lim.ymin) * cells);
        if (col >= 0 && col < cells && row >= 0 && row < cells)
            histogram.density[row * cells + col] += 1;
    }
    ddpm::Canvas fig(780, 420);
    ddpm::field_panel(fig, {10, 10, 240, 400}, histogram, "the data: a histogram");
    ddpm::field_panel(fig, {270, 10, 240, 400},
                      ode_density(sigmoid.model, sigmoid.sched, centres, lim, cells),
                      "p_\\theta(x_0) by the ODE,\nthe notebook's schedule");
    ddpm::field_panel(fig, {530, 10, 240, 400},
                      ode_density(cosine.model, cosine.sched, centres, lim, cells),
                      "p_\\theta(x_0) by the ODE,\nthe cosine schedule");
    return fig;
}

// 3. The likelihood by schedule, three ways, against a kernel density estimate of the data's;
//    the ELBO's terms charted.
void by_schedule(const std::vector<ddpm::Trainer*>& runs, const std::vector<std::string>& names,
                 const ddpm::Tensor& train, const ddpm::Tensor& held_out, ddpm::Rng& rng,
                 lesson::Checks& check) {
    std::vector<ddpm::ElboTerms> charted;
    std::printf(
        "\nnegative log-likelihood of %d held-out points, nats per point (bits per dimension)\n"
        "schedule   ELBO, sigma^2 = beta   ELBO, sigma^2 = beta~   prior L_T   ODE, exact\n",
        kHeldOut);
    std::vector<Likelihoods> found;
    for (size_t k = 0; k < runs.size(); ++k) {
        found.push_back(likelihoods(runs[k]->model, runs[k]->sched, held_out, rng));
        const Likelihoods& l = found.back();
        std::printf("%-8s   %8.3f (%6.2f)      %8.3f (%6.2f)      %8.3f    %6.3f (%5.2f)\n",
                    names[k].c_str(), l.elbo_beta.total(),
                    ddpm::bits_per_dim(l.elbo_beta.total(), 2), l.elbo_posterior.total(),
                    ddpm::bits_per_dim(l.elbo_posterior.total(), 2), l.elbo_beta.prior, l.ode_nll,
                    ddpm::bits_per_dim(l.ode_nll, 2));
        charted.push_back(l.elbo_beta);
    }
    const double kde = -kde_log_likelihood(train, held_out);
    std::printf("reference: a kernel density estimate of the %d training points, %.3f (%.2f)\n",
                kTrainPoints, kde, ddpm::bits_per_dim(kde, 2));
    lesson::save_figure(elbo_chart(names, charted), "elbo_terms", lesson::Svg::always);
    std::printf("wrote elbo_terms.png\n");
    check.that(found[0].elbo_beta.prior > 10 * found[2].elbo_beta.prior,
               "the sigmoid schedule's prior term L_T (its mismatch) is far above the cosine's");
}

// 4. Hutchinson's estimate of the divergence: one backward pass instead of two, unbiased.
void hutchinson(ddpm::Trainer& run, const ddpm::Tensor& held_out, ddpm::Rng& rng,
                lesson::Checks& check) {
    const ddpm::OdeEncoding exact =
        ddpm::ode_encode(ddpm::network_field(run.model), held_out, run.sched, 100);
    const ddpm::OdeEncoding estimate =
        ddpm::ode_encode(ddpm::network_field(run.model, ddpm::Divergence::hutchinson, &rng),
                         held_out, run.sched, 100);
    std::vector<double> diff(kHeldOut);
    for (int i = 0; i < kHeldOut; ++i) diff[i] = estimate.log_p[i] - exact.log_p[i];
    double var = 0;
    for (double d : diff) var += (d - mean(diff)) * (d - mean(diff)) / (kHeldOut - 1);
    std::printf(
        "\nlog p by Hutchinson's estimate minus the exact divergence's: mean %.4f, per point "
        "std %.4f\n",
        mean(diff), std::sqrt(var));
    check.that(std::fabs(mean(diff)) < 4 * std::sqrt(var / kHeldOut),
               "Hutchinson's estimate is unbiased: its mean is the exact one's, within 4 "
               "standard errors");
}

// 6. A case with a known answer: Gaussian data, whose NLL is a closed form. The exact field
//    checks the ODE itself; a trained network, how close a model gets.
void gaussian_check(int epochs, ddpm::Rng& rng, lesson::Checks& check) {
    const double entropy = ddpm::gaussian_entropy();  // E[-log q(x_0)]
    ddpm::Rng data_rng(13);
    const ddpm::Tensor gauss = ddpm::make_gaussian(kHeldOut, data_rng);
    double closed_form = 0;  // -log N(x; m, C), averaged over these points
    for (int i = 0; i < kHeldOut; ++i)
        closed_form -= ddpm::gaussian_log_density(gauss.at(i, 0), gauss.at(i, 1)) / kHeldOut;
    const ddpm::Schedule sched = ddpm::Schedule::cosine(100);
    const double exact_field =
        -mean(ddpm::ode_encode(ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, sched),
                               gauss, sched, 100)
                  .log_p);
    // The ELBO with the exact eps: its gap to the NLL is the discretisation's alone, and
    // shrinks with the number of steps (sigma^2 = beta).
    double exact_elbo[2];
    for (int k = 0; k < 2; ++k) {
        const ddpm::Schedule fine = ddpm::Schedule::cosine(k == 0 ? 100 : 1000);
        exact_elbo[k] =
            ddpm::elbo(ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, fine), gauss,
                       fine, {}, rng)
                .total();
    }
    ddpm::Trainer g = train_model("gaussian", "cosine", epochs);
    const Likelihoods l = likelihoods(g.model, g.sched, gauss, rng);
    std::printf(
        "\nGaussian data (cosine schedule), NLL in nats per point:\n"
        "  the closed form, E[-log N(x; m, C)] over these points  %.4f (entropy %.4f)\n"
        "  the ODE with the exact eps of the Gaussian             %.4f\n"
        "  the ELBO with the exact eps, sigma^2 = beta, T = 100   %.4f\n"
        "                                             T = 1000    %.4f\n"
        "  the ODE with the trained network                       %.4f\n"
        "  the ELBO of the trained network, sigma^2 = beta        %.4f\n",
        closed_form, entropy, exact_field, exact_elbo[0], exact_elbo[1], l.ode_nll,
        l.elbo_beta.total());
    check.that(std::fabs(exact_field - closed_form) < 0.05,
               "the ODE's likelihood with the exact field is the Gaussian's");
    check.that(std::fabs(exact_elbo[1] - closed_form) < 0.1 && exact_elbo[1] < exact_elbo[0],
               "the ELBO of the exact eps meets the closed form as the steps grow");
    check.that(l.elbo_beta.total() > closed_form - 0.05,
               "the trained network's ELBO is not below the data's NLL");
}

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)
    const int epochs = check.epochs(/*quick=*/60, /*full=*/1000);
    const ddpm::Tensor held_out = ddpm::make_dataset("s_curve", kHeldOut, 77);
    const ddpm::Tensor train = ddpm::make_dataset("s_curve", kTrainPoints, 1234);
    ddpm::Rng rng(12);

    ddpm::Trainer notebook = train_model("s_curve", "sigmoid", epochs);
    samplers(notebook.model, notebook.sched, held_out, rng, check);
    encoding(notebook.model, notebook.sched, held_out, check);
    ddpm::Trainer linear = train_model("s_curve", "linear", epochs);
    ddpm::Trainer cosine = train_model("s_curve", "cosine", epochs);
    by_schedule({&notebook, &linear, &cosine}, {"sigmoid", "linear", "cosine"}, train, held_out,
                rng, check);
    hutchinson(notebook, held_out, rng, check);
    // 5. The model's density over the plane, beside the data's.
    lesson::save_figure(likelihood_map(notebook, cosine, ddpm::make_dataset("s_curve", 10000, 5),
                                       check.quick ? 24 : 40),
                        "likelihood", lesson::Svg::on_request);
    std::printf("wrote likelihood.png\n");
    gaussian_check(epochs, rng, check);
    return check.finish();
}
