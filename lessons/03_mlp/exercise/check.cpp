// Checks for exercise 03, by value: your forward pass against the model's (lib/model.cpp, itself
// checked against the layers and finite differences in tests/), on random weights and inputs.
#include <vector>

#include "check.h"
#include "exercise.h"

int main() {
    exercise::Checker check = exercise::start("03 the MLP's forward pass");
    for (int hidden : {128, 16}) {
        ddpm::MLPDiffusion model(ddpm::ModelConfig{100, hidden, 3, 2});
        ddpm::Rng rng(hidden);
        model.init(rng);
        const int B = 33;
        std::vector<float> x(B * 2), mine(B * 2), want(B * 2);
        std::vector<int> t(B);
        for (float& v : x) v = rng.normal();
        for (int& s : t) s = rng.randint(100);
        model.forward(want.data(), x.data(), t.data(), B);
        ex::mlp_forward(mine.data(), x.data(), t.data(), B, model);
        check.all_near("eps_theta for 33 random points, hidden " + std::to_string(hidden),
                       mine.data(), want.data(), B * 2, 1e-4, [&](size_t i) {
                           return "point " + std::to_string(i / 2) +
                                  " (t = " + std::to_string(t[i / 2]) + "), output " +
                                  std::to_string(i % 2);
                       });
    }
    return check.finish();
}
