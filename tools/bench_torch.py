#!/usr/bin/env python3
"""The PyTorch side of `make bench`: the notebook's training step and sampling, a training step
of lesson 15's picture model, its four Linears alone and a 128 x 128 x 128 product, timed the same
way as tools/bench.cpp, so the two can be compared in one run. Optional: nothing else needs Python.
Debian: apt-get install python3-torch libopenblas0 (without OpenBLAS, torch uses the slow
reference BLAS). Prints one line per figure, 'torch_<name> <value>', for bench to read."""
import os
import sys
import time

try:
    import torch
except ImportError:
    print("torch_missing 1")
    sys.exit(0)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
from notebook import MLPDiffusion, antithetic_steps, diffusion_loss, p_sample, schedule  # noqa: E402
from picture_model import PictureMLP  # noqa: E402

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
n_steps = 100
sched = schedule(n_steps)
betas, one_minus_alphas_bar_sqrt = sched["betas"], sched["one_minus_alphas_bar_sqrt"]
model = MLPDiffusion(n_steps)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x_0 = torch.randn(128, 2) * 0.1


def step():
    loss = diffusion_loss(model, x_0, antithetic_steps(128, n_steps), torch.randn_like(x_0),
                          sched["alphas_bar_sqrt"], one_minus_alphas_bar_sqrt)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.)
    optimizer.step()


def step_ms(step, warm_up, n):
    """A training step's mean time in milliseconds over n steps, after warm_up of them."""
    for _ in range(warm_up):
        step()
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return 1e3 * (time.perf_counter() - t0) / n


print("torch_step_ms %.4f" % step_ms(step, 50, 1000))


def p_sample_loop(model, shape):  # the notebook's, without autograd
    cur_x = torch.randn(shape)
    for i in reversed(range(n_steps)):
        cur_x = p_sample(model, cur_x, i, betas, one_minus_alphas_bar_sqrt, torch.randn_like(cur_x))
    return cur_x


with torch.no_grad():
    t0 = time.perf_counter()
    p_sample_loop(model, (10000, 2))
    print("torch_sample_s %.4f" % (time.perf_counter() - t0))


pictures = PictureMLP(n_steps)
picture_optimizer = torch.optim.Adam(pictures.parameters(), lr=1e-3)
x_pictures = torch.rand(128, 196) * 2 - 1
labels = torch.arange(128) % 10
abar = torch.cumprod(1 - torch.linspace(1e-3, 0.2, n_steps), 0)  # linear_scaled, T = 100


def picture_step():
    t = antithetic_steps(128, n_steps)
    e = torch.randn_like(x_pictures)
    x_t = abar[t].sqrt().unsqueeze(1) * x_pictures + (1 - abar[t]).sqrt().unsqueeze(1) * e
    loss = (e - pictures(x_t, t, labels)).square().mean()
    picture_optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(pictures.parameters(), 1.)
    picture_optimizer.step()


print("torch_picture_step_ms %.4f" % step_ms(picture_step, 20, 200))

# The picture model's four Linears alone, forward and backward (no input gradient), as bench's
# "wide layers"; and one 128 x 128 x 128 product.
wide = torch.nn.Sequential(torch.nn.Linear(196, 512), torch.nn.Linear(512, 512),
                           torch.nn.Linear(512, 512), torch.nn.Linear(512, 196))
x_wide, g_wide = torch.randn(128, 196), torch.randn(128, 196)


def wide_step():
    for p in wide.parameters():
        p.grad = None
    wide(x_wide).backward(g_wide)


print("torch_wide_ms %.4f" % step_ms(wide_step, 20, 300))
a128, b128 = torch.randn(128, 128), torch.randn(128, 128)
print("torch_mm128_us %.2f" % (1e3 * step_ms(lambda: torch.mm(a128, b128), 200, 4000)))
# Which BLAS did the matrix products run on? The library loaded into this process says.
with open("/proc/self/maps") as maps:
    loaded = maps.read().lower()
blas = "OpenBLAS" if "openblas" in loaded else ("MKL" if "mkl" in loaded else "reference BLAS (slow)")
print("torch_version %s" % torch.__version__)
print("torch_blas %s" % blas)
