"""Seed 003's ViT training step in PyTorch, to put `submit/jepa bench conf/cartpole.conf` next to PyTorch on the same machine.

The encoder is jepa.nn.VisionTransformer's: three stacked frames cut into patch x patch squares, each patch embedded by one
linear map, a learnable CLS token prepended, a learnable position per token (frame t, patch row i, column j), pre-LayerNorm
blocks (x + MHA(LN(x)) with bias-free projections, x + MLP(LN(x)) with exact GELU), a final LayerNorm, s = the CLS output.
One step: forward of a batch, loss mean ||s - y||^2 against a fixed random target, backward, Adam (eps 1e-5), as the Java
bench times it. Data are random frames already in memory. Prints the median step time after the warm-up steps.

Usage: python3 bench/torch_vit_step.py [batch=128] [threads=1] [steps=20] [frame=64] [patch=16] [depth=2] [heads=4]
       [mlp=128] [embedding=64] [channels=1]      (needs PyTorch, e.g. Debian's python3-torch; nothing else uses it)
"""
import statistics
import sys
import time

import torch
import torch.nn as nn

args = [int(a) for a in sys.argv[1:]]
B, threads, steps, S, P, L, H, M, D, C = (args + [128, 1, 20, 64, 16, 2, 4, 128, 64, 1][len(args):])[:10]
torch.set_num_threads(threads)
torch.manual_seed(0)
F = 3
g = S // P
N = F * g * g
T = N + 1


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.att = nn.MultiheadAttention(D, H, bias=False, batch_first=True)
        self.ln2 = nn.LayerNorm(D)
        self.mlp = nn.Sequential(nn.Linear(D, M), nn.GELU(), nn.Linear(M, D))

    def forward(self, h):
        a = self.ln1(h)
        h = h + self.att(a, a, a, need_weights=False)[0]
        return h + self.mlp(self.ln2(h))


class VisionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Linear(C * P * P, D)
        self.cls = nn.Parameter(torch.randn(1, 1, D))
        self.pos = nn.Parameter(torch.randn(1, T, D))
        self.blocks = nn.Sequential(*[Block() for _ in range(L)])
        self.ln = nn.LayerNorm(D)

    def forward(self, x):  # x [B, F*C, S, S]
        b = x.shape[0]
        p = x.reshape(b, F, C, g, P, g, P).permute(0, 1, 3, 5, 2, 4, 6).reshape(b, N, C * P * P)
        h = torch.cat([self.cls.expand(b, -1, -1), self.patch(p)], 1) + self.pos
        return self.ln(self.blocks(h))[:, 0]


model = VisionTransformer()
opt = torch.optim.Adam(model.parameters(), 2.5e-4, eps=1e-5)
x = torch.rand(B, F * C, S, S)
y = torch.randn(B, D)
params = sum(p.numel() for p in model.parameters())
times = []
for i in range(steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).sum(1).mean()
    loss.backward()
    opt.step()
    times.append(time.perf_counter() - t0)
warm = min(5, steps // 2)
med = statistics.median(times[warm:])
print(f"torch {torch.__version__}, {threads} thread(s): ViT {S}x{S}x{C} frames x3, patch {P} ({T} tokens), d {D}, depth {L}, heads {H}, "
      f"mlp {M}, {params} params; batch {B}: median step {med:.4f} s = {B / med:.1f} samples/s (after {warm} warm-up steps)")
print(f"RESULT torch_vit batch {B} threads {threads} step_s {med:.4f} samples_per_s {B / med:.1f}")
