#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/datasets.h"
#include "diffusion/forward.h"
#include "diffusion/loss.h"
#include "diffusion/sample.h"
#include "diffusion/train.h"

TEST_CASE("the loader makes 78 batches of 128 and one of 16, each point once per epoch") {
    ddpm::Tensor data({10000, 2});
    for (int i = 0; i < 10000; ++i) data.at(i, 0) = static_cast<float>(i);
    ddpm::BatchLoader loader(data, 128);
    CHECK(loader.num_batches() == 79);
    ddpm::Rng rng(3);
    std::vector<float> batch(128 * 2);
    std::vector<int> first_order;
    for (int epoch = 0; epoch < 2; ++epoch) {
        loader.shuffle(rng);
        std::vector<int> seen(10000, 0);
        for (int i = 0; i < loader.num_batches(); ++i) {
            int B = loader.batch(i, batch.data());
            CHECK(B == (i < 78 ? 128 : 16));
            for (int r = 0; r < B; ++r) ++seen[static_cast<int>(batch[r * 2])];
        }
        CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
        if (epoch == 0) first_order = loader.order();
    }
    CHECK(loader.order() != first_order);  // reshuffled
    ddpm::Rng same(3);
    loader.shuffle(same);
    CHECK(loader.order() == first_order);  // seed-determined
}

TEST_CASE("antithetic steps pair t with T-1-t; an odd batch's last sample draws its own") {
    ddpm::Rng rng(1);
    int t[7];
    ddpm::antithetic_steps(t, 7, 100, rng);
    for (int i = 0; i < 3; ++i) CHECK(t[3 + i] == 99 - t[i]);
    CHECK(t[6] >= 0);
    CHECK(t[6] < 100);
}

TEST_CASE("the loss works for every batch size, odd ones too") {
    ddpm::Rng rng(2);
    ddpm::Tensor data = ddpm::make_s_curve(64, 0.1f, rng);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    ddpm::MLPDiffusion model;
    model.init(rng);
    ddpm::LossBuffers buf;
    for (int B : {1, 2, 3, 17, 64}) {
        CAPTURE(B);
        model.zero_grad();
        float loss = ddpm::diffusion_loss_fn(model, data.data(), B, sched, rng, buf);
        CHECK(std::isfinite(loss));
        CHECK(loss > 0);
    }
}

static ddpm::Trainer small_run(int epochs, uint64_t seed) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    ddpm::Trainer tr(ddpm::ModelConfig{}, cfg, ddpm::Schedule::sigmoid(100), seed);
    ddpm::Rng data_rng(seed);
    ddpm::Tensor data = ddpm::make_s_curve(2560, 0.1f, data_rng);  // 20 batches an epoch
    tr.train(data, nullptr);
    return tr;
}

TEST_CASE("2000 training steps bring the loss clearly below its start") {
    ddpm::Trainer tr = small_run(100, 7);
    CHECK(tr.adam.t == 2000);
    float first = tr.epoch_loss.front();
    float last = (tr.epoch_loss[97] + tr.epoch_loss[98] + tr.epoch_loss[99]) / 3;
    MESSAGE("mean loss of epoch 1: " << first << ", of the last 3 epochs: " << last);
    CHECK(first > 0.8f);         // an untrained model predicts noise badly: ~1 or more
    CHECK(last < 0.6f * first);  // the notebook's model reaches ~0.3-0.4
}

TEST_CASE("same seed, identical weights; another seed, other weights") {
    ddpm::Trainer a = small_run(3, 11), b = small_run(3, 11), c = small_run(3, 12);
    CHECK(a.model.params == b.model.params);
    CHECK(a.ema.shadow == b.ema.shadow);
    CHECK(a.model.params != c.model.params);
}

TEST_CASE("EMA weights trail the raw weights after training") {
    ddpm::Trainer tr = small_run(2, 5);
    double diff = 0;
    for (size_t i = 0; i < tr.model.num_params(); ++i)
        diff += std::fabs(tr.model.params[i] - tr.ema.shadow[i]);
    CHECK(diff > 0);
    ddpm::MLPDiffusion e = ddpm::ema_model(tr);
    CHECK(e.params == tr.ema.shadow);
}

#include "fast/parallel.h"

TEST_CASE("training and sampling give bit-identical results for 1 and 2 threads") {
    std::vector<float> params[2], samples[2];
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        ddpm::Trainer tr = small_run(3, 21);
        params[threads - 1].assign(tr.model.params.begin(), tr.model.params.end());
        ddpm::Rng rng(4);
        ddpm::Tensor s = ddpm::p_sample_loop(tr.model, 3000, tr.sched, rng).frame(100);
        samples[threads - 1].assign(s.data(), s.data() + s.size());
    }
    ddpm::set_num_threads(1);
    CHECK(params[0] == params[1]);
    CHECK(samples[0] == samples[1]);
}

// A wide model (lesson 15's shape: 196 -> 3 x 512, ~0.9M parameters) is where Adam, the EMA and the
// transposes of the weights take blocks on both threads; the steps must not change for it.
TEST_CASE("a wide model's training steps are bit-identical for 1 and 2 threads") {
    ddpm::ModelConfig mc;
    mc.dim = 196;
    mc.hidden = 512;
    mc.num_classes = 10;
    mc.norm = true;
    mc.skip = true;
    ddpm::Tensor batch({64, 196});
    ddpm::Rng data_rng(8);
    for (size_t i = 0; i < batch.size(); ++i)
        batch[i] = static_cast<float>(2 * data_rng.uniform() - 1);
    std::vector<int> labels(64);
    for (int i = 0; i < 64; ++i) labels[i] = i % 10;
    std::vector<float> params[2], shadow[2];
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        ddpm::Trainer tr(mc, ddpm::TrainConfig{}, ddpm::Schedule::linear_scaled(100), 5);
        for (int step = 0; step < 3; ++step) tr.step(batch.data(), labels.data(), 64);
        params[threads - 1].assign(tr.model.params.begin(), tr.model.params.end());
        shadow[threads - 1].assign(tr.ema.shadow.begin(), tr.ema.shadow.end());
    }
    ddpm::set_num_threads(1);
    CHECK(params[0].size() > 2 * static_cast<size_t>(ddpm::kMinParallelElements));
    CHECK(params[0] == params[1]);
    CHECK(shadow[0] == shadow[1]);
}
