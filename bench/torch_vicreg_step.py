"""The reference's VICReg JEPA training step in PyTorch, to put `submit/jepa bench` next to PyTorch on the same machine.

The model follows the reference fact sheet: MeNet5 (w = 2, D = 512; reference §2.1) over all 17·B frames in one pass (BatchNorm
statistics over all of them), a GRU(2 -> 512) rolled out from s_1 over the 16 actions (reference §2.3), the prediction MSE plus
VICReg's variance and covariance terms on s_2..s_17 (reference §3.1), LARS with weight decay 1e-6, eta 0.001, momentum 0.9
(reference §4.1). Data are random frames already in memory (no loading), as in the bench job. Prints the median step time
(forward, backward, optimiser step) after 5 warm-up steps.

Usage: python3 bench/torch_vicreg_step.py [batch=64] [threads=2] [steps=20]   (needs PyTorch; nothing else uses it)
"""
import sys, time
import torch, torch.nn as nn, torch.nn.functional as F

B = int(sys.argv[1]) if len(sys.argv) > 1 else 64
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
torch.set_num_threads(threads)
torch.manual_seed(0)
w, D, T = 2, 512, 17
encoder = nn.Sequential(
    nn.Conv2d(1, 16 * w, 5, 2, 2), nn.ReLU(), nn.BatchNorm2d(16 * w),
    nn.Conv2d(16 * w, 32 * w, 5, 2, 2), nn.ReLU(), nn.BatchNorm2d(32 * w),
    nn.Conv2d(32 * w, 32 * w, 3, 1, 1), nn.ReLU(), nn.BatchNorm2d(32 * w),
    nn.AvgPool2d(2, 2), nn.Flatten(), nn.Linear(9 * 32 * w, D))
gru = nn.GRU(2, D)
params = list(encoder.parameters()) + list(gru.parameters())
momentum = [torch.zeros_like(p) for p in params]


def lars_step(lr=0.05, wd=1e-6, eta=1e-3):
    with torch.no_grad():
        for p, mu in zip(params, momentum):
            g = p.grad
            if p.ndim > 1:
                g = g + wd * p
                pn, gn = p.norm(), g.norm()
                if pn > 0 and gn > 0:
                    g = g * (eta * pn / gn)
            mu.mul_(0.9).add_(g)
            p.sub_(lr * mu)


def vc(x):
    x = x - x.mean(0)
    std = torch.sqrt(x.var(0) + 1e-4)
    cov = x.T @ x / (x.shape[0] - 1)
    off = cov - torch.diag(torch.diag(cov))
    return F.relu(1 - std).mean(), off.pow(2).sum() / x.shape[1]


frames = torch.rand(T, B, 1, 28, 28)
actions = torch.randn(T - 1, B, 2)


def step():
    s = encoder(frames.reshape(T * B, 1, 28, 28)).reshape(T, B, D)
    pred, _ = gru(actions, s[0:1].contiguous())
    sim = sum(F.mse_loss(pred[t - 1], s[t]) for t in range(1, T)) / (T - 1)
    terms = [vc(s[t]) for t in range(1, T)]
    var = sum(v for v, _ in terms) / (T - 1)
    cov = sum(c for _, c in terms) / (T - 1)
    loss = 25 * sim + 25 * var + cov
    for p in params:
        p.grad = None
    loss.backward()
    lars_step()
    return loss.item()


for _ in range(5):
    step()
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
times.sort()
median = times[len(times) // 2]
print(f"torch {torch.__version__}, {threads} threads, batch {B}: median {median:.3f} s/step = {B / median:.1f} seq/s "
      f"(fastest step {times[0]:.3f} s)")
