#include <doctest/doctest.h>

#include <atomic>
#include <climits>
#include <cmath>
#include <cstring>

#include "data/datasets.h"
#include "helpers.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"

static ddpm::Trainer make_trainer(int epochs) {
    ddpm::TrainConfig cfg;
    cfg.epochs = epochs;
    return ddpm::Trainer(ddpm::ModelConfig{100, 32, 2, 2}, cfg, ddpm::Schedule::cosine(100), 9);
}

static ddpm::Tensor data_for(uint64_t seed) {
    ddpm::Rng rng(seed);
    return ddpm::make_s_curve(640, 0.1f, rng);
}

TEST_CASE("a checkpoint round trip is bit-exact") {
    ddpm::Trainer tr = make_trainer(2);
    tr.train(data_for(9), nullptr);
    TempDir dir;
    ddpm::RunInfo run;
    run.dataset = "moons";
    run.dataset_n = 640;
    run.recipe = "improved";
    ddpm::save_checkpoint(tr, run, dir.file("m.ckpt"));
    ddpm::Checkpoint ck = ddpm::load_checkpoint(dir.file("m.ckpt"));
    const ddpm::Trainer& back = ck.trainer;
    CHECK(ck.run.dataset == "moons");
    CHECK(ck.run.dataset_n == 640);
    CHECK(ck.run.recipe == "improved");
    CHECK(back.model.params == tr.model.params);
    CHECK(back.ema.shadow == tr.ema.shadow);
    CHECK(back.adam.m == tr.adam.m);
    CHECK(back.adam.v == tr.adam.v);
    CHECK(back.adam.t == tr.adam.t);
    CHECK(back.epoch == 2);
    CHECK(back.epoch_loss == tr.epoch_loss);
    CHECK(back.sched.name == "cosine");
    CHECK(back.model_cfg.hidden == 32);
    CHECK(back.seed == 9);
    CHECK(ck.trainer.rng.next_u32() == tr.rng.next_u32());
}

TEST_CASE("an interrupted and resumed run ends bit-identical to an uninterrupted one") {
    ddpm::Trainer whole = make_trainer(4);
    whole.train(data_for(9), nullptr);

    ddpm::Trainer first = make_trainer(4);
    first.train(data_for(9), [](const ddpm::EpochReport& r) { return r.epoch < 2; });
    CHECK(first.epoch == 2);
    ddpm::Trainer resumed =
        ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(first, {}), "mem").trainer;
    resumed.train(data_for(resumed.seed), nullptr);
    CHECK(resumed.epoch == 4);
    CHECK(resumed.model.params == whole.model.params);
    CHECK(resumed.ema.shadow == whole.ema.shadow);
    CHECK(resumed.epoch_loss == whole.epoch_loss);
}

TEST_CASE("a run stopped after any step (as by Ctrl-C) resumes bit-identical") {
    ddpm::Trainer whole = make_trainer(3);
    whole.train(data_for(9), nullptr);

    // With the stop flag already raised, train() returns after one step, mid-epoch; each time,
    // the state goes through a checkpoint and training resumes from what was loaded.
    ddpm::Tensor data = data_for(9);
    std::atomic<bool> stop{true};
    ddpm::Trainer part = make_trainer(3);
    int calls = 0;
    while (!part.finished()) {
        ddpm::Trainer resumed =
            ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(part, {}), "mem").trainer;
        resumed.train(data, nullptr, &stop);
        part = std::move(resumed);
        ++calls;
    }
    // 3 epochs of 5 batches: one step a call (the step that ends an epoch also closes it).
    CHECK(calls == 15);
    CHECK(part.model.params == whole.model.params);
    CHECK(part.adam.m == whole.adam.m);
    CHECK(part.ema.shadow == whole.ema.shadow);
    CHECK(part.epoch_loss == whole.epoch_loss);
}

TEST_CASE("a NaN loss is caught before the weights change") {
    ddpm::Trainer tr = make_trainer(1);
    auto before = tr.model.params;
    std::vector<float> bad(128 * 2, NAN);
    CHECK_THROWS_WITH(tr.step(bad.data(), 128), doctest::Contains("became nan at epoch 1, step 1"));
    CHECK(tr.model.params == before);
    CHECK(tr.adam.t == 0);
}

TEST_CASE("a checkpoint keeps the model's embedding and the data's normalisation") {
    ddpm::ModelConfig mc{100, 16, 2, 2, ddpm::ModelConfig::Embedding::sinusoidal};
    ddpm::TrainConfig cfg;
    cfg.epochs = 1;
    ddpm::Trainer tr(mc, cfg, ddpm::Schedule::sigmoid(100), 4);
    ddpm::RunInfo run;
    run.data_norm.mean[0] = 300;
    run.data_norm.mean[1] = -20;
    run.data_norm.scale = 357;
    tr.train(data_for(4), nullptr);
    ddpm::Checkpoint ck = ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(tr, run), "mem");
    const ddpm::Trainer& back = ck.trainer;
    CHECK(back.model_cfg.embedding == ddpm::ModelConfig::Embedding::sinusoidal);
    CHECK(back.model.num_params() == tr.model.num_params());
    CHECK(back.model.params == tr.model.params);
    CHECK(ck.run.data_norm.mean[0] == 300);
    CHECK(ck.run.data_norm.mean[1] == -20);
    CHECK(ck.run.data_norm.scale == 357);
}

TEST_CASE("corrupt, truncated and foreign checkpoints are refused with a message saying which") {
    ddpm::Trainer tr = make_trainer(0);
    std::string good = ddpm::checkpoint_bytes(tr, {});
    CHECK_NOTHROW(ddpm::checkpoint_from_bytes(good, "m.ckpt"));
    std::string flipped = good;
    flipped[good.size() / 2] ^= 0x40;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(flipped, "m.ckpt"),
                      "m.ckpt: checksum mismatch (file corrupt or truncated)");
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(good.substr(0, good.size() - 100), "m.ckpt"),
                      doctest::Contains("truncated"));
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(good.substr(0, 10), "m.ckpt"),
                      doctest::Contains("truncated"));
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes("\x89PNG\r\n\x1a\n and more bytes", "a.png"),
                      "a.png: not a ddpm checkpoint (wrong magic number)");
    std::string future = good;
    future[8] = 9;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(future, "m.ckpt"),
                      doctest::Contains("version 9 is not supported"));
    // A payload size that claims far more than the file holds never gets allocated.
    std::string huge = good;
    for (int i = 12; i < 20; ++i) huge[i] = '\x7f';
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(huge, "m.ckpt"), doctest::Contains("truncated"));
    CHECK_THROWS_WITH(ddpm::load_checkpoint("/nonexistent/m.ckpt"),
                      doctest::Contains("cannot read"));
}

// The file's checksum recomputed after an edit, as anyone can: validation must not rest on it.
static std::string with_fresh_checksum(std::string bytes) {
    const size_t header = 8 + 4 + 8, payload = bytes.size() - header - 8;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < payload; ++i)
        h = (h ^ static_cast<unsigned char>(bytes[header + i])) * 1099511628211ULL;
    std::memcpy(&bytes[header + payload], &h, 8);
    return bytes;
}

TEST_CASE(
    "a checkpoint with a valid checksum is still checked field by field, as from a stranger") {
    ddpm::Trainer tr = make_trainer(1);
    tr.train(data_for(3), nullptr);
    ddpm::RunInfo run;
    run.dataset = "s_curve";
    run.dataset_n = 640;
    const std::string good = ddpm::checkpoint_bytes(tr, run);
    CHECK_NOTHROW(ddpm::checkpoint_from_bytes(good, "good.ckpt"));

    // A 10 KB file declaring hidden 4096, depth 16, 100,000 steps: refused before any allocation.
    std::string big = good;
    const int32_t steps = 100000, hidden = 4096, depth = 16;
    std::memcpy(&big[20], &steps, 4);
    std::memcpy(&big[24], &hidden, 4);
    std::memcpy(&big[28], &depth, 4);
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(with_fresh_checksum(big), "big.ckpt"),
                      doctest::Contains("parameters, more than the file's"));

    ddpm::Trainer bad_v = tr;
    bad_v.adam.v[7] = -1.0f;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(bad_v, run), "v.ckpt"),
                      doctest::Contains("Adam's second moments hold a negative value"));
    ddpm::Trainer bad_m = tr;
    bad_m.adam.m[3] = NAN;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(bad_m, run), "m.ckpt"),
                      doctest::Contains("non-finite"));
    ddpm::Trainer bad_t = tr;
    bad_t.adam.t = INT64_MAX;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(bad_t, run), "t.ckpt"),
                      doctest::Contains("Adam's step count"));
    ddpm::Trainer bad_order = tr;
    bad_order.epoch_order.assign(640, 9999);
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(bad_order, run), "o.ckpt"),
                      doctest::Contains("order is out of range"));
}

// Version 6: a conditional flow-matching run, its objective, classes, label dropout and guidance
// kept, and resumed mid-run to the same bits.
TEST_CASE("a conditional flow-matching run: saved, resumed, bit-identical; version 5 still loads") {
    ddpm::ModelConfig mc{100, 16, 2, 2};
    mc.num_classes = 3;
    ddpm::TrainConfig cfg;
    cfg.epochs = 3;
    cfg.objective = ddpm::Objective::flow;
    cfg.p_uncond = 0.25f;
    const ddpm::LabelledData data = ddpm::make_labelled_dataset("s_curve", 400, 3, 5);
    ddpm::Trainer whole(mc, cfg, ddpm::Schedule::sigmoid(100), 5);
    whole.train(data.points, data.labels, nullptr);
    ddpm::Trainer first(mc, cfg, ddpm::Schedule::sigmoid(100), 5);
    first.train(data.points, data.labels, [](const ddpm::EpochReport& r) { return r.epoch < 1; });
    ddpm::RunInfo run;
    run.guidance = 2.5f;
    ddpm::Checkpoint ck = ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(first, run), "mem");
    CHECK(ck.trainer.cfg.objective == ddpm::Objective::flow);
    CHECK(ck.trainer.cfg.p_uncond == 0.25f);
    CHECK(ck.trainer.model_cfg.num_classes == 3);
    CHECK(ck.run.guidance == 2.5f);
    ck.trainer.train(data.points, data.labels, nullptr);
    CHECK(ck.trainer.model.params == whole.model.params);
    CHECK_THROWS_WITH(ck.trainer.train(data.points, std::vector<int>(), nullptr),
                      doctest::Contains("needs a label for each"));

    // The corpus keeps a file the build before version 6 wrote: an eps model without classes.
    const ddpm::Checkpoint old = ddpm::load_checkpoint("tests/corpus/checkpoint/good_tiny_v5.ckpt");
    CHECK(old.trainer.cfg.objective == ddpm::Objective::eps);
    CHECK(old.trainer.model_cfg.num_classes == 0);
    CHECK(old.run.guidance == 1.0f);
    std::string older = ddpm::checkpoint_bytes(whole, {});
    older[8] = 4;
    CHECK_THROWS_WITH(ddpm::checkpoint_from_bytes(older, "m.ckpt"),
                      "m.ckpt: checkpoint version 4 is not supported (this build reads versions 5 "
                      "to 7)");
}
