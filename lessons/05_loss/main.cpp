// Lesson 05: the training objective, L_simple.
//
// DDPM's loss (Ho et al. 2020, Eq. 14): pick a data point x_0, a step t and noise eps; make
// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps; ask the model for eps back:
//   L = E |eps - eps_theta(x_t, t)|^2
// The notebook's diffusion_loss_fn draws half the batch's steps at random and gives the other
// half T-1-t ("antithetic" steps): small and large t always come in pairs.
// Section 1 writes it out and checks it against ddpm::diffusion_loss_fn (lib/diffusion/loss.cpp),
// the loss the tools train with, bit for bit.
#include <cmath>
#include <cstdio>
#include <vector>

#include "../lesson.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/loss.h"
#include "diffusion/train.h"
#include "nn/layers.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    const int T = 100;
    ddpm::Rng data_rng(7);
    ddpm::Tensor data = ddpm::make_s_curve(10000, 0.1f, data_rng);

    // A briefly trained model: the loss's shape only shows once the model has learnt something.
    ddpm::TrainConfig cfg;
    cfg.epochs = check.quick ? 8 : 30;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(T), 7);
    std::printf("training the notebook's model for %d epochs first...\n", cfg.epochs);
    tr.train(data, nullptr);
    ddpm::MLPDiffusion& model = tr.model;
    ddpm::Rng& rng = tr.rng;

    // 1. The notebook's diffusion_loss_fn on one batch of 128, written out, then lib's on the same
    //    draws (a copy of the generator): the same bits.
    const int B = 128;
    const ddpm::Schedule& sched = tr.sched;
    ddpm::Rng same = rng;
    std::vector<int> t(B);
    float by_hand = 0;
    {
        for (int i = 0; i < B / 2; ++i) t[i] = same.randint(T);       // t = randint(0, T, B/2)
        for (int i = 0; i < B / 2; ++i) t[B / 2 + i] = T - 1 - t[i];  // cat([t, T-1-t])
        std::vector<float> e(2 * B), x_t(2 * B), pred(2 * B);
        for (float& v : e) v = same.normal();  // e ~ N(0, I)
        for (int b = 0; b < B; ++b)
            for (int d = 0; d < 2; ++d)  // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) e, Eq. 4
                x_t[2 * b + d] = sched.alphas_bar_sqrt[t[b]] * data[2 * b + d] +
                                 sched.one_minus_alphas_bar_sqrt[t[b]] * e[2 * b + d];
        model.forward(pred.data(), x_t.data(), t.data(), B);  // eps_theta(x_t, t)
        double sum = 0;
        for (int i = 0; i < 2 * B; ++i) {
            const double d = static_cast<double>(pred[i]) - e[i];
            sum += d * d;  // |e - eps_theta(x_t, t)|^2
        }
        by_hand = static_cast<float>(sum / (2 * B));  // the mean, Eq. 14
    }

    ddpm::LossBuffers buf;
    float batch_loss = ddpm::diffusion_loss_fn(model, data.data(), B, sched, rng, buf);
    check.that(by_hand == batch_loss && buf.t == t,
               "the notebook's loss written out = lib's diffusion_loss_fn, bit for bit");
    std::printf(
        "\nloss of one batch of 128: %.4f; its steps pair up: t = %d with %d, %d with %d, ...\n",
        batch_loss, buf.t[0], buf.t[64], buf.t[1], buf.t[65]);
    check.that(buf.t[0] + buf.t[64] == T - 1 && buf.t[1] + buf.t[65] == T - 1,
               "the second half's steps are T-1-t of the first half's");

    // 2. The loss at each step t, over 2,000 points: x_t is nearly x_0 for small t, so the small
    //    noise in it is hard to see, and the loss there is much larger.
    const int n = check.quick ? 1000 : 2000;
    std::vector<double> loss_at(T);
    std::vector<int> steps(n);
    std::vector<float> eps(n * 2), x_t(n * 2), pred(n * 2);
    for (int t = 0; t < T; ++t) {
        for (int& s : steps) s = t;
        for (float& e : eps) e = rng.normal();
        ddpm::q_x(x_t.data(), data.data(), eps.data(), steps.data(), n, 2, tr.sched);
        model.forward(pred.data(), x_t.data(), steps.data(), n);
        loss_at[t] = ddpm::mse_forward(pred.data(), eps.data(), n * 2);
    }
    std::printf("\nloss by step (mean over %d points):\n", n);
    for (int t = 0; t < T; t += 11) std::printf("  t = %2d   loss %.4f\n", t, loss_at[t]);
    double early = 0, late = 0;
    for (int t = 0; t < 10; ++t) {
        early += loss_at[t] / 10;
        late += loss_at[T - 1 - t] / 10;
    }
    std::printf("mean over t < 10: %.4f; over t >= 90: %.4f (%.1fx)\n", early, late, early / late);
    check.that(early > 2 * late, "the loss is much larger for small t than for large t");

    // 3. Why pair the steps? A batch's loss is an estimate of L; pairing a step where the loss is
    //    large with one where it is small makes the batch's mix of steps more even, so the
    //    estimate varies less from batch to batch. Measured over many batches of 128:
    const int batches = check.quick ? 300 : 2000;
    auto batch_estimate = [&](bool antithetic) {
        std::vector<int> t(128);
        std::vector<float> e(256), xt(256), p(256);
        int first = rng.randint(10000 - 128);
        if (antithetic) {
            ddpm::antithetic_steps(t.data(), 128, T, rng);
        } else {
            for (int& s : t) s = rng.randint(T);  // independent steps
        }
        for (float& v : e) v = rng.normal();
        ddpm::q_x(xt.data(), data.data() + first * 2, e.data(), t.data(), 128, 2, tr.sched);
        model.forward(p.data(), xt.data(), t.data(), 128);
        return static_cast<double>(ddpm::mse_forward(p.data(), e.data(), 256));
    };
    double var[2];
    for (int a = 0; a < 2; ++a) {
        double s = 0, s2 = 0;
        for (int b = 0; b < batches; ++b) {
            double l = batch_estimate(a == 1);
            s += l;
            s2 += l * l;
        }
        double mean = s / batches;
        var[a] = s2 / batches - mean * mean;
        std::printf("%-22s mean %.4f   variance %.3e   (%d batches)\n",
                    a ? "antithetic steps:" : "independent steps:", mean, var[a], batches);
    }
    std::printf("pairing removes %.0f%% of the variance\n\n", 100 * (1 - var[1] / var[0]));
    check.that(var[1] < var[0], "antithetic steps give a less noisy batch loss");
    return check.finish();
}
