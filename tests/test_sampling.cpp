#include <doctest/doctest.h>

#include "helpers.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "data/datasets.h"
#include "diffusion/flow.h"
#include "diffusion/sample.h"
#include "diffusion/sampler.h"
#include "fast/parallel.h"
#include "likelihood/ode.h"

static ddpm::MLPDiffusion small_model(uint64_t seed, int T = 10) {
    ddpm::MLPDiffusion m(ddpm::ModelConfig{T, 16, 2, 2});
    ddpm::Rng rng(seed);
    m.init(rng);
    return m;
}

TEST_CASE("p_sample is the notebook's arithmetic, by hand") {
    ddpm::MLPDiffusion m = small_model(1);
    ddpm::Schedule sched = ddpm::Schedule::linear(10);
    float x[2] = {0.3f, -0.2f}, eps[2], copy[2] = {0.3f, -0.2f}, pred[2];
    int tb[1];
    const int t = 6;
    int steps[1] = {t};
    m.forward(pred, copy, steps, 1);
    ddpm::Rng a(5), b(5);
    ddpm::p_sample(m, x, 1, t, sched, a, {}, eps, tb);
    for (int d = 0; d < 2; ++d) {
        double coeff = sched.betas[t] / sched.one_minus_alphas_bar_sqrt[t];
        double mean = (copy[d] - coeff * pred[d]) / std::sqrt(1.0 - sched.betas[t]);
        double z = b.normal();
        CHECK(x[d] == doctest::Approx(mean + std::sqrt(sched.betas[t]) * z).epsilon(1e-5));
    }
}

// p_step draws its z for all the values at once (randn, through the fast tier's fill_normal on
// every thread): the same z as rng.normal() value after value, here handed to p_sample's given-z
// form, for a batch large enough to be split among threads.
TEST_CASE("p_sample's z are rng.normal()'s values one after another, on 1 and 2 threads") {
    ddpm::MLPDiffusion m = small_model(3);
    ddpm::Schedule sched = ddpm::Schedule::linear(10);
    const int n = 10000, t = 4;
    for (int threads : {1, 2}) {
        ddpm::set_num_threads(threads);
        std::vector<float> x(2 * n), x_given(2 * n), z(2 * n), eps(2 * n);
        std::vector<int> tb(n);
        ddpm::Rng init(8);
        for (float& v : x) v = init.normal();
        x_given = x;
        ddpm::Rng a(21), b(21);
        ddpm::p_sample(m, x.data(), n, t, sched, a, {}, eps.data(), tb.data());
        for (float& v : z) v = b.normal();
        ddpm::p_sample(m, x_given.data(), n, t, sched, z.data(), {}, eps.data(), tb.data());
        CHECK(std::memcmp(x.data(), x_given.data(), x.size() * sizeof(float)) == 0);
        CHECK(a.normal() == b.normal());  // and both generators stand at the same place
    }
    ddpm::set_num_threads(1);
}

TEST_CASE("the posterior variance and the last step follow DDPM") {
    ddpm::MLPDiffusion m = small_model(2);
    ddpm::Schedule sched = ddpm::Schedule::linear(10);
    const ddpm::SamplerOptions post = ddpm::SamplerOptions::algorithm2();
    float x1[2] = {0.1f, 0.2f}, x2[2] = {0.1f, 0.2f}, eps[2];
    int tb[1];
    ddpm::Rng a(3), b(4);  // different noise: at t = 0 with no noise the results must agree
    ddpm::p_sample(m, x1, 1, 0, sched, a, post, eps, tb);
    ddpm::p_sample(m, x2, 1, 0, sched, b, post, eps, tb);
    CHECK(x1[0] == x2[0]);
    CHECK(x1[1] == x2[1]);
    // At t = 3 the spread of x_{t-1} around its mean is sqrt(beta~_3), measured over many draws.
    const int n = 20000;
    ddpm::Tensor xs({n, 2}, 0.05f);
    std::vector<float> e(n * 2);
    std::vector<int> t(n);
    ddpm::Rng r(9);
    ddpm::p_sample(m, xs.data(), n, 3, sched, r, post, e.data(), t.data());
    double var = (1 - sched.alphas_prod_p[3]) / (1 - sched.alphas_prod[3]) * sched.betas[3];
    CHECK(ddpm::column_std(xs)[0] == doctest::Approx(std::sqrt(var)).epsilon(0.03));
}

TEST_CASE("p_sample_loop returns T + 1 frames, x_T first; same seed, same trajectory") {
    ddpm::MLPDiffusion m = small_model(3);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(10);
    ddpm::Rng a(1), b(1);
    ddpm::Tensor s1 = ddpm::p_sample_loop(m, 50, sched, a),
                 s2 = ddpm::p_sample_loop(m, 50, sched, b);
    CHECK(s1.shape_str() == "(11, 50, 2)");
    CHECK(max_abs_diff(s1, s2) == 0);
    ddpm::Rng c(1);
    ddpm::Tensor x_T = ddpm::randn(50, 2, c);
    CHECK(max_abs_diff(s1.slice(0, 1).reshaped({50, 2}), x_T) == 0);
    CHECK_THROWS_WITH(ddpm::p_sample_loop(m, 5, ddpm::Schedule::sigmoid(20), a),
                      doctest::Contains("the model has 10 steps"));
}

TEST_CASE("DDIM with eta = 0 is deterministic given x_T") {
    ddpm::MLPDiffusion m = small_model(4, 20);
    ddpm::Schedule sched = ddpm::Schedule::cosine(20);
    ddpm::Rng r(2);
    ddpm::Tensor x_T = ddpm::randn(30, 2, r);
    ddpm::Rng a(1), b(999);
    ddpm::Tensor s1 = ddpm::ddim_sample_loop(m, x_T, sched, a, 5, 0.0f);
    ddpm::Tensor s2 = ddpm::ddim_sample_loop(m, x_T, sched, b, 5, 0.0f);
    CHECK(s1.shape_str() == "(6, 30, 2)");
    CHECK(max_abs_diff(s1, s2) == 0);
}

TEST_CASE("DDIM with every step and eta = 1 is DDPM with the posterior variance") {
    ddpm::MLPDiffusion m = small_model(5, 20);
    ddpm::Schedule sched = ddpm::Schedule::linear(20);
    ddpm::Rng r(2);
    ddpm::Tensor x_T = ddpm::randn(40, 2, r);
    ddpm::SamplerOptions post;
    post.variance = ddpm::SamplerOptions::Variance::posterior;
    ddpm::Rng a(7), b(7);
    ddpm::Tensor ddpm_seq = ddpm::p_sample_loop(m, x_T, sched, a, post);
    ddpm::Tensor ddim_seq = ddpm::ddim_sample_loop(m, x_T, sched, b, 20, 1.0f);
    float d = max_abs_diff(ddpm_seq, ddim_seq);
    MESSAGE("largest difference over the trajectory: " << d);
    CHECK(d < 1e-4f);
}

// ---- Every sampler by name (lib/diffusion/sampler.h) ------------------------------------------

static bool same_bits(const ddpm::Tensor& a, const ddpm::Tensor& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST_CASE("the sampler vocabulary: each name parses, and sampler_name gives it back") {
    for (const std::string& name : ddpm::sampler_names()) {
        const ddpm::Sampler s = ddpm::parse_sampler(name);
        const std::string back = name == "ddpm" ? "notebook" : name;  // the same sampler
        CHECK(ddpm::sampler_name(s) == back);
        CHECK(ddpm::sampler_name(ddpm::parse_sampler(ddpm::sampler_name(s))) == back);
    }
    const ddpm::Sampler alg2 = ddpm::parse_sampler("algorithm2");
    CHECK(alg2.ddpm.variance == ddpm::SamplerOptions::Variance::posterior);
    CHECK_FALSE(alg2.ddpm.noise_at_last_step);
    const ddpm::Sampler ddim = ddpm::parse_sampler("ddim20");
    CHECK(ddim.kind == ddpm::Sampler::Kind::ddim);
    CHECK(ddim.steps == 20);
    CHECK(ddpm::sampler_name(ddim) == "ddim20");
    ddpm::Sampler other = ddpm::parse_sampler("ddpm");
    other.ddpm.noise_at_last_step = false;
    CHECK(ddpm::sampler_name(other) == "ddpm, beta variance, last-step noise off");
    for (const char* bad : {"", "foo", "ddpm20", "notebook1", "ddim0", "ddim1234567", "20"})
        CHECK_THROWS_AS(ddpm::parse_sampler(bad), ddpm::UsageError);
}

TEST_CASE("the samplers' budget: T network calls, ode and heun at two a step") {
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("notebook"), 100) == 100);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("ddim"), 100) == 100);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("euler"), 100) == 100);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("ode"), 100) == 50);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("heun"), 101) == 50);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("heun"), 1) == 1);
    CHECK(ddpm::sampler_steps(ddpm::parse_sampler("ddim20"), 100) == 20);
}

TEST_CASE("sample() by name gives each sampler's own loop, bit for bit") {
    const ddpm::MLPDiffusion m = small_model(11);
    const ddpm::Schedule sched = ddpm::Schedule::linear(10);
    ddpm::Rng prior(12);
    const ddpm::Tensor x_T = ddpm::randn(64, 2, prior);
    const ddpm::Denoiser d{&m};
    auto by_name = [&](const char* name) {
        ddpm::Rng rng(13);
        return ddpm::sample(d, x_T, sched, rng, ddpm::parse_sampler(name));
    };
    ddpm::Rng a(13), b(13), c(13);
    CHECK(same_bits(by_name("notebook"), ddpm::p_sample_loop(m, x_T, sched, a)));
    CHECK(same_bits(by_name("algorithm2"),
                    ddpm::p_sample_loop(m, x_T, sched, b, ddpm::SamplerOptions::algorithm2())));
    CHECK(same_bits(by_name("ddim4"), ddpm::ddim_sample_loop(m, x_T, sched, c, 4, 0.0f)));
    // The ODE on the network's field, as ddpm sample drew it before the vocabulary.
    const ddpm::Tensor ode = by_name("ode");
    CHECK(ode.dim(0) == 6);  // T / 2 steps, and x_T
    CHECK(same_bits(ode, ddpm::ode_sample(ddpm::network_field(d, sched), x_T, sched, 5)));
    // A flow-matching model's two solvers.
    const ddpm::Denoiser flow{&m, ddpm::Objective::flow};
    ddpm::Rng unused(1);
    CHECK(same_bits(ddpm::sample(flow, x_T, sched, unused, ddpm::parse_sampler("heun")),
                    ddpm::flow_sample_loop(flow, x_T, 5, ddpm::FlowSolver::heun)));
    CHECK(same_bits(ddpm::sample(flow, x_T, sched, unused, ddpm::parse_sampler("euler3")),
                    ddpm::flow_sample_loop(flow, x_T, 3, ddpm::FlowSolver::euler)));
    // A sampler that does not suit the model is refused.
    CHECK_THROWS_AS(ddpm::sample(flow, x_T, sched, unused, ddpm::parse_sampler("ddim")),
                    ddpm::UsageError);
    CHECK_THROWS_AS(ddpm::sample(d, x_T, sched, unused, ddpm::parse_sampler("heun")),
                    ddpm::UsageError);
}

TEST_CASE("reverse_loop: x_T first, each step from a copy of the frame before") {
    ddpm::Tensor x_T({3, 2});
    for (size_t i = 0; i < x_T.size(); ++i) x_T[i] = static_cast<float>(i);
    const ddpm::Tensor seq = ddpm::reverse_loop(x_T, 4, [](float* x, int k) {
        for (int i = 0; i < 6; ++i) x[i] += static_cast<float>(k + 1);
    });
    REQUIRE(seq.dim(0) == 5);
    for (int f = 0; f <= 4; ++f)  // frame f = x_T + 1 + 2 + ... + f
        for (int i = 0; i < 6; ++i)
            CHECK(seq.frame(f)[i] == static_cast<float>(i + f * (f + 1) / 2));
}
