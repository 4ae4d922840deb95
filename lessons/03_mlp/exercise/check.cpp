// Checks for exercise 03, by value: the table against its formula in double; the forward pass
// against the library's model built with the sinusoidal embedding (lib/nn/model.cpp, itself checked
// against the layers, finite differences and PyTorch in tests/) on the same random Linear weights.
// The exercise is handed a model with learned tables, so its own forward gives the wrong answer.
#include <cmath>
#include <string>
#include <vector>

#include "check.h"
#include "exercise.h"

static void check_table(exercise::Checker& check) {
    const int steps = 100, C = 16;
    std::vector<float> got(steps * C, NAN);
    std::vector<double> want(steps * C);
    for (int t = 0; t < steps; ++t)
        for (int j = 0; j < C; ++j) {
            const double w = std::pow(10000.0, -(j / 2) / 8.0);
            want[t * C + j] = j % 2 == 0 ? std::sin(t * w) : std::cos(t * w);
        }
    ex::sinusoidal_table(got.data(), steps, C);
    check.near("table[0][1] = cos(0)", got[1], 1.0, 1e-6);
    check.near("table[1][0] = sin(1): the fastest frequency is 1", got[C], std::sin(1.0), 1e-6);
    check.all_near("sinusoidal_table(100, 16) vs the formula", got.data(), want.data(), want.size(),
                   1e-6, [](size_t i) {
                       const int j = static_cast<int>(i % C);
                       return "t = " + std::to_string(i / C) + ", column " + std::to_string(j) +
                              (j % 2 ? " (cos)" : " (sin)") + " of frequency pair " +
                              std::to_string(j / 2);
                   });
}

// A learned model for the exercise and a sinusoidal one for the answer, same Linear weights.
static void check_forward(exercise::Checker& check, int hidden, int depth) {
    ddpm::ModelConfig cfg{100, hidden, depth, 2};
    ddpm::MLPDiffusion learned(cfg);
    cfg.embedding = ddpm::ModelConfig::Embedding::sinusoidal;
    ddpm::MLPDiffusion sinusoidal(cfg);
    ddpm::Rng rng(hidden + depth);
    learned.init(rng);
    for (const ddpm::ParamInfo& p : sinusoidal.layout()) {
        const float* from = learned.params.data() + learned.info(p.name).offset;
        std::copy(from, from + p.size(), sinusoidal.params.data() + p.offset);
    }
    const int B = 33;
    std::vector<float> x(B * 2), mine(B * 2, NAN), want(B * 2);
    std::vector<int> t(B);
    for (float& v : x) v = rng.normal();
    for (int& s : t) s = rng.randint(100);
    sinusoidal.forward(want.data(), x.data(), t.data(), B);
    ex::mlp_forward_sinusoidal(mine.data(), x.data(), t.data(), B, learned);
    check.all_near("eps_theta for 33 random points, hidden " + std::to_string(hidden) + ", depth " +
                       std::to_string(depth),
                   mine.data(), want.data(), B * 2, 1e-4, [&](size_t i) {
                       return "point " + std::to_string(i / 2) +
                              " (t = " + std::to_string(t[i / 2]) + "), output " +
                              std::to_string(i % 2);
                   });
}

int main() {
    exercise::Checker check =
        exercise::start("03 the sinusoidal step embedding and the forward pass");
    check_table(check);
    check_forward(check, 16, 1);
    check_forward(check, 16, 3);
    check_forward(check, 64, 5);
    return check.finish();
}
