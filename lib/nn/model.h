// MLPDiffusion: the notebook's noise-prediction network eps_theta(x_t, t).
//
//   x_t (B, 2) ─ Linear(2,128) ─ +Emb1[t] ─ ReLU ─ Linear(128,128) ─ +Emb2[t] ─ ReLU
//              ─ Linear(128,128) ─ +Emb3[t] ─ ReLU ─ Linear(128,2) ─▶ eps_theta (B, 2)
//
// For pictures (lesson 15) two options: a layer norm before each ReLU, and a skip, a Linear
// without bias straight from the input to the output, added: eps_theta = Linear(h_3) + Skip(x_t).
//
// Each Emb is a (num_steps, hidden) table: the step's row is added to the linear's output before
// the ReLU, so each step gets its own shift of every hidden unit (its own "mode" of the network).
// Width (hidden), depth (number of Linear+Emb+ReLU blocks) and num_steps are parameters; the
// defaults are the notebook's: 72,066 parameters.
//
// The forward pass is the diagram, one layer call a line; backward is the same lines read from the
// bottom up (lesson 04 writes both out by hand). The layers reach the fast tier themselves
// (layers.cpp), so nothing here is about speed.
//
// All parameters live in one flat vector, in PyTorch's parameters() order, with their gradients in
// a second vector of the same layout. Adam, clipping, EMA and checkpoints then work on plain
// arrays.
#pragma once
#include <string>
#include <vector>

#include "core/aligned.h"
#include "core/rng.h"

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
    // Classes (lesson 13): 0 for an unconditional model (the notebook's); K > 0 adds to every
    // block a learned (K + 1, hidden) table of class embeddings, added like the step's row. Row K
    // means "no class": classifier-free guidance trains it by dropping labels and asks it for
    // the unconditional prediction.
    int num_classes = 0;
    // An input-to-output skip (lesson 15): false (the notebook's) or a (dim, input_width) Linear
    // without bias from the first layer's input straight to the output, added to the last
    // Linear's. On pictures, where x_t already says much of eps, the blocks then learn only the
    // rest; without it a plain MLP stalls there (lesson 15 measures both).
    bool skip = false;
    // Layer normalisation (lesson 15): false (the notebook's) or each block's sum, Linear + Emb[t]
    // (+ EmbC[c]), normalised over its hidden units before the ReLU (layers.h's layer_norm). On
    // pictures Adam's first steps move a wide layer's weights together and can silence every unit
    // of a block for good; normalised, a block's units keep mean 0 and variance 1.
    bool norm = false;
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

// What the network is told besides x_t, for each of the B samples. Its time is an integer step t
// (DDPM's), or a continuous position s in [0, num_steps - 1] between the step tables' rows, read
// by linear interpolation (flow matching's t in [0, 1] is s / (num_steps - 1): lesson 14). Give
// exactly one of the two. A conditional model also reads each sample's class c in
// [0, num_classes], where num_classes is "no class"; without c it is told "no class".
struct Conditioning {
    const int* t = nullptr;    // (B,) steps in [0, num_steps)
    const float* s = nullptr;  // (B,) positions in [0, num_steps - 1]
    const int* c = nullptr;    // (B,) classes, or null
};

// What a forward pass keeps for its backward: its input and each block's output. The model holds
// one for training; sampling's threads each hold their own (fast/predict.cpp) and share the
// model's weights.
template <typename T>
struct Activations {
    int B = 0;                // samples in the last forward pass
    AlignedVector<T> x;       // (B, input_width): the input, with its Fourier features
    std::vector<int> t;       // (B,): the steps, when the time was given as steps
    std::vector<float> s;     // (B,): the positions, when it was given as positions
    bool continuous = false;  // which of the two
    std::vector<int> c;       // (B,): the classes (num_classes: none), for a conditional model
    AlignedVector<T> h;       // (depth, B, hidden): each block's output, after its ReLU
    AlignedVector<T> y_skip;  // (B, dim): the skip's output, for a model with one
    AlignedVector<T> y_norm;  // (depth, B, hidden): each block's normalised sum, before its ReLU
    AlignedVector<T> rstd;    // (depth, B): each row's 1 / sqrt(var + eps), for a model with norm
    // Each hidden block's weight transposed, (in, hidden), when the caller made them once for
    // many passes (fast::predict, for its blocks of points); empty: the products transpose the
    // weights themselves. Read only by the fast tier's fused blocks (no norm), with the same bits.
    std::vector<const T*> weights_t;
};

// A template over the number type, like the layers (layers.h): MLP<float> trains and samples,
// MLP<double> is the same network for the gradient checks of lesson 04 and the tests.
template <typename T>
class MLP {
public:
    explicit MLP(const ModelConfig& cfg = {});

    // PyTorch's default initialisation: Linear weight and bias ~ U(-1/sqrt(fan_in),
    // 1/sqrt(fan_in)), Embedding ~ N(0, 1), drawn in parameters() order.
    void init(Rng& rng);

    const ModelConfig& config() const { return cfg_; }
    const std::vector<ParamInfo>& layout() const { return layout_; }
    // Linear k's weight (out, in), for k = 0 .. depth (the last is the output layer's).
    const T* weight(int k) const { return params.data() + weight_offset_[k]; }
    size_t num_params() const { return params.size(); }
    const ParamInfo& info(const std::string& name) const;  // throws if there is no such tensor

    // Buffers for batches of up to B samples; forward grows them when needed, so a training loop
    // that calls reserve first never allocates inside a step.
    void reserve(int B);

    // eps_theta(x, t):   x (B, dim), t (B,)  ->  out (B, dim). Keeps in the model what backward
    // needs.
    void forward(T* out, const T* x, const int* t, int B);
    // The same pass keeping its activations in `acts` instead: the model is only read, so threads
    // with an Activations each can share one model.
    void forward(Activations<T>& acts, T* out, const T* x, const int* t, int B) const;
    // The same given a Conditioning: continuous time, a class.
    void forward(T* out, const T* x, const Conditioning& in, int B);
    void forward(Activations<T>& acts, T* out, const T* x, const Conditioning& in, int B) const;
    // Whether forward runs each hidden block as one product of the fast tier (linear, embeddings
    // and ReLU together): with the fast tier on, no norm, and the time given as steps (continuous:
    // given as positions). Only those blocks read Activations::weights_t.
    bool fuses_blocks(bool continuous) const;
    // dout (B, dim), the gradient of the loss at the last forward's output -> accumulates into
    // grads.
    void backward(const T* dout);
    // The same, and also the gradient at the input: accumulates dL/dx (B, dim) into dx. With
    // dout = e_j it gives row j of the network's Jacobian d eps_theta / dx at each point, whose
    // trace is the divergence the ODE's likelihood needs (lesson 12).
    void backward(const T* dout, T* dx);
    void zero_grad();

    AlignedVector<T> params, grads;

private:
    const T* bias(int k) const { return params.data() + bias_offset_[k]; }
    const T* step_table(int k) const;  // (num_steps, hidden): block k's embedding
    T* weight_grad(int k) { return grads.data() + weight_offset_[k]; }
    T* bias_grad(int k) { return grads.data() + bias_offset_[k]; }
    T* step_table_grad(int k);  // null for the fixed sinusoidal table
    const T* class_table(int k) const { return params.data() + class_offset_[k]; }
    T* class_table_grad(int k) { return grads.data() + class_offset_[k]; }
    const T* skip_weight() const { return params.data() + skip_offset_; }
    T* skip_weight_grad() { return grads.data() + skip_offset_; }
    int width_in(int k) const { return k == 0 ? cfg_.input_width() : cfg_.hidden; }
    void check_inputs(const Conditioning& in, int B) const;
    void copy_inputs(Activations<T>& a, const Conditioning& in, int B) const;
    void add_conditioning(T* h, const Activations<T>& a, int k) const;  // block k's Emb[t], Emb[c]
    void conditioning_backward(const T* da, const Activations<T>& a, int k);
    void input_features(T* features, const T* x, int B) const;
    void input_features_backward(T* dx, const T* dfeatures, int B) const;
    static void reserve_activations(Activations<T>& acts, const ModelConfig& cfg, int B);

    ModelConfig cfg_;
    std::vector<ParamInfo> layout_;
    // Where each Linear's weight and bias, and each block's step embedding, start in params.
    std::vector<size_t> weight_offset_, bias_offset_, table_offset_, class_offset_;
    size_t skip_offset_ = 0;      // the skip's weight, when the model has one
    std::vector<T> sinusoidal_;   // (num_steps, hidden): the fixed step table, when asked for
    Activations<T> acts_;         // the last forward pass's, for backward
    AlignedVector<T> dh_, da_;    // (depth, B, hidden) each: gradients at each block's output,
                                  // and before its ReLU
    AlignedVector<T> dfeatures_;  // (B, input_width): the gradient at the first layer's input
    AlignedVector<T> dnorm_;      // (B, hidden): the gradient at a block's layer norm's output
};

using MLPDiffusion = MLP<float>;

}  // namespace ddpm
