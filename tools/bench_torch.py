#!/usr/bin/env python3
"""The PyTorch side of `make bench`: the notebook's training step and sampling, timed the same way
as tools/bench.cpp, so the two can be compared in one run. Optional: nothing else needs Python.
Debian: apt-get install python3-torch libopenblas0 (without OpenBLAS, torch uses the slow
reference BLAS). Prints one line per figure, 'torch_<name> <value>', for bench to read."""
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("torch_missing 1")
    sys.exit(0)

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)


class MLPDiffusion(nn.Module):  # the notebook's model
    def __init__(self, n_steps, num_units=128):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(2, num_units), nn.ReLU(), nn.Linear(num_units, num_units),
                                      nn.ReLU(), nn.Linear(num_units, num_units), nn.ReLU(),
                                      nn.Linear(num_units, 2)])
        self.step_embeddings = nn.ModuleList([nn.Embedding(n_steps, num_units) for _ in range(3)])

    def forward(self, x, t):
        for idx, embedding_layer in enumerate(self.step_embeddings):
            x = self.linears[2 * idx](x)
            x += embedding_layer(t)
            x = self.linears[2 * idx + 1](x)
        return self.linears[-1](x)


n_steps = 100
betas = torch.sigmoid(torch.linspace(-6, 6, n_steps)) * (0.5e-2 - 1e-5) + 1e-5
alphas_prod = torch.cumprod(1 - betas, 0)
alphas_bar_sqrt = torch.sqrt(alphas_prod)
one_minus_alphas_bar_sqrt = torch.sqrt(1 - alphas_prod)
model = MLPDiffusion(n_steps)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x_0 = torch.randn(128, 2) * 0.1


def diffusion_loss_fn(model, x_0):  # the notebook's
    batch_size = x_0.shape[0]
    t = torch.randint(0, n_steps, size=(batch_size // 2,))
    t = torch.cat([t, n_steps - 1 - t], dim=0).unsqueeze(-1)
    a = alphas_bar_sqrt[t]
    e = torch.randn_like(x_0)
    x = x_0 * a + e * one_minus_alphas_bar_sqrt[t]
    return (e - model(x, t.squeeze(-1))).square().mean()


def step():
    loss = diffusion_loss_fn(model, x_0)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.)
    optimizer.step()


for _ in range(50):
    step()
n = 1000
t0 = time.perf_counter()
for _ in range(n):
    step()
print("torch_step_ms %.4f" % (1e3 * (time.perf_counter() - t0) / n))


def p_sample_loop(model, shape):  # the notebook's, without autograd
    cur_x = torch.randn(shape)
    for i in reversed(range(n_steps)):
        t = torch.tensor([i])
        eps_theta = model(cur_x, t)
        coeff = betas[t] / one_minus_alphas_bar_sqrt[t]
        mean = (1 / (1 - betas[t]).sqrt()) * (cur_x - coeff * eps_theta)
        cur_x = mean + betas[t].sqrt() * torch.randn_like(cur_x)
    return cur_x


with torch.no_grad():
    t0 = time.perf_counter()
    p_sample_loop(model, (10000, 2))
    print("torch_sample_s %.4f" % (time.perf_counter() - t0))
# Which BLAS did the matrix products run on? The library loaded into this process says.
with open("/proc/self/maps") as maps:
    loaded = maps.read().lower()
blas = "OpenBLAS" if "openblas" in loaded else ("MKL" if "mkl" in loaded else "reference BLAS (slow)")
print("torch_version %s" % torch.__version__)
print("torch_blas %s" % blas)
