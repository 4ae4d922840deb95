// Lesson 03: the network, eps_theta(x_t, t).
//
// The model's job: given a noisy point x_t and its step t, predict the noise eps that was mixed
// in. The notebook's MLPDiffusion is a small MLP whose hidden layers each get the step's own
// embedding row added before the ReLU.
// In the notebook: MLPDiffusion(num_steps).  Here: ddpm::MLPDiffusion in lib/nn/model.cpp.
#include <cmath>
#include <cstdio>
#include <vector>

#include "../lesson.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "nn/layers.h"
#include "nn/model.h"

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    ddpm::Rng rng(1234);
    ddpm::MLPDiffusion model;  // num_steps 100, hidden 128, depth 3: the notebook's
    model.init(rng);

    // 1. The parameters, under PyTorch's names.
    std::printf("%-26s %-12s %s\n", "parameter", "shape", "values");
    for (const ddpm::ParamInfo& p : model.layout())
        std::printf("%-26s %-12s %zu\n", p.name.c_str(), ddpm::shape_str(p.shape).c_str(),
                    p.size());
    std::printf("%-26s %-12s %zu\n\n", "total", "", model.num_params());
    check.near("parameter count", model.num_params(), 72066, 0);

    // 2. One forward pass, spelled out with the plain layers, beside model.forward.
    const int B = 8, H = 128;
    ddpm::Tensor x_0 = ddpm::make_s_curve(B, 0.1f, rng);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    std::vector<int> t(B);
    for (int& s : t) s = rng.randint(100);
    std::vector<float> eps(B * 2), x_t(B * 2);
    for (float& e : eps) e = rng.normal();
    ddpm::q_x(x_t.data(), x_0.data(), eps.data(), t.data(), B, 2, sched);

    // The forward pass by hand: three Linear -> +Emb[t] -> ReLU blocks. Returns the third
    // block's values BEFORE its ReLU (section 4 looks at which are positive).
    auto param = [&](const char* name) { return model.params.data() + model.info(name).offset; };
    auto hidden3 = [&](const float* x, const int* steps, int n, bool print) {
        std::vector<float> h1(n * H), h2(n * H), a3(n * H);
        ddpm::linear_forward(h1.data(), x, param("linears.0.weight"), param("linears.0.bias"), n, 2,
                             H);
        ddpm::embedding_forward(h1.data(), steps, param("step_embeddings.0.weight"), n, H);
        ddpm::relu_forward(h1.data(), h1.data(), n * H);
        if (print) std::printf("  -> Linear(2, 128) + Emb1[t] -> ReLU     (%d, %d)\n", n, H);
        ddpm::linear_forward(h2.data(), h1.data(), param("linears.2.weight"),
                             param("linears.2.bias"), n, H, H);
        ddpm::embedding_forward(h2.data(), steps, param("step_embeddings.1.weight"), n, H);
        ddpm::relu_forward(h2.data(), h2.data(), n * H);
        if (print) std::printf("  -> Linear(128, 128) + Emb2[t] -> ReLU   (%d, %d)\n", n, H);
        ddpm::linear_forward(a3.data(), h2.data(), param("linears.4.weight"),
                             param("linears.4.bias"), n, H, H);
        ddpm::embedding_forward(a3.data(), steps, param("step_embeddings.2.weight"), n, H);
        return a3;
    };
    std::printf("x_t (%d, 2)\n", B);
    std::vector<float> h3 = hidden3(x_t.data(), t.data(), B, true), out(B * 2);
    ddpm::relu_forward(h3.data(), h3.data(), B * H);
    std::printf("  -> Linear(128, 128) + Emb3[t] -> ReLU   (%d, %d)\n", B, H);
    ddpm::linear_forward(out.data(), h3.data(), param("linears.6.weight"), param("linears.6.bias"),
                         B, H, 2);
    std::printf("  -> Linear(128, 2) = eps_theta           (%d, 2)\n\n", B);

    std::vector<float> out_model(B * 2);
    model.forward(out_model.data(), x_t.data(), t.data(), B);
    float diff = 0;
    for (int i = 0; i < B * 2; ++i) diff = std::fmax(diff, std::fabs(out[i] - out_model[i]));
    check.near("spelled-out forward vs model.forward, largest difference", diff, 0, 1e-4);

    // 3. What an untrained model predicts: numbers unrelated to the noise, so the loss
    //    E|eps - eps_theta|^2 = E|eps|^2 + E|eps_theta|^2 (they are independent) is above 1.
    const int n = check.quick ? 2000 : 10000;
    ddpm::Tensor data = ddpm::make_s_curve(n, 0.1f, rng);
    std::vector<int> steps(n);
    std::vector<float> noise(n * 2), noisy(n * 2), pred(n * 2);
    for (int& s : steps) s = rng.randint(100);
    for (float& e : noise) e = rng.normal();
    ddpm::q_x(noisy.data(), data.data(), noise.data(), steps.data(), n, 2, sched);
    model.forward(pred.data(), noisy.data(), steps.data(), n);
    double sq_pred = 0, loss = 0, corr = 0;
    for (int i = 0; i < n * 2; ++i) {
        sq_pred += pred[i] * pred[i];
        loss += (noise[i] - pred[i]) * (noise[i] - pred[i]);
        corr += noise[i] * pred[i];
    }
    sq_pred /= n * 2;
    loss /= n * 2;
    corr /= n * 2;
    std::printf(
        "\nUntrained, on %d noisy points: mean eps_theta^2 = %.3f, loss = %.3f, "
        "mean eps * eps_theta = %.4f\n",
        n, sq_pred, loss, corr);
    check.that(loss > 1.0, "an untrained model's loss is above 1 (it cannot beat predicting 0)");
    check.near("loss = 1 + mean eps_theta^2 (noise and prediction unrelated)", loss, 1 + sq_pred,
               0.1);

    // 4. Why the step's row is added BEFORE the ReLU: it moves each unit's threshold, so the step
    //    decides which units are on and the network computes a different piecewise-linear
    //    function for each t. Same point, three steps: which hidden units of layer 3 fire?
    float x[2] = {0.05f, -0.1f};
    std::vector<std::vector<bool>> active;
    for (int s : {0, 50, 99}) {
        int ts[1] = {s};
        float o[2];
        model.forward(o, x, ts, 1);
        std::vector<float> a3 = hidden3(x, ts, 1, false);
        std::vector<bool> on(H);
        int count = 0;
        for (int k = 0; k < H; ++k) count += on[k] = a3[k] > 0;
        active.push_back(on);
        std::printf("t = %2d: eps_theta = (%+.3f, %+.3f), %3d of 128 units of layer 3 on\n", s,
                    o[0], o[1], count);
    }
    int same = 0;
    for (int k = 0; k < H; ++k) same += active[0][k] == active[2][k];
    std::printf("units in the same state at t = 0 and t = 99: %d of 128\n\n", same);
    check.that(same < H,
               "the step changes which units are on (the embedding acts before the ReLU)");
    return check.finish();
}
