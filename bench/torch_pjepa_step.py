"""P-JEPA's training step (seed 002) in PyTorch, to put the Java step (PJepaBench) next to PyTorch on the same machine.

The same network and loss as jepa.method.PJepaNetwork: the encoder (TD-MPC2's conv encoder + Linear(512 -> 256), or the
paper's ResNet: stem 7x7/2 + max-pool 3/2, 4 stages x 8 basic blocks at 32/64/128/256 channels without normalisation,
1x1 stride-2 projections, global average pool, Linear(256 -> 256)) over o and o' stacked in one batch; the dynamics
NormedLinear(257 -> 512, Mish) -> Linear(512 -> 256) with c_dyn * MSE(T(E(o), a), E(o')), no stop-gradient; the reward
head NormedLinear(256 -> 512) -> NormedLinear(512 -> 512) -> Linear(512 -> 101) with c_p * two-hot soft cross-entropy;
the decoder (Linear -> 4x4x32, three nearest-x2 + conv3 stages, two conv3 at 32 px, nearest-x2 + conv3 to RGB) on the
detached latents of the batch's first quarter, MSE. Adam, lr 3e-4, the encoder at 0.3x. Data are random frames already
in memory (no loading), as in the Java bench. Prints the median step time (forward, backward, optimiser step) and
transitions/s after 2 warm-up steps.

Usage: /usr/bin/python3 bench/torch_pjepa_step.py [encoder=conv|resnet] [batch=256] [threads=2] [steps=8]
(Debian's python3-torch; nothing else uses it)
"""
import sys, time
import torch, torch.nn as nn, torch.nn.functional as F

encoder_kind = sys.argv[1] if len(sys.argv) > 1 else "conv"
B = int(sys.argv[2]) if len(sys.argv) > 2 else 256
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 8
torch.set_num_threads(threads)
torch.manual_seed(0)
S, Z, H, BINS = 64, 256, 512, 101


class NormedLinear(nn.Linear):
    def __init__(self, i, o):
        super().__init__(i, o)
        self.ln = nn.LayerNorm(o)

    def forward(self, x):
        return F.mish(self.ln(super().forward(x)))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.down = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = self.conv2(F.relu(self.conv1(x)))
        return F.relu(y + (self.down(x) if self.down is not None else x))


def resnet():
    layers, c = [nn.Conv2d(3, 32, 7, 2, 3, bias=False), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], 32
    for stage, w in enumerate([32, 64, 128, 256]):
        for b in range(8):
            layers.append(Block(c, w, 2 if stage > 0 and b == 0 else 1))
            c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, Z))


def conv():
    return nn.Sequential(nn.Conv2d(3, 32, 7, 2), nn.ReLU(), nn.Conv2d(32, 32, 5, 2), nn.ReLU(), nn.Conv2d(32, 32, 3, 2), nn.ReLU(),
                         nn.Conv2d(32, 32, 3, 1), nn.Flatten(), nn.Linear(32 * 4 * 4, Z))


def up(i, o, act=True):
    return [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(i, o, 3, 1, 1, bias=False)] + ([nn.ReLU()] if act else [])


encoder = resnet() if encoder_kind == "resnet" else conv()
dynamics = nn.Sequential(NormedLinear(Z + 1, H), nn.Linear(H, Z))
reward = nn.Sequential(NormedLinear(Z, H), NormedLinear(H, H), nn.Linear(H, BINS))
decoder = nn.Sequential(nn.Linear(Z, 32 * 4 * 4), nn.ReLU(), nn.Unflatten(1, (32, 4, 4)), *up(32, 32), *up(32, 32), *up(32, 16),
                        nn.Conv2d(16, 16, 3, 1, 1), nn.ReLU(), nn.Conv2d(16, 16, 3, 1, 1), nn.ReLU(), *up(16, 3, False))
print(f"encoder {encoder_kind}: {sum(p.numel() for p in encoder.parameters()):,} parameters")
lr = 3e-4
opt = torch.optim.Adam([{"params": encoder.parameters(), "lr": lr * 0.3},
                        {"params": list(dynamics.parameters()) + list(reward.parameters()) + list(decoder.parameters())}], lr=lr)

frames = torch.rand(2 * B, 3, S, S) - 0.5        # o then o'
actions = torch.rand(B, 1) * 2 - 1
target = torch.zeros(B, BINS)
target[:, 50] = 1.0                              # two-hot of symlog(0)


def step():
    z_all = encoder(frames)
    z, z_next = z_all[:B], z_all[B:]
    dyn = F.mse_loss(dynamics(torch.cat([z, actions], 1)), z_next)
    aux = -(target * F.log_softmax(reward(z), 1)).sum(1).mean()
    q = B // 4
    dec = F.mse_loss(decoder(z[:q].detach()), frames[:q] * 2)
    loss = 2 * dyn + 10 * aux + dec
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


times = []
for i in range(2 + steps):
    t0 = time.perf_counter()
    loss = step()
    dt = time.perf_counter() - t0
    if i >= 2:
        times.append(dt)
    print(f"torch pjepa {encoder_kind} B={B} threads={threads} step {i}: {dt:.3f} s, {B / dt:.1f} transitions/s, loss {loss:.4f}")
times.sort()
m = times[len(times) // 2]
print(f"torch pjepa median {encoder_kind} B={B} threads={threads}: {m:.3f} s/step, {B / m:.1f} transitions/s")
