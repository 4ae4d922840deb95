// MLPDiffusion: the notebook's noise-prediction network eps_theta(x_t, t).
//
//   x_t (B, 2) ─ Linear(2,128) ─ +Emb1[t] ─ ReLU ─ Linear(128,128) ─ +Emb2[t] ─ ReLU
//              ─ Linear(128,128) ─ +Emb3[t] ─ ReLU ─ Linear(128,2) ─▶ eps_theta (B, 2)
//
// Each Emb is a (num_steps, hidden) table: the step's row is added to the linear's output before
// the ReLU, so each step gets its own shift of every hidden unit (its own "mode" of the network).
// Width (hidden), depth (number of Linear+Emb+ReLU blocks) and num_steps are parameters; the
// defaults are the notebook's: 72,066 parameters.
//
// The forward and backward passes call the layers of layers.h in their fast form (kernels.h);
// lesson 04 spells the same passes out with the plain layers.
//
// All parameters live in one flat vector, in PyTorch's parameters() order, with their gradients in
// a second vector of the same layout. Adam, clipping, EMA and checkpoints then work on plain
// arrays.
#pragma once
#include <string>
#include <vector>

#include "aligned.h"
#include "rng.h"

namespace ddpm {

struct ModelConfig {
    int num_steps = 100;  // rows of each step embedding
    int hidden = 128;     // the notebook's num_units
    int depth = 3;        // Linear -> +Emb[t] -> ReLU blocks before the output Linear
    int dim = 2;          // the data's dimension
    // The step embedding: learned tables, one per block (the notebook's), or one fixed sinusoidal
    // table shared by every block (Transformer-style: row t holds sin and cos of t at
    // geometrically spaced frequencies), which adds no parameters.
    enum class Embedding { learned = 0, sinusoidal = 1 } embedding = Embedding::learned;
    // Fourier features of the input: 0 (the notebook's) feeds x itself to the first layer; F > 0
    // also feeds sin(2^f pi x) and cos(2^f pi x) of each coordinate for f = 0 ... F-1, which lets
    // a small network draw sharper shapes.
    int fourier = 0;
    int input_width() const { return dim + 2 * dim * fourier; }
};
void validate(const ModelConfig& cfg);  // throws UsageError naming the bad field

// Where one named parameter tensor sits in the flat vector.
struct ParamInfo {
    std::string name;  // PyTorch's state_dict name, e.g. "linears.0.weight"
    size_t offset = 0;
    std::vector<int> shape;
    size_t size() const;
};

template <typename T>
class MLP {
public:
    explicit MLP(const ModelConfig& cfg = {});

    // PyTorch's default initialisation: Linear weight and bias ~ U(-1/sqrt(fan_in),
    // 1/sqrt(fan_in)), Embedding ~ N(0, 1), drawn in parameters() order.
    void init(Rng& rng);

    const ModelConfig& config() const { return cfg_; }
    const std::vector<ParamInfo>& layout() const { return layout_; }
    size_t num_params() const { return params.size(); }
    const ParamInfo& info(const std::string& name) const;  // throws if there is no such tensor

    // Activation buffers for batches of up to B samples; forward grows them when needed, so a
    // training loop that calls reserve first never allocates inside a step.
    void reserve(int B);

    // x (B, dim), t (B,) -> out (B, dim). Keeps what backward needs (its inputs, the hidden
    // activations after each ReLU).
    void forward(T* out, const T* x, const int* t, int B);
    // dout (B, dim) of the last forward -> accumulates into grads.
    void backward(const T* dout);
    void zero_grad();

    AlignedVector<T> params, grads;

private:
    ModelConfig cfg_;
    std::vector<ParamInfo> layout_;
    std::vector<size_t> w_, b_, e_;  // offsets of each Linear's weight and bias, each Emb's table
    int B_ = 0, capacity_ = 0;
    AlignedVector<T> x_;        // (B, input_width): the last input, with its Fourier features
    std::vector<int> t_;        // (B,): its steps
    AlignedVector<T> h_;        // (depth, B, hidden): each block's output after the ReLU
    AlignedVector<T> dh_, da_;  // (B, hidden) each: gradient scratch
    // Scratch of the fast kernels (kernels.h): wT_ for forward, doutT_ for backward.
    AlignedVector<T> wT_, doutT_;
    std::vector<T> sinusoidal_;  // (num_steps, hidden): the fixed step table, when asked for
};

using MLPDiffusion = MLP<float>;

}  // namespace ddpm
