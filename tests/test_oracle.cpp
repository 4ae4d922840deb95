// PyTorch as the oracle, the llm.c way: tests/fixtures/oracle.safetensors holds what the notebook's
// own code computed on fixed weights (tests/fixtures/make_oracle.py writes it; see its list of
// contents), and tests/fixtures/picture_oracle.safetensors what PyTorch's own layers computed for
// lessons 15 and 16's classifier, VAE and layer norm (make_picture_oracle.py). Here our network, loss, backward pass, clipping, Adam and p_sample must reproduce it
// to 1e-5, relative to each tensor's largest value. No Python runs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "diffusion/forward.h"
#include "diffusion/loss.h"
#include "diffusion/sample.h"
#include "diffusion/schedule.h"
#include "io/safetensors.h"
#include "nn/autoencoder.h"
#include "nn/classifier.h"
#include "nn/layers.h"
#include "nn/model.h"
#include "nn/optim.h"

namespace {

constexpr const char* kFixture = "tests/fixtures/oracle.safetensors";
constexpr int kOracleVersion = 1;  // make_oracle.py's VERSION
constexpr double kTolerance = 1e-5;

const ddpm::SafeTensors& fixture() {
    static const ddpm::SafeTensors file = ddpm::load_safetensors(kFixture);
    return file;
}

std::vector<float> values(const std::string& name) {
    const ddpm::SafeTensor* t = fixture().find(name);
    if (!t) throw ddpm::Error(std::string(kFixture) + " has no tensor " + name);
    return t->floats(kFixture);
}

std::vector<int> steps(const std::string& name) {
    const ddpm::SafeTensor* t = fixture().find(name);
    if (!t) throw ddpm::Error(std::string(kFixture) + " has no tensor " + name);
    const std::vector<int64_t> v = t->integers(kFixture);
    return std::vector<int>(v.begin(), v.end());
}

int meta_int(const std::string& key) {
    const std::string* v = fixture().meta(key);
    if (!v) throw ddpm::Error(std::string(kFixture) + " has no metadata " + key);
    return std::stoi(*v);
}

// max |ours - torch| / max |torch| over a tensor: the error relative to its scale.
double relative_error(const float* ours, const std::vector<float>& torch) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < torch.size(); ++i) {
        diff = std::max(diff, std::fabs(static_cast<double>(ours[i]) - torch[i]));
        scale = std::max(scale, std::fabs(static_cast<double>(torch[i])));
    }
    return diff / std::max(scale, 1e-30);
}

// The notebook's model (num_units from the fixture) with the weights `prefix`.NAME.
ddpm::MLPDiffusion fixture_model(const std::string& prefix) {
    ddpm::ModelConfig cfg;
    cfg.num_steps = meta_int("num_steps");
    cfg.hidden = meta_int("num_units");
    ddpm::MLPDiffusion model(cfg);
    for (const ddpm::ParamInfo& p : model.layout()) {
        const std::vector<float> v = values(prefix + p.name);
        REQUIRE(v.size() == p.size());
        std::copy(v.begin(), v.end(), model.params.begin() + p.offset);
    }
    return model;
}

// Each parameter tensor of `ours` (gradients or weights) against the fixture's `prefix`.NAME;
// prints the worst.
void check_every_tensor(const ddpm::MLPDiffusion& model, const float* ours,
                        const std::string& prefix) {
    double worst = 0;
    for (const ddpm::ParamInfo& p : model.layout()) {
        CAPTURE(prefix + p.name);
        const double err = relative_error(ours + p.offset, values(prefix + p.name));
        CHECK(err <= kTolerance);
        worst = std::max(worst, err);
    }
    MESSAGE(prefix << "*: worst relative error " << worst << " (tolerance " << kTolerance << ")");
}

// The notebook's schedule arrays as it computed them, in float32 from the start. Ours are computed
// in double and rounded once (schedule.h), so one_minus_alphas_bar_sqrt differs at early steps
// by 3e-4 relative (the schedule case below shows it): the network is compared on the same
// arrays, so that any difference is the network's.
ddpm::Schedule notebook_schedule() {
    ddpm::Schedule s = ddpm::Schedule::sigmoid(meta_int("num_steps"));
    s.betas = values("schedule.betas");
    s.alphas_prod = values("schedule.alphas_prod");
    s.alphas_bar_sqrt = values("schedule.alphas_bar_sqrt");
    s.one_minus_alphas_bar_sqrt = values("schedule.one_minus_alphas_bar_sqrt");
    return s;
}

// The loss on the fixture's batch, its draws (t, e) taken from the fixture.
float fixture_loss(ddpm::MLPDiffusion& model, const ddpm::Schedule& sched, ddpm::LossBuffers& buf) {
    const std::vector<float> x_0 = values("batch.x_0"), e = values("batch.e");
    const std::vector<int> t = steps("batch.t");
    const int B = static_cast<int>(t.size());
    buf.reserve(B, 2);
    std::copy(t.begin(), t.end(), buf.t.begin());
    std::copy(e.begin(), e.end(), buf.eps.begin());
    return ddpm::diffusion_loss_given(model, x_0.data(), B, sched, buf);
}

}  // namespace

TEST_CASE("oracle: the fixture is the version this test reads") {
    const std::string* format = fixture().meta("format");
    REQUIRE(format != nullptr);
    CHECK(*format == "ddpm-oracle");
    const int version = meta_int("version");
    if (version != kOracleVersion)
        FAIL(kFixture << " is version " << version << ", this test reads version " << kOracleVersion
                      << ": regenerate it with /usr/bin/python3 tests/fixtures/make_oracle.py");
}

TEST_CASE("oracle: our schedule is the notebook's, to float32's rounding of its own arithmetic") {
    const ddpm::Schedule s = ddpm::Schedule::sigmoid(meta_int("num_steps"));
    CHECK(relative_error(s.betas.data(), values("schedule.betas")) <= kTolerance);
    CHECK(relative_error(s.alphas_prod.data(), values("schedule.alphas_prod")) <= kTolerance);
    CHECK(relative_error(s.alphas_bar_sqrt.data(), values("schedule.alphas_bar_sqrt")) <=
          kTolerance);
    CHECK(relative_error(s.one_minus_alphas_bar_sqrt.data(),
                         values("schedule.one_minus_alphas_bar_sqrt")) <= kTolerance);
    // Element by element, 1 - alphas_prod near t = 0 is a difference of nearly equal numbers: the
    // notebook's float32 cumprod loses digits there that our double one keeps.
    const std::vector<float> theirs = values("schedule.one_minus_alphas_bar_sqrt");
    const double at_0 = std::fabs(s.one_minus_alphas_bar_sqrt[0] - theirs[0]) / theirs[0];
    MESSAGE("one_minus_alphas_bar_sqrt[0]: ours "
            << s.one_minus_alphas_bar_sqrt[0] << ", the notebook's " << theirs[0] << " (" << at_0
            << " relative)");
    CHECK(at_0 < 1e-3);
}

TEST_CASE("oracle: q_x, the network's output, the loss and every gradient match PyTorch's") {
    ddpm::MLPDiffusion model = fixture_model("param.");
    const ddpm::Schedule sched = notebook_schedule();
    ddpm::LossBuffers buf;
    const float loss = fixture_loss(model, sched, buf);
    CHECK(relative_error(buf.x_t.data(), values("forward.x_t")) <= kTolerance);
    CHECK(relative_error(buf.pred.data(), values("forward.eps_theta")) <= kTolerance);
    CHECK(loss == doctest::Approx(values("forward.loss")[0]).epsilon(kTolerance));
    model.zero_grad();
    ddpm::diffusion_loss_backward(model, buf);
    check_every_tensor(model, model.grads.data(), "grad.");
}

TEST_CASE("oracle: 10 steps of clip_grad_norm and Adam match PyTorch's losses and weights") {
    ddpm::MLPDiffusion model = fixture_model("param.");
    const ddpm::Schedule sched = notebook_schedule();
    const std::string* lr = fixture().meta("lr");
    const std::string* max_norm = fixture().meta("max_norm");
    REQUIRE((lr && max_norm));
    ddpm::AdamConfig adam_cfg;
    adam_cfg.lr = std::stof(*lr);
    ddpm::Adam adam(model.num_params(), adam_cfg);
    ddpm::LossBuffers buf;
    const std::vector<float> torch_losses = values("train.loss");
    REQUIRE(static_cast<int>(torch_losses.size()) == meta_int("steps"));
    for (size_t k = 0; k < torch_losses.size(); ++k) {
        CAPTURE(k);
        const float loss = fixture_loss(model, sched, buf);
        CHECK(loss == doctest::Approx(torch_losses[k]).epsilon(kTolerance));
        model.zero_grad();
        ddpm::diffusion_loss_backward(model, buf);
        ddpm::clip_grad_norm(model.grads.data(), model.num_params(), std::stof(*max_norm));
        adam.step(model.params.data(), model.grads.data());
    }
    check_every_tensor(model, model.params.data(), "after.");
}

TEST_CASE("oracle: p_sample with the notebook's noise matches its reverse steps") {
    const ddpm::MLPDiffusion model = fixture_model("after.");
    const ddpm::Schedule sched = notebook_schedule();
    std::vector<float> x = values("sample.x");
    const std::vector<float> z = values("sample.z"), torch_out = values("sample.out");
    const std::vector<int> t = steps("sample.t");
    const int n = static_cast<int>(x.size() / 2);
    std::vector<float> eps(x.size());
    std::vector<int> t_buf(n);
    for (size_t k = 0; k < t.size(); ++k) {
        CAPTURE(t[k]);
        ddpm::p_sample(model, x.data(), n, t[k], sched, z.data() + k * x.size(), {}, eps.data(),
                       t_buf.data());
        const std::vector<float> want(torch_out.begin() + k * x.size(),
                                      torch_out.begin() + (k + 1) * x.size());
        CHECK(relative_error(x.data(), want) <= kTolerance);
    }
}

TEST_CASE("oracle: the comparison fails when a gradient is perturbed") {
    // The check above is only worth something if it can fail: one gradient entry moved by a
    // thousandth of its tensor's scale, or a backward pass that drops one block's step embedding
    // gradient, must each be caught.
    ddpm::MLPDiffusion model = fixture_model("param.");
    const ddpm::Schedule sched = notebook_schedule();
    ddpm::LossBuffers buf;
    fixture_loss(model, sched, buf);
    model.zero_grad();
    ddpm::diffusion_loss_backward(model, buf);
    const ddpm::ParamInfo& w = model.info("linears.2.weight");
    const std::vector<float> torch_w = values("grad.linears.2.weight");
    CHECK(relative_error(model.grads.data() + w.offset, torch_w) <= kTolerance);
    float scale = 0;
    for (float g : torch_w) scale = std::max(scale, std::fabs(g));
    model.grads[w.offset + 7] += 1e-3f * scale;
    CHECK(relative_error(model.grads.data() + w.offset, torch_w) > 100 * kTolerance);
    const ddpm::ParamInfo& emb = model.info("step_embeddings.1.weight");
    std::fill(model.grads.begin() + emb.offset, model.grads.begin() + emb.offset + emb.size(),
              0.0f);
    CHECK(relative_error(model.grads.data() + emb.offset,
                         values("grad.step_embeddings.1.weight")) == doctest::Approx(1.0));
}

// ---- Lessons 15 and 16's networks against PyTorch (tests/fixtures/make_picture_oracle.py) ----

namespace {

constexpr const char* kPictureFixture = "tests/fixtures/picture_oracle.safetensors";

const ddpm::SafeTensors& picture_fixture() {
    static const ddpm::SafeTensors file = ddpm::load_safetensors(kPictureFixture);
    return file;
}

std::vector<float> picture_values(const std::string& name) {
    const ddpm::SafeTensor* t = picture_fixture().find(name);
    if (!t) throw ddpm::Error(std::string(kPictureFixture) + " has no tensor " + name);
    return t->floats(kPictureFixture);
}

int picture_meta(const std::string& key) {
    const std::string* v = picture_fixture().meta(key);
    if (!v) throw ddpm::Error(std::string(kPictureFixture) + " has no metadata " + key);
    return std::stoi(*v);
}

// A FeedForward network with the fixture's weights: ours is named layers.0.weight where
// nn.Sequential's is 0.weight.
void load_feedforward(ddpm::FeedForward<float>& net, const std::string& prefix) {
    for (const ddpm::ParamInfo& p : net.layout()) {
        const std::vector<float> v = picture_values(prefix + p.name.substr(7));  // "layers."
        REQUIRE(v.size() == p.size());
        std::copy(v.begin(), v.end(), net.params.begin() + p.offset);
    }
}

void check_gradients(const ddpm::FeedForward<float>& net, const std::string& prefix) {
    for (const ddpm::ParamInfo& p : net.layout()) {
        CAPTURE(p.name);
        CHECK(relative_error(net.grads.data() + p.offset,
                             picture_values(prefix + p.name.substr(7))) <= kTolerance);
    }
}

}  // namespace

TEST_CASE("oracle: the classifier and softmax cross-entropy match PyTorch's") {
    REQUIRE(picture_meta("version") == 1);
    const int B = picture_meta("batch"), K = picture_meta("classes");
    ddpm::Classifier<float> clf(
        ddpm::ClassifierConfig{picture_meta("inputs"), picture_meta("hidden"), 2, K});
    load_feedforward(clf, "classifier.param.");
    const std::vector<float> x = picture_values("classifier.x");
    const std::vector<int64_t> labels64 =
        picture_fixture().find("classifier.labels")->integers(kPictureFixture);
    const std::vector<int> labels(labels64.begin(), labels64.end());
    std::vector<float> logits(B * K), probs(B * K), dlogits(B * K, 0.0f);
    clf.forward(logits.data(), x.data(), B);
    CHECK(relative_error(logits.data(), picture_values("classifier.logits")) <= kTolerance);
    const float loss =
        ddpm::softmax_cross_entropy_forward(probs.data(), logits.data(), labels.data(), B, K);
    CHECK(relative_error(&loss, picture_values("classifier.loss")) <= kTolerance);
    clf.zero_grad();
    ddpm::softmax_cross_entropy_backward(dlogits.data(), probs.data(), labels.data(), B, K);
    clf.backward(dlogits.data());
    check_gradients(clf, "classifier.grad.");
}

TEST_CASE("oracle: the VAE's loss and gradients match PyTorch's") {
    const int B = picture_meta("batch"), D = picture_meta("inputs");
    ddpm::AutoencoderConfig cfg{D, picture_meta("hidden"), 2, picture_meta("latent"), true, 0.5f};
    ddpm::Autoencoder<float> vae(cfg);
    load_feedforward(vae.encoder, "vae.encoder.param.");
    load_feedforward(vae.decoder, "vae.decoder.param.");
    const ddpm::AutoencoderLoss loss =
        vae.forward(picture_values("vae.x").data(), picture_values("vae.e").data(), B);
    CHECK(relative_error(vae.reconstruction(), picture_values("vae.x_hat")) <= kTolerance);
    const float parts[3] = {static_cast<float>(loss.reconstruction), static_cast<float>(loss.kl),
                            static_cast<float>(loss.total)};
    const std::vector<float> want = picture_values("vae.loss");
    for (int i = 0; i < 3; ++i) CHECK(relative_error(&parts[i], {want[i]}) <= kTolerance);
    vae.zero_grad();
    vae.backward();
    check_gradients(vae.encoder, "vae.encoder.grad.");
    check_gradients(vae.decoder, "vae.decoder.grad.");
}

TEST_CASE("oracle: the layer norm and its gradient match PyTorch's F.layer_norm") {
    const int B = picture_meta("batch"), C = picture_meta("hidden");
    const std::vector<float> x = picture_values("norm.x"), r = picture_values("norm.r");
    std::vector<float> y(B * C), rstd(B), dx(B * C, 0.0f);
    ddpm::layer_norm_forward(y.data(), rstd.data(), x.data(), B, C);
    CHECK(relative_error(y.data(), picture_values("norm.y")) <= kTolerance);
    ddpm::layer_norm_backward(dx.data(), r.data(), y.data(), rstd.data(), B, C);
    CHECK(relative_error(dx.data(), picture_values("norm.dx")) <= kTolerance);
}
