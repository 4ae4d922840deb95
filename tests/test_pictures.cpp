// The pieces lessons 15 and 16 add for pictures: the layer norm and softmax cross-entropy (their
// gradients against finite differences), the MLP's norm and skip, the classifier, the feature
// measures (Fréchet distance against its closed form), gzip's limit, Fashion-MNIST's files, and
// the sampler's x_0 clipping, the yardstick's measures and its file, and the pictures' GIF.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "core/error.h"
#include "core/gradcheck.h"
#include "core/linalg.h"
#include "core/rng.h"
#include "data/feature_metrics.h"
#include "data/metrics.h"
#include "diffusion/sample.h"
#include "diffusion/schedule.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/fashion_mnist.h"
#include "io/gzip.h"
#include "nn/autoencoder.h"
#include "nn/classifier.h"
#include "nn/layers.h"
#include "nn/model.h"
#include "nn/picture_quality.h"
#include "io/safetensors.h"
#include "io/yardstick_file.h"
#include "render/pictures.h"
#include "helpers.h"

namespace {

// sum(out * R) for a fixed random R: a scalar whose gradient at out is R.
double weighted_sum(const std::vector<double>& out, const std::vector<double>& R) {
    double s = 0;
    for (size_t i = 0; i < out.size(); ++i) s += out[i] * R[i];
    return s;
}

}  // namespace

TEST_CASE("layer_norm: rows of mean 0 and variance 1, and a gradient that matches differences") {
    const int B = 3, C = 7;
    ddpm::Rng rng(1);
    std::vector<double> x(B * C), y(B * C), rstd(B), R(B * C), dx(B * C, 0.0);
    for (double& v : x) v = 2 + 3 * rng.normal();
    for (double& v : R) v = rng.normal();
    ddpm::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
    for (int b = 0; b < B; ++b) {
        double m = 0, v = 0;
        for (int c = 0; c < C; ++c) m += y[b * C + c] / C;
        for (int c = 0; c < C; ++c) v += (y[b * C + c] - m) * (y[b * C + c] - m) / C;
        CHECK(std::fabs(m) < 1e-12);
        CHECK(v == doctest::Approx(1.0).epsilon(1e-5));  // var / (var + 1e-5)
    }
    auto f = [&] {
        ddpm::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
        return weighted_sum(y, R);
    };
    f();
    ddpm::layer_norm_backward(dx.data(), R.data(), y.data(), rstd.data(), B, C);
    const double err =
        ddpm::max_relative_error(dx.data(), ddpm::numerical_gradient(f, x.data(), x.size(), 1e-6));
    MESSAGE("layer_norm's gradient against central differences: " << err);
    CHECK(err < 1e-7);
}

TEST_CASE("softmax cross-entropy: PyTorch's formula, and a gradient that matches differences") {
    const int B = 4, K = 5;
    ddpm::Rng rng(2);
    std::vector<double> z(B * K), p(B * K), dz(B * K, 0.0);
    const int labels[B] = {0, 4, 2, 2};
    for (double& v : z) v = 3 * rng.normal();
    const double loss = ddpm::softmax_cross_entropy_forward(p.data(), z.data(), labels, B, K);
    double expected = 0;
    for (int b = 0; b < B; ++b) {
        double total = 0;
        for (int k = 0; k < K; ++k) total += std::exp(z[b * K + k]);
        expected += (std::log(total) - z[b * K + labels[b]]) / B;
    }
    CHECK(loss == doctest::Approx(expected).epsilon(1e-12));
    // Large logits do not overflow: the largest is subtracted first.
    std::vector<double> big = {1000, 0, -1000, 5, 5}, pbig(5);
    const int zero = 0;
    CHECK(ddpm::softmax_cross_entropy_forward(pbig.data(), big.data(), &zero, 1, 5) ==
          doctest::Approx(0.0));
    auto f = [&] { return ddpm::softmax_cross_entropy_forward(p.data(), z.data(), labels, B, K); };
    f();
    ddpm::softmax_cross_entropy_backward(dz.data(), p.data(), labels, B, K);
    const double err =
        ddpm::max_relative_error(dz.data(), ddpm::numerical_gradient(f, z.data(), z.size(), 1e-6));
    MESSAGE("softmax cross-entropy's gradient against central differences: " << err);
    CHECK(err < 1e-7);
}

TEST_CASE("the MLP with a layer norm and a skip: every gradient matches differences") {
    for (int variant = 0; variant < 3; ++variant) {
        ddpm::ModelConfig cfg{10, 12, 3, 9};  // 9 values a "picture"
        cfg.num_classes = 3;
        cfg.norm = variant != 1;
        cfg.skip = variant != 0;
        CAPTURE(cfg.norm);
        CAPTURE(cfg.skip);
        ddpm::MLP<double> m(cfg);
        size_t skip_values = 0;
        for (const ddpm::ParamInfo& p : m.layout())
            if (p.name == "skip.weight") skip_values = p.size();
        CHECK(skip_values == (cfg.skip ? 81u : 0u));
        ddpm::Rng rng(5);
        m.init(rng);
        const int B = 4, D = cfg.dim;
        std::vector<double> x(B * D), out(B * D), R(B * D), dx(B * D, 0.0);
        int t[B] = {0, 9, 4, 4}, c[B] = {0, 2, 3, 1};
        ddpm::Conditioning in;
        in.t = t;
        in.c = c;
        for (double& v : x) v = rng.normal();
        for (double& v : R) v = rng.normal();
        auto f = [&] {
            m.forward(out.data(), x.data(), in, B);
            return weighted_sum(out, R);
        };
        f();
        m.zero_grad();
        m.backward(R.data(), dx.data());
        double worst = 0;
        for (const ddpm::ParamInfo& p : m.layout())
            worst = std::fmax(worst, ddpm::max_relative_error(
                                         m.grads.data() + p.offset,
                                         ddpm::numerical_gradient(f, m.params.data() + p.offset,
                                                                  p.size(), 1e-6)));
        const double err_x = ddpm::max_relative_error(
            dx.data(), ddpm::numerical_gradient(f, x.data(), x.size(), 1e-6));
        MESSAGE("parameters " << worst << ", input " << err_x);
        CHECK(worst < 1e-6);
        CHECK(err_x < 1e-6);
    }
}

TEST_CASE("a checkpoint keeps the norm and the skip (version 7)") {
    ddpm::ModelConfig mc{10, 8, 2, 9};
    mc.norm = true;
    mc.skip = true;
    ddpm::TrainConfig tc;
    tc.epochs = 1;
    ddpm::Trainer tr(mc, tc, ddpm::Schedule::linear(10), 3);
    const ddpm::Checkpoint back =
        ddpm::checkpoint_from_bytes(ddpm::checkpoint_bytes(tr, {}), "p.ckpt");
    CHECK(back.trainer.model_cfg.norm);
    CHECK(back.trainer.model_cfg.skip);
    CHECK(back.trainer.model.params.size() == tr.model.params.size());
    for (size_t i = 0; i < tr.model.params.size(); ++i)
        REQUIRE(back.trainer.model.params[i] == tr.model.params[i]);
}

TEST_CASE("the classifier's gradient matches differences, and it learns a separable problem") {
    ddpm::ClassifierConfig cc{6, 8, 2, 3};
    ddpm::Classifier<double> net(cc);
    ddpm::Rng rng(6);
    net.init(rng);
    const int B = 5;
    std::vector<double> x(B * 6), logits(B * 3), probs(B * 3), dlogits(B * 3, 0.0);
    const int labels[B] = {0, 1, 2, 1, 0};
    for (double& v : x) v = rng.normal();
    auto f = [&] {
        net.forward(logits.data(), x.data(), B);
        return ddpm::softmax_cross_entropy_forward(probs.data(), logits.data(), labels, B, 3);
    };
    f();
    net.zero_grad();
    ddpm::softmax_cross_entropy_backward(dlogits.data(), probs.data(), labels, B, 3);
    net.backward(dlogits.data());
    const double err = ddpm::max_relative_error(
        net.grads.data(), ddpm::numerical_gradient(f, net.params.data(), net.params.size(), 1e-6));
    MESSAGE("classifier's gradient against central differences: " << err);
    CHECK(err < 1e-6);

    // Three clusters in 6 dimensions: trained, it names nearly all of them; the features are its
    // last hidden layer.
    const int n = 600;
    ddpm::Tensor points({n, 6});
    std::vector<int> y(n);
    for (int i = 0; i < n; ++i) {
        y[i] = i % 3;
        for (int d = 0; d < 6; ++d)
            points.at(i, d) = (d == 2 * y[i] ? 2.0f : 0.0f) + 0.5f * rng.normal();
    }
    ddpm::Classifier<float> judge(cc);
    judge.init(rng);
    ddpm::ClassifierTraining how;
    how.epochs = 20;
    how.batch = 32;
    ddpm::train_classifier(judge, points, y, how);
    CHECK(ddpm::classifier_accuracy(judge, points, y) > 0.95);
    CHECK(ddpm::classifier_features(judge, points).shape() == std::vector<int>{n, 8});
    CHECK_THROWS_AS(ddpm::train_classifier(judge, points, std::vector<int>(n, 3), how),
                    ddpm::Error);
}

TEST_CASE("symmetric_eigen: A = V diag(values) V^T, to rounding") {
    const int n = 6;
    ddpm::Rng rng(7);
    std::vector<double> a(n * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = rng.normal();
    std::vector<double> values, V;
    ddpm::symmetric_eigen(a, n, &values, &V);
    double worst = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0;
            for (int e = 0; e < n; ++e) s += V[i * n + e] * values[e] * V[j * n + e];
            worst = std::fmax(worst, std::fabs(s - a[i * n + j]));
        }
    CHECK(worst < 1e-10);
    a[1] += 1;  // no longer symmetric
    CHECK_THROWS_AS(ddpm::symmetric_eigen(a, n, &values), ddpm::Error);
}

TEST_CASE("the Fréchet distance: its closed form for Gaussians, 0 for a set against itself") {
    // Covariances R diag(s^2) R^T with one rotation R: the distance is |dmu|^2 + sum (s_a - s_b)^2.
    const int d = 3;
    const double c = std::cos(0.7), s = std::sin(0.7);
    const double R[3][3] = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
    auto gaussian = [&](std::vector<double> mean, std::vector<double> sd) {
        ddpm::FeatureGaussian g;
        g.dim = d;
        g.mean = mean;
        g.cov.assign(d * d, 0.0);
        for (int i = 0; i < d; ++i)
            for (int j = 0; j < d; ++j)
                for (int e = 0; e < d; ++e) g.cov[i * d + j] += R[i][e] * sd[e] * sd[e] * R[j][e];
        return g;
    };
    const ddpm::FeatureGaussian a = gaussian({0, 1, 2}, {1, 2, 0.5});
    const ddpm::FeatureGaussian b = gaussian({1, 1, 0}, {3, 1, 0.5});
    CHECK(ddpm::frechet_distance(a, b) == doctest::Approx(1 + 4 + 4 + 1).epsilon(1e-9));
    CHECK(ddpm::frechet_distance(a, a) == doctest::Approx(0.0).scale(1.0).epsilon(1e-9));

    ddpm::Rng rng(8);
    ddpm::Tensor set({400, 4}), shifted({400, 4});
    for (size_t i = 0; i < set.size(); ++i) {
        set[i] = rng.normal();
        shifted[i] = set[i] + 1.0f;
    }
    CHECK(ddpm::frechet_distance(set, set) < 1e-9);
    CHECK(ddpm::frechet_distance(set, shifted) == doctest::Approx(4.0).epsilon(1e-5));
}

TEST_CASE("k-NN precision and recall in many dimensions, and nearest distances") {
    ddpm::Rng rng(9);
    ddpm::Tensor a({200, 10}), far({200, 10});
    for (size_t i = 0; i < a.size(); ++i) {
        a[i] = rng.normal();
        far[i] = rng.normal() + 20.0f;
    }
    const ddpm::PrecisionRecall same = ddpm::knn_precision_recall(a, a, 5);
    CHECK(same.precision == 1.0);
    CHECK(same.recall == 1.0);
    const ddpm::PrecisionRecall apart = ddpm::knn_precision_recall(far, a, 5);
    CHECK(apart.precision == 0.0);
    CHECK(apart.recall == 0.0);
    const ddpm::Tensor q({2, 2}, {0, 0, 3, 4}), ref({2, 2}, {0, 1, 3, 0});
    const std::vector<double> near = ddpm::nearest_distances(q, ref);
    CHECK(near[0] == doctest::Approx(1.0));
    CHECK(near[1] == doctest::Approx(4.0));
    CHECK_THROWS_AS(ddpm::knn_precision_recall(a, ddpm::Tensor({10, 3}), 5), ddpm::Error);
}

TEST_CASE("gunzip refuses a stream that unpacks past its limit, while unpacking") {
    const std::string bomb = ddpm::read_file("tests/corpus/idx/bad_zeros.idx.gz");
    CHECK(ddpm::gunzip(bomb, "z.gz", size_t(1) << 21).size() == size_t(1) << 20);
    CHECK_THROWS_WITH(ddpm::gunzip(bomb, "z.gz", 1000),
                      doctest::Contains("unpacks to more than 1000 bytes"));
}

TEST_CASE("pictures: values in [-1, 1] and back, 2 x 2 means") {
    CHECK(ddpm::pixel_to_value(0) == -1.0f);
    CHECK(ddpm::pixel_to_value(255) == 1.0f);
    for (int p = 0; p < 256; ++p) REQUIRE(ddpm::value_to_pixel(ddpm::pixel_to_value(p)) == p);
    CHECK(ddpm::value_to_pixel(7.0f) == 255);
    CHECK(ddpm::value_to_pixel(NAN) == 0);
    const ddpm::Tensor four({1, 16}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
    const ddpm::Tensor two = ddpm::downsample_2x2(four, 4);
    CHECK(two.shape() == std::vector<int>{1, 4});
    CHECK(two[0] == 2.5f);  // (0 + 1 + 4 + 5) / 4
    CHECK(two[3] == 12.5f);
}

TEST_CASE("Fashion-MNIST from Debian's package: its shapes, labels and range") {
    setenv("DDPM_FASHION_MNIST", "/nonexistent-folder", 1);
    CHECK_THROWS_WITH_AS(ddpm::load_fashion_mnist("train", 14),
                         doctest::Contains("dataset-fashion-mnist"), ddpm::UsageError);
    unsetenv("DDPM_FASHION_MNIST");
    struct stat st {};
    if (stat((std::string(ddpm::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz").c_str(), &st)) {
        MESSAGE("skipped: Fashion-MNIST (install dataset-fashion-mnist)");
        return;
    }
    const ddpm::ImageSet test = ddpm::load_fashion_mnist("test", 14);
    CHECK(test.images.shape() == std::vector<int>{10000, 196});
    int count[10] = {};
    for (int c : test.labels) ++count[c];
    for (int k = 0; k < 10; ++k) CHECK(count[k] == 1000);
    float lo = 1, hi = -1;
    for (size_t i = 0; i < test.images.size(); ++i) {
        lo = std::fmin(lo, test.images[i]);
        hi = std::fmax(hi, test.images[i]);
    }
    CHECK(lo == -1.0f);
    CHECK(hi <= 1.0f);
    CHECK(hi > 0.9f);
    CHECK_THROWS_AS(ddpm::load_fashion_mnist("validation", 14), ddpm::UsageError);
    CHECK_THROWS_AS(ddpm::load_fashion_mnist("test", 7), ddpm::UsageError);
}

TEST_CASE("x_0 clipping: the step of Eq. 11 wherever nothing is clipped, in range where it is") {
    const ddpm::Schedule sched = ddpm::Schedule::linear(100, 1e-3, 0.2);
    ddpm::Rng rng(10);
    const int n = 50;
    std::vector<float> x(n), eps(n), plain, clipped;
    for (int i = 0; i < n; ++i) {
        x[i] = rng.normal();
        eps[i] = rng.normal();
    }
    for (int t : {0, 1, 40, 99}) {
        CAPTURE(t);
        ddpm::SamplerOptions opt = ddpm::SamplerOptions::algorithm2();
        plain = x;
        ddpm::Rng r1(11), r2(11);
        ddpm::p_step(plain.data(), eps.data(), n, t, sched, r1, opt);
        opt.clip_x0 = 1e6f;  // nothing reaches it
        clipped = x;
        ddpm::p_step(clipped.data(), eps.data(), n, t, sched, r2, opt);
        for (int i = 0; i < n; ++i)
            REQUIRE(clipped[i] == doctest::Approx(plain[i]).epsilon(2e-5).scale(1.0));
    }
    // At t = 0 without noise the step returns its estimate of x_0: clipped, inside [-1, 1] (to
    // the rounding of Eq. 7's coefficient, which is 1 there).
    ddpm::SamplerOptions opt = ddpm::SamplerOptions::algorithm2();
    opt.clip_x0 = 1.0f;
    std::vector<float> y(n);
    for (int i = 0; i < n; ++i) y[i] = 5 * x[i];
    ddpm::p_step(y.data(), eps.data(), n, 0, sched, rng, opt);
    for (float v : y) REQUIRE(std::fabs(v) <= 1.0f + 1e-4f);
}

TEST_CASE("the autoencoder's gradient matches differences, variational and plain") {
    for (bool variational : {true, false}) {
        CAPTURE(variational);
        ddpm::AutoencoderConfig cfg{9, 7, 2, 3, variational, 0.7f};
        ddpm::Autoencoder<double> ae(cfg);
        ddpm::Rng rng(12);
        ae.init(rng);
        const int B = 4;
        std::vector<double> x(B * 9), e(B * 3);
        for (double& v : x) v = rng.normal();
        for (double& v : e) v = rng.normal();
        auto f = [&] { return ae.forward(x.data(), e.data(), B).total; };
        f();
        ae.zero_grad();
        ae.backward();
        double worst = 0;
        for (ddpm::FeedForward<double>* net : {&ae.encoder, &ae.decoder})
            worst = std::fmax(
                worst, ddpm::max_relative_error(
                           net->grads.data(), ddpm::numerical_gradient(f, net->params.data(),
                                                                       net->params.size(), 1e-6)));
        MESSAGE("autoencoder's gradient against central differences: " << worst);
        CHECK(worst < 1e-6);
    }
}

TEST_CASE("the autoencoder learns to reconstruct points on a plane in 6 dimensions") {
    // Points a u + b v of two fixed directions: a 2-D latent holds them exactly.
    ddpm::Rng rng(13);
    const int n = 512;
    ddpm::Tensor points({n, 6});
    for (int i = 0; i < n; ++i) {
        const float a = rng.normal(), b = rng.normal();
        for (int d = 0; d < 6; ++d)
            points.at(i, d) = 0.3f * (a * (d % 2 ? 1.0f : -0.5f) + b * d / 6.0f);
    }
    ddpm::AutoencoderConfig cfg{6, 32, 2, 2, false, 0.0f};
    ddpm::Autoencoder<float> ae(cfg);
    ae.init(rng);
    std::vector<float> losses;
    ddpm::AutoencoderTraining how;
    how.epochs = 60;
    how.batch = 32;
    ddpm::train_autoencoder(ae, points, how, [&](int, const ddpm::AutoencoderLoss& l) {
        losses.push_back(static_cast<float>(l.reconstruction));
    });
    MESSAGE("reconstruction: first epoch " << losses.front() << ", last " << losses.back());
    CHECK(losses.back() < 0.1f * losses.front());
    const ddpm::Tensor z = ddpm::encode_all(ae, points);
    CHECK(z.shape() == std::vector<int>{n, 2});
    CHECK(ddpm::decode_all(ae, z).shape() == std::vector<int>{n, 6});
    CHECK_THROWS_AS(ddpm::decode_all(ae, points), ddpm::Error);
}

namespace {

// n random "pictures" of side 14 in [-1, 1], with labels k % 10.
ddpm::ImageSet random_pictures(int n, uint64_t seed) {
    ddpm::ImageSet set;
    set.side = 14;
    set.images = ddpm::Tensor({n, 196});
    ddpm::Rng rng(seed);
    for (size_t i = 0; i < set.images.size(); ++i)
        set.images[i] = static_cast<float>(2 * rng.uniform() - 1);
    for (int i = 0; i < n; ++i) set.labels.push_back(i % 10);
    return set;
}

}  // namespace

TEST_CASE("judge_pictures: test pictures score their floor, copies of training ones 0 apart") {
    const ddpm::ImageSet train = random_pictures(300, 1), test = random_pictures(200, 2);
    ddpm::Classifier<float> judge(ddpm::yardstick_config(196));
    ddpm::Rng rng(7);
    judge.init(rng);
    const ddpm::Tensor a = test.images.slice(0, 100), b = test.images.slice(100, 200);
    const ddpm::PictureReference ref = ddpm::picture_reference(judge, a, b, train.images);
    // b judged against a is the floor itself, measure for measure.
    const ddpm::PictureQuality same = ddpm::judge_pictures(judge, b, {}, ref, train.images);
    CHECK(same.accuracy == -1);
    CHECK(same.fd == doctest::Approx(ref.fd_floor).epsilon(1e-6));
    CHECK(same.precision == ref.floor.precision);
    CHECK(same.recall == ref.floor.recall);
    CHECK(same.memorisation == doctest::Approx(1.0));
    // Copies of training pictures sit at distance 0 from them: memorisation 0.
    const ddpm::PictureQuality copies =
        ddpm::judge_pictures(judge, train.images.slice(0, 50), {}, ref, train.images);
    CHECK(copies.memorisation == 0.0);
    // The accuracy is the classifier's on the classes asked for.
    const std::vector<int> given = ddpm::classify(judge, b);
    const ddpm::PictureQuality asked = ddpm::judge_pictures(judge, b, given, ref, train.images);
    CHECK(asked.accuracy == 1.0);
    CHECK(ddpm::median({3, 1, 2}) == 2.0);
    CHECK(ddpm::median({4, 1, 2, 3}) == 2.5);
}

TEST_CASE("the yardstick's file: trained once and written, read back the same; others refused") {
    TempDir dir;
    const ddpm::ImageSet train = random_pictures(256, 3), test = random_pictures(100, 4);
    const std::string path = dir.file("cache/yardstick_14.safetensors");
    ddpm::KeptYardstick first = ddpm::load_or_train_yardstick(path, train, test);
    CHECK(first.trained);
    CHECK(first.test_accuracy == ddpm::classifier_accuracy(first.judge, test.images, test.labels));
    const ddpm::KeptYardstick again = ddpm::load_or_train_yardstick(path, train, test);
    CHECK_FALSE(again.trained);
    CHECK(again.test_accuracy == doctest::Approx(first.test_accuracy).epsilon(1e-6));
    REQUIRE(again.judge.params.size() == first.judge.params.size());
    for (size_t i = 0; i < first.judge.params.size(); ++i)
        REQUIRE(again.judge.params[i] == first.judge.params[i]);
    // A yardstick of another side, and a file that is not one, are refused and left alone.
    ddpm::ImageSet train28 = train;
    train28.side = 28;
    CHECK_THROWS_WITH(ddpm::load_or_train_yardstick(path, train28, test),
                      doctest::Contains("a yardstick of pictures of side 14, not 28"));
    ddpm::SafeTensors other;
    const float v[2] = {1, 2};
    other.tensors.push_back(ddpm::f32_tensor("x", {2}, v));
    ddpm::save_safetensors(other, dir.file("other.safetensors"));
    CHECK_THROWS_WITH(ddpm::load_or_train_yardstick(dir.file("other.safetensors"), train, test),
                      doctest::Contains("not a yardstick written by ddpm eval"));
    CHECK(ddpm::load_safetensors(dir.file("other.safetensors")).tensors.size() == 1);
}

TEST_CASE("write_picture_gif: every k-th frame and the last, the grid's size") {
    TempDir dir;
    ddpm::Tensor trajectory({11, 4, 196});
    for (size_t i = 0; i < trajectory.size(); ++i) trajectory[i] = (i % 7) / 3.5f - 1;
    const int frames = ddpm::write_picture_gif(trajectory, 14, 2, 2, 5, 8, 300, dir.file("p.gif"));
    CHECK(frames == 3);  // frames 0, 5 and the last, 10
    const std::string bytes = ddpm::read_file(dir.file("p.gif"));
    REQUIRE(bytes.size() > 13);
    CHECK(bytes.substr(0, 6) == "GIF89a");
    // Two columns of 28-pixel pictures, 2-pixel gaps: 2 + 2 * 30 wide, 2 rows as high.
    const int width = static_cast<uint8_t>(bytes[6]) | static_cast<uint8_t>(bytes[7]) << 8;
    const int height = static_cast<uint8_t>(bytes[8]) | static_cast<uint8_t>(bytes[9]) << 8;
    CHECK(width == 62);
    CHECK(height == 62);
}
