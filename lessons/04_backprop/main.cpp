// Lesson 04: backpropagation by hand.
//
// The loss is L = mean((eps_theta(x_t, t) - eps)^2). Its gradient with respect to every weight
// comes from the chain rule, applied layer by layer from the loss back to the input: each layer's
// backward turns the gradient of its output into the gradients of its input and its parameters.
// Here the whole pass is spelled out with the plain layers of lib/nn/layers.cpp, in double
// precision, then checked two ways: against the model's own backward (lib/nn/model.cpp, the same
// layer calls, run by the fast tier), and against central finite differences,
// (L(w + h) - L(w - h)) / 2h, for a sample of entries of every tensor.
#include <cmath>
#include <cstdio>
#include <vector>

#include "../lesson.h"
#include "data/datasets.h"
#include "diffusion/forward.h"
#include "fast/linear.h"
#include "nn/layers.h"
#include "nn/model.h"

using Model = ddpm::MLP<double>;  // double: finite differences are then good to ~1e-9

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    ddpm::Rng rng(42);
    Model model;  // the notebook's shape: 2 -> 128 -> 128 -> 128 -> 2, three step embeddings
    model.init(rng);
    const int B = 16, H = 128, N = B * 2;

    // A batch of training examples: x_t = q_x(x_0, t, eps); the target is eps.
    ddpm::Tensor x0 = ddpm::make_s_curve(B, 0.1f, rng);
    ddpm::Schedule sched = ddpm::Schedule::sigmoid(100);
    std::vector<int> t(B);
    ddpm::antithetic_steps(t.data(), B, 100, rng);
    std::vector<float> eps_f(N), xt_f(N);
    for (float& e : eps_f) e = rng.normal();
    ddpm::q_x(xt_f.data(), x0.data(), eps_f.data(), t.data(), B, 2, sched);
    std::vector<double> x(xt_f.begin(), xt_f.end()), eps(eps_f.begin(), eps_f.end());

    auto P = [&](const char* name) { return model.params.data() + model.info(name).offset; };
    auto G = [&](const char* name) { return model.grads.data() + model.info(name).offset; };

    // Forward, keeping what backward needs: each block's output after its ReLU, and the output.
    // Written with the plain loops of lib/nn/layers.cpp: the fast tier (lib/fast/, the same
    // products tiled and threaded) stays off until check 1 compares the two.
    ddpm::fast::set_enabled(false);
    std::vector<double> h1(B * H), h2(B * H), h3(B * H), out(N);
    auto forward = [&] {
        // clang-format off
        ddpm::linear_forward(h1.data(), x.data(),  P("linears.0.weight"), P("linears.0.bias"), B, 2, H);
        ddpm::embedding_forward(h1.data(), t.data(), P("step_embeddings.0.weight"), B, H);
        ddpm::relu_forward(h1.data(), h1.data(), B * H);
        ddpm::linear_forward(h2.data(), h1.data(), P("linears.2.weight"), P("linears.2.bias"), B, H, H);
        ddpm::embedding_forward(h2.data(), t.data(), P("step_embeddings.1.weight"), B, H);
        ddpm::relu_forward(h2.data(), h2.data(), B * H);
        ddpm::linear_forward(h3.data(), h2.data(), P("linears.4.weight"), P("linears.4.bias"), B, H, H);
        ddpm::embedding_forward(h3.data(), t.data(), P("step_embeddings.2.weight"), B, H);
        ddpm::relu_forward(h3.data(), h3.data(), B * H);
        ddpm::linear_forward(out.data(), h3.data(), P("linears.6.weight"), P("linears.6.bias"), B, H, 2);
        // clang-format on
        return ddpm::mse_forward(out.data(), eps.data(), N);
    };
    double loss = forward();
    std::printf("loss on a batch of %d: %.6f\n\n", B, loss);

    // Backward: the forward pass read upside down. Every backward ADDS into its gradients, so
    // each gradient buffer starts at zero.
    model.zero_grad();
    std::vector<double> dout(N, 0), dh3(B * H, 0), da3(B * H, 0), dh2(B * H, 0), da2(B * H, 0),
        dh1(B * H, 0), da1(B * H, 0);
    double* no_din = nullptr;  // the input x_t needs no gradient
    // clang-format off
    ddpm::mse_backward(dout.data(), out.data(), eps.data(), N);  // dL/d eps_theta
    ddpm::linear_backward(dh3.data(), G("linears.6.weight"), G("linears.6.bias"), dout.data(),
                          h3.data(), P("linears.6.weight"), B, H, 2);
    ddpm::relu_backward(da3.data(), dh3.data(), h3.data(), B * H);  // through ReLU 3
    ddpm::embedding_backward(G("step_embeddings.2.weight"), da3.data(), t.data(), B, H);
    ddpm::linear_backward(dh2.data(), G("linears.4.weight"), G("linears.4.bias"), da3.data(),
                          h2.data(), P("linears.4.weight"), B, H, H);
    ddpm::relu_backward(da2.data(), dh2.data(), h2.data(), B * H);  // through ReLU 2
    ddpm::embedding_backward(G("step_embeddings.1.weight"), da2.data(), t.data(), B, H);
    ddpm::linear_backward(dh1.data(), G("linears.2.weight"), G("linears.2.bias"), da2.data(),
                          h1.data(), P("linears.2.weight"), B, H, H);
    ddpm::relu_backward(da1.data(), dh1.data(), h1.data(), B * H);  // through ReLU 1
    ddpm::embedding_backward(G("step_embeddings.0.weight"), da1.data(), t.data(), B, H);
    ddpm::linear_backward(no_din,     G("linears.0.weight"), G("linears.0.bias"), da1.data(),
                          x.data(),  P("linears.0.weight"), B, 2, H);
    // clang-format on
    auto by_hand = model.grads;  // a copy

    // Check 1: the model's own backward (lib/nn/model.cpp), with the fast tier on as in training,
    // gives the same gradients. The hidden layers' products are summed in the same order; the
    // narrow output layer's in vector lanes, so they agree to double rounding, not to the bit.
    ddpm::fast::set_enabled(true);
    std::vector<double> pred(N), dpred(N, 0);
    model.forward(pred.data(), x.data(), t.data(), B);
    ddpm::mse_backward(dpred.data(), pred.data(), eps.data(), N);
    model.zero_grad();
    model.backward(dpred.data());
    double agree = 0;
    for (size_t i = 0; i < by_hand.size(); ++i)
        agree = std::fmax(agree, std::fabs(by_hand[i] - model.grads[i]));
    check.near("by hand, plain loops vs model.backward, fast tier: largest difference", agree, 0,
               1e-12);

    // Check 2: central finite differences for a sample of each tensor's entries (all entries
    // would take 144,132 forward passes). The error is relative to the tensor's largest gradient.
    const int samples = check.quick ? 10 : 40;
    const double h = 1e-6;
    std::printf("\n%-26s %8s %14s %14s\n", "parameter", "checked", "max |grad|", "max rel error");
    for (const ddpm::ParamInfo& p : model.layout()) {
        double scale = 1e-12, worst = 0;
        for (size_t i = 0; i < p.size(); ++i)
            scale = std::fmax(scale, std::fabs(by_hand[p.offset + i]));
        const int count = std::min<int>(samples, static_cast<int>(p.size()));
        for (int k = 0; k < count; ++k) {
            // Embedding rows only get gradient from the steps in the batch: sample those rows.
            size_t i = rng.randint(static_cast<int>(p.size()));
            if (p.name.rfind("step_embeddings", 0) == 0)
                i = static_cast<size_t>(t[rng.randint(B)]) * H + rng.randint(H);
            double& w = model.params[p.offset + i];
            const double saved = w;
            w = saved + h;
            double plus = forward();
            w = saved - h;
            double minus = forward();
            w = saved;
            double numeric = (plus - minus) / (2 * h);
            worst = std::fmax(worst, std::fabs(numeric - by_hand[p.offset + i]) / scale);
        }
        std::printf("%-26s %8d %14.4e %14.2e\n", p.name.c_str(), count, scale, worst);
        check.near(p.name + " vs finite differences", worst, 0, 1e-6);
    }
    std::printf("\n");
    return check.finish();
}
