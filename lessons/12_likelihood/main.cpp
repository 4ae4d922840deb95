// Lesson 12: the ODE and the likelihood.
//
// The reverse process has a deterministic twin, the probability-flow ODE, which carries the prior
// to the same marginals without adding noise. DDIM with eta = 0 is its Euler method
// (lib/diffusion/ode_sampler.h). Being deterministic and invertible, it encodes a point x_0 to its x_T and
// back, and it gives the model's log-likelihood by the change of variables, two ways:
//   exact:     each Heun step is an invertible map of the plane; its log |det| from the network's
//              2 x 2 input Jacobian, summed over the steps, is the exact density of the sampler
//              (a discrete normalising flow):  log p(x_0) = log p_T(x_T) - sum log |det J_step|
//   estimate:  the continuous-time integral of the divergence, log p_T(x_T) + integral of div eps,
//              by the trapezoid rule (the papers' way; biased at finite steps, measured here)
// The ELBO (DDPM Eq. 5, docs/theory.md) is the third: a bound on the stochastic sampler's NLL,
// term by term (lib/likelihood/elbo.h). All are checked on Gaussian data, whose log-likelihood is a
// closed form, and against the S-curve's own entropy, the floor no model goes below. Section 2
// writes the Heun step and its log |det J| out and checks them against lib's ode_sample and
// ode_encode.
//
// Train longer with:  EPOCHS=4000 make
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "core/error.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/forward.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"
#include "io/progress.h"
#include "likelihood/elbo.h"
#include "likelihood/ode.h"
#include "render/plot.h"
#include "likelihood_figures.h"  // the ELBO's terms charted (section 4)

namespace {

const int kTrainPoints = 2000, kHeldOut = 1000;

// A model trained on n points of a data set: hidden 64 (the small models the tables compare), or
// the notebook's 128.
ddpm::Trainer train_model(const std::string& dataset, const std::string& schedule, int epochs,
                          int hidden = 64, int n = kTrainPoints) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    ddpm::Trainer tr(ddpm::ModelConfig{100, hidden, 3, 2}, cfg,
                     ddpm::Schedule::by_name(schedule, 100), 1234);
    std::printf(
        "training a model of %d hidden units on %d points of %s with the %s schedule, %d "
        "epochs...\n",
        hidden, n, dataset.c_str(), schedule.c_str(), epochs);
    ddpm::Progress progress;
    tr.train(ddpm::make_dataset(dataset, n, 1234), [&](const ddpm::EpochReport& r) {
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

// The S-curve's q(x_T): the notebook's schedule stops at abar_T = 0.78, far from noise, so q(x_T)
// is not N(0, I). The matched prior is the Gaussian with its mean and covariance.
ddpm::Prior s_curve_prior(const ddpm::Schedule& sched) {
    return ddpm::matched_prior(ddpm::make_dataset("s_curve", 10000, 5), sched);
}

// A model's NLL, nats per point on held-out points: the ELBO with either variance of the
// stochastic sampler's steps, and the exact NLL of the ODE sampler (50 Heun steps) from N(0, I)
// and from the matched prior.
struct Likelihoods {
    ddpm::ElboTerms elbo_beta, elbo_posterior;
    double ode_nll = 0, ode_matched_nll = 0;
};

double mean_nll(const ddpm::OdeEncoding& e) {
    return -mean(e.log_p);
}

// The exact NLL, or NaN where a step of the sampler folds the plane (its Jacobian's determinant
// changes sign at a point): the cosine schedule's top step, sigma 2029 to 64 (t = 99 to 98), has a
// determinant near 1e-3 even with the exact field, and a rough network's field folds it. A folded
// map has no density by the change of variables; the table says so.
double exact_nll(const ddpm::NoiseField& field, const ddpm::Tensor& x_0,
                 const ddpm::Schedule& sched, int S, const ddpm::Prior& prior) {
    try {
        return mean_nll(ddpm::ode_encode(field, x_0, sched, S, prior));
    } catch (const ddpm::Error&) {
        return NAN;
    }
}

Likelihoods likelihoods(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,
                        const ddpm::Tensor& x_0, const ddpm::Prior& matched, ddpm::Rng& rng) {
    // sigma^2 = beta~, Algorithm 2's (the ELBO reads only the variance)
    const ddpm::SamplerOptions posterior = ddpm::SamplerOptions::algorithm2();
    const ddpm::NoiseField field = ddpm::network_field(ddpm::Denoiser{&model}, sched);
    Likelihoods out;
    out.elbo_beta = ddpm::elbo(model, x_0, sched, {}, rng);
    out.elbo_posterior = ddpm::elbo(model, x_0, sched, posterior, rng);
    out.ode_nll = exact_nll(field, x_0, sched, 50, ddpm::standard_prior());
    out.ode_matched_nll = exact_nll(field, x_0, sched, 50, matched);
    return out;
}

// The sections main() runs, in its order; each is defined below main().
void samplers(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& real_a,
              ddpm::Rng& rng, lesson::Checks& check);                     // 1
void heun_by_hand(ddpm::MLPDiffusion model, const ddpm::Schedule& sched,  // 2
                  lesson::Checks& check);
void encoding(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& x_0,  // 3
              lesson::Checks& check);
void by_schedule(const std::vector<ddpm::Trainer*>& runs, const std::vector<std::string>& names,
                 const ddpm::Tensor& train, const ddpm::Tensor& held_out, ddpm::Rng& rng,
                 lesson::Checks& check);                                              // 4
void estimate_bias(ddpm::Trainer& run, const ddpm::Tensor& held_out, ddpm::Rng& rng,  // 5
                   lesson::Checks& check);
ddpm::Canvas likelihood_map(ddpm::Trainer& run, const ddpm::Tensor& data, int cells,  // 6
                            lesson::Checks& check);
void gaussian_check(int epochs, ddpm::Rng& rng, lesson::Checks& check);  // 7

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)
    const int epochs = check.epochs(/*quick=*/60, /*full=*/1000);
    // The quick self-check measures fewer points (the sanitizers' build runs it too).
    const ddpm::Tensor held_out = ddpm::make_dataset("s_curve", check.quick ? 300 : kHeldOut, 77);
    const ddpm::Tensor train = ddpm::make_dataset("s_curve", kTrainPoints, 1234);
    ddpm::Rng rng(12);

    ddpm::Trainer notebook = train_model("s_curve", "sigmoid", epochs);
    // 1. The ODE as a sampler beside DDIM, from three priors.
    samplers(notebook.model, notebook.sched, held_out, rng, check);
    // 2. Its Heun steps and their log-dets, by hand, against lib.
    heun_by_hand(notebook.model, notebook.sched, check);
    // 3. Encoding x_0 -> x_T -> x_0.
    encoding(notebook.model, notebook.sched, held_out, check);
    // 4. The likelihood by schedule, four ways (the ELBO's chart: likelihood_figures.h).
    ddpm::Trainer linear = train_model("s_curve", "linear", epochs);
    ddpm::Trainer cosine = train_model("s_curve", "cosine", epochs);
    by_schedule({&notebook, &linear, &cosine}, {"sigmoid", "linear", "cosine"}, train, held_out,
                rng, check);
    // 5. The continuous-time estimate's bias, and Hutchinson's divergence.
    estimate_bias(notebook, held_out, rng, check);
    // 6. The density over the plane, beside the data's, of a model of the notebook's size, trained
    //    on its 10,000 points.
    ddpm::Trainer large =
        train_model("s_curve", "sigmoid", epochs, 128, check.quick ? 2000 : 10000);
    std::printf(
        "its exact NLL from the matched prior: %.3f\n",
        mean_nll(ddpm::ode_encode(ddpm::network_field(ddpm::Denoiser{&large.model}, large.sched),
                                  held_out, large.sched, 50, s_curve_prior(large.sched))));
    lesson::save_figure(likelihood_map(large, ddpm::make_dataset("s_curve", 10000, 5),
                                       check.quick ? 24 : 60, check),
                        "likelihood", lesson::Svg::on_request);
    std::printf("wrote likelihood.png\n");
    // 7. Gaussian data, whose NLL is a closed form.
    gaussian_check(epochs, rng, check);
    return check.finish();
}

namespace {

// ---- 1. The ODE as a sampler --------------------------------------------------------------------

// The ODE as a sampler beside DDIM on the same x_T, at S steps; from N(0, I), as the notebook
// samples, from the matched prior, and from the true q(x_T) (held-out points noised to T).
void samplers(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& real_a,
              ddpm::Rng& rng, lesson::Checks& check) {
    const ddpm::NoiseField field = ddpm::network_field(ddpm::Denoiser{&model}, sched);
    const ddpm::Tensor x_T = ddpm::randn(real_a.dim(0), 2, rng);
    const ddpm::Tensor x_T_matched = ddpm::sample_prior(s_curve_prior(sched), real_a.dim(0), rng);
    const ddpm::Tensor x_T_true = ddpm::q_x(real_a, sched.num_steps - 1, sched, rng);
    const ddpm::Tensor real_b = ddpm::make_dataset("s_curve", real_a.dim(0), 78);
    std::printf(
        "\nsliced Wasserstein of the samples (the noise floor %.5f)\n"
        "        from N(0, I), as the notebook      from the matched prior   from the true q(x_T)\n"
        "  S     DDIM (NFE S)  ODE, Heun (NFE 2S)   ODE, Heun                ODE, Heun\n",
        ddpm::sliced_wasserstein(real_b, real_a));
    double from_prior = 0, from_matched = 0;
    for (int S : {5, 10, 20, 50, 100}) {
        auto swd = [&](const ddpm::Tensor& seq) {
            return ddpm::sliced_wasserstein(seq.frame(seq.dim(0) - 1), real_a);
        };
        const double ddim = swd(ddpm::ddim_sample_loop(model, x_T, sched, rng, S, 0.0f));
        const double ode = swd(ddpm::ode_sample(field, x_T, sched, S));
        const double matched = swd(ddpm::ode_sample(field, x_T_matched, sched, S));
        const double ode_true = swd(ddpm::ode_sample(field, x_T_true, sched, S));
        std::printf("%3d   %10.5f   %14.5f   %13.5f   %22.5f\n", S, ddim, ode, matched, ode_true);
        if (S == 50) {
            from_prior = ode;
            from_matched = matched;
        }
    }
    char text[160];
    std::snprintf(text, sizeof text,
                  "deterministic samplers inherit the prior mismatch: at 50 steps the ODE from the "
                  "matched prior lands %.1f times closer than from N(0, I)",
                  from_prior / from_matched);
    check.that(from_matched < 0.5 * from_prior, text);
}

// ---- 2. The ODE sampler's steps and their log-dets, by hand -------------------------------------

// The ODE in xbar = x / sqrt(abar) and sigma = sqrt((1 - abar) / abar): d xbar / d sigma = eps(x,
// t), on a grid of nodes from the data (sigma = 0, node 0) up to the top (node S): DDIM's
// subsequence of S steps. One Heun step down from node k, h = sigma_{k-1} - sigma_k < 0:
//   y~ = y + h f_k(y);   y' = y + h/2 (f_k(y) + f_{k-1}(y~))
// with f_k(y) = eps(y / sqrt(1 + sigma_k^2), t_k). It maps the plane to itself, and its Jacobian,
// with A = f_k'(y) and B = f_{k-1}'(y~) (the chain rule through y~), is
//   J = I + h/2 (A + B (I + h A))
// so the density of the sampler's output is the prior's divided by every step's |det J|:
//   log p(x_0) = log p_T(x_T) + 2 log sqrt(abar_T) - sum over the steps of log |det J|
// (the 2 log sqrt(abar_T): xbar_T = x_T / sqrt(abar_T) in two dimensions). Written out here for
// n points from N(0, I), and checked against lib: the samples against ode_sample bit for bit, the
// log p against ode_encode, which finds each x_T from x_0 by Newton's method.
void heun_by_hand(ddpm::MLPDiffusion model, const ddpm::Schedule& sched, lesson::Checks& check) {
    const int n = 200, S = 10, T = sched.num_steps;
    ddpm::Rng prior_rng(21);
    const ddpm::Tensor x_T = ddpm::randn(n, 2, prior_rng);
    // The nodes: sigma_0 = 0 (with tau_0's step), then sigma at each tau_i.
    const std::vector<int> tau = ddpm::ddim_steps(T, S);
    std::vector<double> sigma(S + 1, 0.0);
    std::vector<int> t_at(S + 1, tau[0]);
    for (int i = 0; i < S; ++i) {
        const double abar = sched.alphas_prod[tau[i]];
        sigma[i + 1] = std::sqrt((1 - abar) / abar);
        t_at[i + 1] = tau[i];
    }
    // f_k at the points y (n, 2): eps at x = y / sqrt(1 + sigma_k^2), and its Jacobian in y,
    // d eps / d x (two backward passes, dout = e_1 and e_2) times d x / d y.
    auto field = [&](const std::vector<double>& y, int k, std::vector<double>& f,
                     std::vector<double>& jac) {
        const double to_x = 1.0 / std::sqrt(1.0 + sigma[k] * sigma[k]);
        std::vector<float> x(2 * n), eps(2 * n), dout(2 * n), dx(2 * n);
        for (int i = 0; i < 2 * n; ++i) x[i] = static_cast<float>(y[i] * to_x);
        const std::vector<int> steps(n, t_at[k]);
        model.forward(eps.data(), x.data(), steps.data(), n);
        f.assign(eps.begin(), eps.end());
        jac.assign(4 * n, 0.0);
        for (int row = 0; row < 2; ++row) {
            for (int i = 0; i < 2 * n; ++i) dout[i] = i % 2 == row ? 1.0f : 0.0f;
            std::fill(dx.begin(), dx.end(), 0.0f);
            model.backward(dout.data(), dx.data());  // dx = J^T e_row: row `row` of J at each point
            for (int p = 0; p < n; ++p)
                for (int col = 0; col < 2; ++col)
                    jac[4 * p + 2 * row + col] = dx[2 * p + col] * to_x;
        }
        model.zero_grad();  // the parameters' gradients are a by-product
    };
    // From the top: xbar_T = x_T / sqrt(abar_T), and log p(xbar_T) = log N(x_T; 0, I) + 2 log a.
    const double a_top = std::sqrt(static_cast<double>(sched.alphas_prod[t_at[S]]));
    std::vector<double> y(2 * n), log_p(n);
    for (int i = 0; i < 2 * n; ++i) y[i] = x_T[i] / a_top;
    for (int p = 0; p < n; ++p)
        log_p[p] = ddpm::prior_log_density(ddpm::standard_prior(), x_T.at(p, 0), x_T.at(p, 1)) +
                   2 * std::log(a_top);
    std::vector<double> f0, A, f1, B, ahead(2 * n);
    ddpm::Tensor x_0({n, 2});
    for (int k = S; k >= 1; --k) {
        const double h = sigma[k - 1] - sigma[k];
        field(y, k, f0, A);
        for (int i = 0; i < 2 * n; ++i) ahead[i] = y[i] + h * f0[i];  // Euler's guess y~
        field(ahead, k - 1, f1, B);
        for (int i = 0; i < 2 * n; ++i) y[i] = y[i] + h * 0.5 * (f0[i] + f1[i]);  // Heun
        for (int p = 0; p < n; ++p) {
            const double* a = &A[4 * p];
            const double* b = &B[4 * p];
            // I + h A, then B (I + h A), then J = I + h/2 (A + B (I + h A))
            const double m00 = 1 + h * a[0], m01 = h * a[1], m10 = h * a[2], m11 = 1 + h * a[3];
            const double ba00 = b[0] * m00 + b[1] * m10, ba01 = b[0] * m01 + b[1] * m11;
            const double ba10 = b[2] * m00 + b[3] * m10, ba11 = b[2] * m01 + b[3] * m11;
            const double j00 = 1 + h * 0.5 * (a[0] + ba00), j01 = h * 0.5 * (a[1] + ba01);
            const double j10 = h * 0.5 * (a[2] + ba10), j11 = 1 + h * 0.5 * (a[3] + ba11);
            log_p[p] -= std::log(std::fabs(j00 * j11 - j01 * j10));  // - log |det J|
        }
    }
    for (int i = 0; i < 2 * n; ++i) x_0[i] = static_cast<float>(y[i]);  // sigma_0 = 0: x = xbar
    // lib's: the same sampler, and its density by the exact inverse.
    const ddpm::NoiseField eps = ddpm::network_field(ddpm::Denoiser{&model}, sched);
    const ddpm::Tensor lib_x0 = ddpm::ode_sample(eps, x_T, sched, S).frame(S);
    check.that(std::memcmp(x_0.data(), lib_x0.data(), x_0.size() * sizeof(float)) == 0,
               "10 Heun steps by hand = lib's ode_sample, bit for bit");
    const ddpm::OdeEncoding enc = ddpm::ode_encode(eps, x_0, sched, S);
    double worst = 0;
    for (int p = 0; p < n; ++p) worst = std::max(worst, std::fabs(enc.log_p[p] - log_p[p]));
    char text[160];
    std::snprintf(text, sizeof text,
                  "log p by hand (prior minus the steps' log |det J|) = lib's ode_encode within "
                  "1e-3 nats (largest difference %.1e)",
                  worst);
    check.that(worst < 1e-3, text);
}

// ---- 3. Deterministic encoding ------------------------------------------------------------------

// Deterministic encoding: x_0 -> x_T -> x_0 by the exact inverse of the sampler (Newton's
// method on each step) and by Heun's steps run up the grid (an approximate inverse), the error
// by the number of steps; and what the encoded x_T look like against N(0, I).
void encoding(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, const ddpm::Tensor& x_0,
              lesson::Checks& check) {
    const ddpm::NoiseField field = ddpm::network_field(ddpm::Denoiser{&model}, sched);
    std::printf(
        "\n  S   round trip x_0 -> x_T -> x_0, RMS error (the data's std %.3f)\n"
        "      exact inverse    Heun's steps up\n",
        ddpm::column_std(x_0)[0]);
    auto rms = [&](const ddpm::Tensor& x_T, int S) {
        const ddpm::Tensor back = ddpm::ode_sample(field, x_T, sched, S).frame(S);
        double sq = 0;
        for (size_t i = 0; i < back.size(); ++i) sq += (back[i] - x_0[i]) * (back[i] - x_0[i]);
        return std::sqrt(sq / static_cast<double>(back.size()));
    };
    double worst_exact = 0, up_5 = 0;
    ddpm::Tensor x_T;
    for (int S : {5, 10, 20, 50, 100}) {
        const ddpm::OdeEncoding exact = ddpm::ode_encode(field, x_0, sched, S);
        const double e = rms(exact.x_T, S);
        const double up = rms(ddpm::ode_encode_integral(field, x_0, sched, S).x_T, S);
        std::printf("%3d   %.2e         %.2e\n", S, e, up);
        worst_exact = std::max(worst_exact, e);
        if (S == 5) up_5 = up;
        if (S == 100) x_T = exact.x_T;
    }
    const std::vector<double> sd = ddpm::column_std(x_T);
    std::printf(
        "the encoded x_T have std (%.2f, %.2f); the sampler starts from N(0, I), std 1: the "
        "prior mismatch of lesson 07, seen from the other end\n",
        sd[0], sd[1]);
    check.that(worst_exact < 1e-5,
               "the exact inverse decodes back to x_0 within 1e-5 at every number of steps");
    check.that(worst_exact < 0.1 * up_5,
               "Heun's steps run upwards are only an approximate inverse at 5 steps");
}

// ---- 4. The likelihood by schedule --------------------------------------------------------------

// The likelihood by schedule, four ways, beside the data's entropy (the floor) and a kernel
// density estimate of the data's; the ELBO's terms charted.
void by_schedule(const std::vector<ddpm::Trainer*>& runs, const std::vector<std::string>& names,
                 const ddpm::Tensor& train, const ddpm::Tensor& held_out, ddpm::Rng& rng,
                 lesson::Checks& check) {
    std::vector<ddpm::ElboTerms> charted;
    const ddpm::Entropy floor = ddpm::dataset_entropy("s_curve", 4000, 1212);
    std::printf(
        "\nnegative log-likelihood of %d held-out points, nats per point (bits per dimension)\n"
        "           the stochastic sampler (bounds)            the ODE sampler, exact, 50 steps\n"
        "schedule   ELBO, sigma^2 = beta   ELBO, sigma^2 = beta~   prior L_T   from N(0, I)     "
        "from the matched prior\n",
        held_out.dim(0));
    std::vector<Likelihoods> found;
    for (size_t k = 0; k < runs.size(); ++k) {
        found.push_back(likelihoods(runs[k]->model, runs[k]->sched, held_out,
                                    s_curve_prior(runs[k]->sched), rng));
        const Likelihoods& l = found.back();
        std::printf(
            "%-8s   %8.3f (%6.2f)      %8.3f (%6.2f)      %8.3f    %6.3f (%5.2f)   %6.3f (%5.2f)\n",
            names[k].c_str(), l.elbo_beta.total(), ddpm::bits_per_dim(l.elbo_beta.total(), 2),
            l.elbo_posterior.total(), ddpm::bits_per_dim(l.elbo_posterior.total(), 2),
            l.elbo_beta.prior, l.ode_nll, ddpm::bits_per_dim(l.ode_nll, 2), l.ode_matched_nll,
            ddpm::bits_per_dim(l.ode_matched_nll, 2));
        charted.push_back(l.elbo_beta);
    }
    const double kde = -kde_log_likelihood(train, held_out);
    std::printf(
        "the floor: the S-curve's entropy (its density by quadrature), %.3f (%.2f) +- %.3f\n"
        "a kernel density estimate of the %d training points, %.3f (%.2f)\n"
        "a uniform density on the data's bounding box [-0.1, 0.1] x [-0.2, 0.2], %.3f (%.2f)\n",
        floor.nats, ddpm::bits_per_dim(floor.nats, 2), floor.standard_error, kTrainPoints, kde,
        ddpm::bits_per_dim(kde, 2), std::log(0.08), ddpm::bits_per_dim(std::log(0.08), 2));
    lesson::save_figure(elbo_chart(names, charted), "elbo_terms", lesson::Svg::always);
    std::printf("wrote elbo_terms.png\n");
    check.that(found[0].elbo_beta.prior > 10 * found[2].elbo_beta.prior,
               "the sigmoid schedule's prior term L_T (its mismatch) is far above the cosine's");
    bool above_floor = true;
    for (const Likelihoods& l : found)
        for (double v :
             {l.ode_nll, l.ode_matched_nll, l.elbo_beta.total(), l.elbo_posterior.total()})
            above_floor =
                above_floor && (std::isnan(v) || v > floor.nats - 3 * floor.standard_error);
    check.that(above_floor,
               "every NLL found (nan: the sampler folds) is above the data's entropy (within 3 "
               "standard errors)");
    check.that(found[0].ode_matched_nll < found[0].ode_nll,
               "the matched prior gives the notebook's schedule a better exact NLL than N(0, I)");
}

// ---- 5. The estimate against the exact log p ----------------------------------------------------

// The continuous-time estimate against the exact log p, by the number of steps; and
// Hutchinson's estimate of the divergence inside it (one backward pass instead of two).
void estimate_bias(ddpm::Trainer& run, const ddpm::Tensor& held_out, ddpm::Rng& rng,
                   lesson::Checks& check) {
    const ddpm::NoiseField field = ddpm::network_field(ddpm::Denoiser{&run.model}, run.sched);
    const ddpm::Prior prior = s_curve_prior(run.sched);
    std::printf(
        "\nthe notebook's schedule, matched prior: NLL by the exact log-det and by the trapezoid "
        "estimate\n  S     exact      estimate   estimate - exact\n");
    double gap_10 = 0, gap_100 = 0;
    for (int S : {10, 20, 50, 100}) {
        const double exact = mean_nll(ddpm::ode_encode(field, held_out, run.sched, S, prior));
        const double est =
            mean_nll(ddpm::ode_encode_integral(field, held_out, run.sched, S, prior));
        std::printf("%3d   %8.4f   %8.4f   %+8.4f\n", S, exact, est, est - exact);
        if (S == 10) gap_10 = std::fabs(est - exact);
        if (S == 100) gap_100 = std::fabs(est - exact);
    }
    check.that(gap_100 < gap_10,
               "the trapezoid estimate comes closer to the exact NLL with more steps");
    const ddpm::OdeEncoding exact =
        ddpm::ode_encode_integral(field, held_out, run.sched, 100, prior);
    const ddpm::OdeEncoding estimate =
        ddpm::ode_encode_integral(ddpm::network_field(ddpm::Denoiser{&run.model}, run.sched,
                                                      ddpm::Divergence::hutchinson, &rng),
                                  held_out, run.sched, 100, prior);
    const int n = held_out.dim(0);
    std::vector<double> diff(n);
    for (int i = 0; i < n; ++i) diff[i] = estimate.log_p[i] - exact.log_p[i];
    double var = 0;
    for (double d : diff) var += (d - mean(diff)) * (d - mean(diff)) / (n - 1);
    std::printf(
        "log p by Hutchinson's divergence minus the exact divergence's (the same estimate, 100 "
        "steps): mean %.4f, per point std %.4f\n",
        mean(diff), std::sqrt(var));
    check.that(std::fabs(mean(diff)) < 4 * std::sqrt(var / n),
               "Hutchinson's estimate is unbiased: its mean is the exact divergence's, within 4 "
               "standard errors");
}

// A model's exact density on the grid of `centres` (cells x cells): the ODE sampler's from
// `prior`. *mass gets its integral over the window.
ddpm::FieldPanel ode_density(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched,
                             const ddpm::Prior& prior, const ddpm::Tensor& centres,
                             ddpm::Limits lim, int cells, double* mass) {
    const std::vector<double> log_p =
        ddpm::ode_encode(ddpm::network_field(ddpm::Denoiser{&model}, sched), centres, sched, 50,
                         prior)
            .log_p;
    ddpm::FieldPanel panel{lim, cells, {}, ddpm::Tensor({0, 2}), ddpm::Tensor({0, 2})};
    const double area =
        (lim.xmax - lim.xmin) * double(lim.ymax - lim.ymin) / (double(cells) * cells);
    *mass = 0;
    for (double v : log_p) {
        panel.density.push_back(std::exp(v));
        *mass += std::exp(v) * area;
    }
    return panel;
}

// ---- 6. The density over the plane --------------------------------------------------------------

// A histogram of the data beside the exact density of the notebook's model, from N(0, I)
// and from the matched prior, on the same grid; each density's mass inside the window.
ddpm::Canvas likelihood_map(ddpm::Trainer& run, const ddpm::Tensor& data, int cells,
                            lesson::Checks& check) {
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
    double mass_standard = 0, mass_matched = 0;
    const ddpm::FieldPanel standard = ode_density(run.model, run.sched, ddpm::standard_prior(),
                                                  centres, lim, cells, &mass_standard);
    const ddpm::FieldPanel matched = ode_density(run.model, run.sched, s_curve_prior(run.sched),
                                                 centres, lim, cells, &mass_matched);
    ddpm::Canvas fig(780, 420);
    ddpm::field_panel(fig, {10, 10, 240, 400}, histogram, "the data: a histogram");
    ddpm::field_panel(fig, {270, 10, 240, 400}, standard,
                      "p_\\theta(x_0) of the ODE sampler,\nfrom N(0, I)");
    ddpm::field_panel(fig, {530, 10, 240, 400}, matched,
                      "p_\\theta(x_0) of the ODE sampler,\nfrom the matched prior");
    std::printf(
        "\nthe exact densities on a %d x %d grid over the window [-0.2, 0.2] x [-0.3, 0.3]: mass "
        "%.4f from N(0, I), %.4f from the matched prior\n",
        cells, cells, mass_standard, mass_matched);
    check.that(mass_standard < 1.01 && mass_matched < 1.01,
               "the exact densities hold at most their whole mass, 1, in the window (+0.01 for "
               "the grid's cells)");
    return fig;
}

// ---- 7. A case with a known answer --------------------------------------------------------------

// A case with a known answer: Gaussian data, whose NLL is a closed form. The exact field
// checks the ODE itself at every number of steps; a trained network, how close a model gets.
void gaussian_check(int epochs, ddpm::Rng& rng, lesson::Checks& check) {
    const double entropy = ddpm::gaussian_entropy();  // E[-log q(x_0)]
    ddpm::Rng data_rng(13);
    const ddpm::Tensor gauss = ddpm::make_gaussian(kHeldOut, data_rng);
    std::vector<double> log_q(kHeldOut);
    for (int i = 0; i < kHeldOut; ++i)
        log_q[i] = ddpm::gaussian_log_density(gauss.at(i, 0), gauss.at(i, 1));
    const double closed_form = -mean(log_q);  // -log N(x; m, C), averaged over these points
    const ddpm::Schedule sched = ddpm::Schedule::cosine(100);
    const ddpm::NoiseField exact_eps =
        ddpm::gaussian_field(ddpm::kGaussianMean, ddpm::kGaussianCov, sched);
    std::printf(
        "\nGaussian data (cosine schedule), NLL in nats per point over %d points:\n"
        "  the closed form, E[-log N(x; m, C)] over these points  %.4f (entropy %.4f)\n"
        "  the exact field of the Gaussian through the ODE sampler:\n"
        "    S     exact NLL - closed form (standard error)   trapezoid estimate - closed form\n",
        kHeldOut, closed_form, entropy);
    bool never_below = true, estimate_below = false;
    double gap_100 = 0, se_100 = 0;
    for (int S : {10, 20, 50, 100}) {
        const ddpm::OdeEncoding enc = ddpm::ode_encode(exact_eps, gauss, sched, S);
        std::vector<double> d(kHeldOut);
        for (int i = 0; i < kHeldOut; ++i) d[i] = log_q[i] - enc.log_p[i];
        double var = 0;
        for (double v : d) var += (v - mean(d)) * (v - mean(d)) / (kHeldOut - 1);
        const double se = std::sqrt(var / kHeldOut);
        const double est =
            mean_nll(ddpm::ode_encode_integral(exact_eps, gauss, sched, S)) - closed_form;
        std::printf("  %3d   %+.4f (%.4f)                          %+.4f\n", S, mean(d), se, est);
        never_below = never_below && mean(d) > -3 * se;
        estimate_below = estimate_below || est < -3 * se;
        gap_100 = mean(d);
        se_100 = se;
    }
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
    // The network learns on the linear schedule, whose steps stay invertible (see exact_nll).
    ddpm::Trainer g = train_model("gaussian", "linear", epochs);
    const Likelihoods l = likelihoods(g.model, g.sched, gauss, ddpm::standard_prior(), rng);
    std::printf(
        "  the ELBO with the exact eps, sigma^2 = beta, T = 100   %.4f\n"
        "                                             T = 1000    %.4f\n"
        "  a network trained on the linear schedule:\n"
        "    the ODE sampler's exact NLL                          %.4f\n"
        "    its ELBO, sigma^2 = beta                             %.4f\n",
        exact_elbo[0], exact_elbo[1], l.ode_nll, l.elbo_beta.total());
    check.that(never_below,
               "the exact NLL of the exact field is never below the closed form (by more than 3 "
               "standard errors), at 10 to 100 steps");
    check.that(std::fabs(gap_100) < 3 * se_100 + 0.01,
               "at 100 steps it meets the closed form (within 3 standard errors + 0.01)");
    check.that(estimate_below,
               "the trapezoid estimate falls below the closed form at few steps: a quadrature, "
               "not a density");
    check.that(std::fabs(exact_elbo[1] - closed_form) < 0.1 && exact_elbo[1] < exact_elbo[0],
               "the ELBO of the exact eps meets the closed form as the steps grow");
    check.that(l.ode_nll > closed_form - 0.05 && l.elbo_beta.total() > closed_form - 0.05,
               "the trained network's exact NLL and ELBO are not below the data's NLL");
}

}  // namespace
