"""Replays a run dumped by bench/ReferenceDump.java through the reference code of seed 000 (vicreg.py, lars.py of
github.com/vladisai/JEPA_SSL_NeurIPS_2022, unmodified; pass its folder with --ref-src or JEPA_SSL_SRC) and compares:

1. the loss and the gradient of the first batch at the initial parameters, per tensor, against the reference in
   float64;
2. the parameter update of the first LARS step, per tensor (BatchNorm running statistics included), against the
   reference's float64 step, beside the reference's own float32 step as the yardstick;
3. with --train: the reference's training from the project's initial parameters on the project's batches, in the
   project's order, with the reference's schedule (its step index starts at one epoch), then the exact linear probe
   (least squares, shared over the 17 steps, no bias, as the project's probe.solver = exact) of the project's final
   parameters and of the reference's, on the same probe-train / test splits, in paper units, beside the number the
   project's own evaluation gave the same run (RunProtocol.run, written by the dump).

A relative difference of ~1e-7 means the same maths in float32 vs float64; a ReLU whose pre-activation rounds to the
other side in float32 shows as ~1e-3 in the layers below it (one element; the printed per-channel maximum finds it).
Needs PyTorch and NumPy only: the reference's other imports (wandb, omegaconf, matplotlib, pandas, tqdm,
torchvision) are stubbed, .cuda() is a no-op.

usage: OMP_NUM_THREADS=1 python3 bench/reference_replay.py DUMP --ref-src PATH [--train [--float64-control] [--init-seed S]]
       --float64-control: also train the reference in float64, to show how far float32 rounding alone moves a run.
       --init-seed S: train from PyTorch's own initialisation (torch.manual_seed(S)) instead of the project's.
"""
import argparse
import importlib.machinery
import math
import os
import sys
import types

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("dump")
ap.add_argument("--ref-src", default=os.environ.get("JEPA_SSL_SRC"))
ap.add_argument("--train", action="store_true")
ap.add_argument("--init-seed", type=int, default=None)
ap.add_argument("--float64-control", action="store_true")
ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
args = ap.parse_args()
if not args.ref_src:
    sys.exit("the reference repository's folder is needed: --ref-src or JEPA_SSL_SRC")
sys.path.insert(0, args.ref_src)


def _stub(name, **attrs):
    m = types.ModuleType(name)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)   # torch's own import checks (dynamo) look stubs up by spec
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


_stub("wandb", run=None, init=lambda *a, **k: None, log=lambda *a, **k: None)
_stub("omegaconf", OmegaConf=None, MISSING="???")
_mpl = _stub("matplotlib")
_mpl.pyplot = _stub("matplotlib.pyplot")
_mpl.figure = _stub("matplotlib.figure", Figure=type("Figure", (), {}))
_stub("pandas")
_tq = _stub("tqdm.auto", tqdm=lambda it=None, *a, **k: it)
_stub("tqdm", tqdm=_tq.tqdm, auto=_tq)
_stub("torchvision", transforms=_stub("torchvision.transforms"), datasets=None)

import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.Tensor.cuda = lambda self, *a, **k: self
torch.nn.Module.cuda = lambda self, *a, **k: self
import lars  # noqa: E402
import vicreg  # noqa: E402

D = args.dump
SHAPES = {}
for line in open(os.path.join(D, "index.txt")):
    name, shape = line.split()
    SHAPES[name] = [int(x) for x in shape.strip("[]").split(",")]
RUN = dict(line.split() for line in open(os.path.join(D, "run.txt")) if line.strip())


def load(name):
    return torch.from_numpy(np.fromfile(os.path.join(D, name + ".bin"), dtype="<f4").reshape(SHAPES[name]).copy())


cfg = vicreg.VICRegConfig(projector="id", predictor="rnn", arch="menet5", embedding_size=int(RUN["embedding"]),
                          backbone_width_factor=int(RUN["width"]), skip_first_step_vc=RUN["skip_first_step_vc"] == "true",
                          repr_loss_after_projector=False, sim_coeff=float(RUN["sim_coeff"]), std_coeff=float(RUN["std_coeff"]),
                          cov_coeff=float(RUN["cov_coeff"]), epochs=int(RUN["epochs"]), base_lr=float(RUN["base_lr"]))
B, EPOCHS, WARMUP = int(RUN["batch"]), int(RUN["epochs"]), int(RUN["warmup_epochs"])


def tensors(m):
    """The project's parameter names -> the reference module's tensors."""
    bb = m.backbone.layer1
    t = {"enc_seq_fc.W": m.backbone.fc.weight, "enc_seq_fc.b": m.backbone.fc.bias,
         "rollout.Wi0": m.predictor.rnn.weight_ih_l0, "rollout.Wh0": m.predictor.rnn.weight_hh_l0,
         "rollout.bi0": m.predictor.rnn.bias_ih_l0, "rollout.bh0": m.predictor.rnn.bias_hh_l0}
    for k, (conv, bn) in enumerate([(0, 2), (3, 5), (6, 8)], start=1):
        t["enc_seq_c%d.W" % k], t["enc_seq_c%d.b" % k] = bb[conv].weight, bb[conv].bias
        t["enc_seq_bn%d.gamma" % k], t["enc_seq_bn%d.beta" % k] = bb[bn].weight, bb[bn].bias
        t["enc_seq_bn%d.mean" % k], t["enc_seq_bn%d.var" % k] = bb[bn].running_mean, bb[bn].running_var
    return t


TRANSPOSED = {"enc_seq_fc.W", "rollout.Wi0", "rollout.Wh0"}  # DL4J stores [in, out]


def as_ref(name, a, like):
    return (a.t() if name in TRANSPOSED else a).reshape(like.shape).to(like.dtype)


def model_from(prefix, dtype):
    torch.manual_seed(0)
    m = vicreg.VICRegPredMultistep(cfg).to(dtype)
    with torch.no_grad():
        for name, t in tensors(m).items():
            t.copy_(as_ref(name, load(prefix + name), t))
    return m


def states(frames):   # [n, C·784, 17] -> [17, n, C, 28, 28]
    n = frames.shape[0]
    return frames.reshape(n, -1, 28, 28, 17).permute(4, 0, 1, 2, 3).contiguous()


def actions(a):       # [n, 2, 16] -> [16, n, 2]
    return a.permute(2, 0, 1).contiguous()


def optimiser(m):
    return lars.LARS(m.parameters(), lr=0, weight_decay=float(RUN["weight_decay"]), eta=float(RUN["eta"]),
                     momentum=float(RUN["momentum"]), weight_decay_filter=lars.exclude_bias_and_norm,
                     lars_adaptation_filter=lars.exclude_bias_and_norm)


def set_lr(opt, steps_per_epoch, k):
    """lars.adjust_learning_rate with the warm-up of this run (the reference hard-codes 10 epochs), at the
    reference's step index epoch·L + b, which starts at L (train.py enumerates from epoch * len(ds), epoch >= 1)."""
    step, max_steps, warm = steps_per_epoch + k, EPOCHS * steps_per_epoch, WARMUP * steps_per_epoch
    base = cfg.base_lr * B / 256
    if step < warm:
        lr = base * step / warm
    else:
        q = 0.5 * (1 + math.cos(math.pi * (step - warm) / (max_steps - warm)))
        lr = base * q + 0.001 * base * (1 - q)
    for g in opt.param_groups:
        g["lr"] = lr
    return lr


def rel(a, b):
    return ((a - b).norm() / max(b.norm().item(), 1e-30)).item()


order0 = [int(x) for x in open(os.path.join(D, "orders.txt")).readline().split()]
train_frames, train_actions = load("train_frames"), load("train_actions")
idx0 = torch.tensor(order0[:B])
s0, a0 = states(train_frames[idx0]), actions(train_actions[idx0])
java_losses = [float(x) for x in open(os.path.join(D, "losses.txt"))]

# 1. gradient of the first batch, float64
m = model_from("p0_", torch.float64)
m.train()
li = m(s0.double(), a0.double())
li.total_loss.backward()
print("1. first batch at the initial parameters: reference loss %.7f (pred %.6f, var %.6f, cov %.6f), project %.7f" % (
    li.total_loss.item(), float(li.diagnostics_info.repr_loss.detach()), li.diagnostics_info.std_loss.item(),
    li.diagnostics_info.cov_loss.item(), java_losses[0]))
print("   gradient, relative difference per tensor (project float32 vs reference float64):")
for name, t in tensors(m).items():
    if t.grad is None:
        continue
    g = as_ref(name, load("g_" + name.replace(".", "_")), t)
    worst = ""
    if t.grad.dim() >= 1 and t.grad.shape[0] > 1:
        per = (g - t.grad).reshape(t.shape[0], -1).norm(dim=1) / t.grad.norm()
        worst = "  (largest share: row/channel %d, %.1e)" % (int(per.argmax()), per.max().item())
    print("   %-18s %.2e%s" % (name, rel(g, t.grad), worst))

# 2. the first LARS step, in float64, and in float32 to show what float32 alone does to an update
def first_step(dtype):
    m = model_from("p0_", dtype)
    opt = optimiser(m)
    lr = set_lr(opt, steps_per_epoch, 0)
    m.train()
    opt.zero_grad()
    m(s0.to(dtype), a0.to(dtype)).total_loss.backward()
    opt.step()
    return m, lr


steps_per_epoch = len(order0) // B
m, lr = first_step(torch.float64)
m32, _ = first_step(torch.float32)
print("2. first LARS step (lr %.5f): relative difference of the update per tensor, incl. BatchNorm running stats" % lr)
print("   %-18s %-10s %s" % ("", "project", "reference float32 (both against the reference in float64)"))
for name, t in tensors(m).items():
    p0 = as_ref(name, load("p0_" + name), t)
    step64 = t.detach() - p0
    print("   %-18s %.2e   %.2e" % (name, rel(as_ref(name, load("p1_" + name), t) - p0, step64),
                                   rel(tensors(m32)[name].detach().double() - p0, step64)))


@torch.no_grad()
def exact_probe(model):
    model.eval()

    def reps(split):
        fr, ac, lo = load(split + "_frames"), load(split + "_actions"), load(split + "_locs")
        xs = []
        for i in range(0, fr.shape[0], B):
            e = model.backbone(states(fr[i:i + B])[0])
            xs.append(torch.cat([e.unsqueeze(0), model.predictor.predict_sequence(enc=e, actions=actions(ac[i:i + B]), h=None)]))
        return torch.cat(xs, 1).double(), lo.permute(2, 0, 1).double()   # [17, n, D], [17, n, 2·dots]

    xtr, ytr = reps("pt")
    xte, yte = reps("te")
    w = torch.linalg.lstsq(xtr.reshape(-1, xtr.shape[-1]), ytr.reshape(-1, ytr.shape[-1])).solution
    per_step = ((xte @ w - yte) ** 2).mean((1, 2))   # per-coordinate MSE, normalised units
    model.train()
    rmse = lambda mse: math.sqrt(mse / 12)   # normalised coordinate (std 1 = √(1/12) range) -> range units
    return rmse(per_step.mean().item()), [round(rmse(v), 4) for v in per_step[::4].tolist()]


def train_reference(dtype, log):
    """The reference's training over the project's epochs and batches, from the project's initial parameters (or
    PyTorch's, with --init-seed); returns the model and its loss at every step."""
    m = model_from("p0_", dtype)
    if args.init_seed is not None:
        torch.manual_seed(args.init_seed)
        m.load_state_dict(vicreg.VICRegPredMultistep(cfg).to(dtype).state_dict())
    opt = optimiser(m)
    orders = [[int(x) for x in line.split()] for line in open(os.path.join(D, "orders.txt"))]
    S, A = states(train_frames).to(dtype), actions(train_actions).to(dtype)
    m.train()
    losses, worst = [], 0.0
    for epoch, order in enumerate(orders):
        for b in range(len(order) // B):
            idx = torch.tensor(order[b * B:(b + 1) * B])
            lr = set_lr(opt, steps_per_epoch, len(losses))
            opt.zero_grad()
            li = m(S[:, idx], A[:, idx])
            li.total_loss.backward()
            opt.step()
            worst = max(worst, abs(li.total_loss.item() - java_losses[len(losses)]) / abs(java_losses[len(losses)]))
            losses.append(li.total_loss.item())
        if log:
            print("   epoch %d: lr %.4f, reference loss %.5f, project loss %.5f (last step); largest relative loss difference so far %.1e"
                  % (epoch + 1, lr, losses[-1], java_losses[len(losses) - 1], worst))
    return m


def learned(m):
    """name -> float64 tensor of the learned parameters (BatchNorm running statistics left out)."""
    return {n: t.detach().double() for n, t in tensors(m).items() if not n.endswith((".mean", ".var"))}


def distance(a, b):
    return math.sqrt(sum(((a[n] - b[n]) ** 2).sum().item() for n in a))


if args.train:
    print("3. the project's final parameters, exact probe: %.4f (steps 0, 4, 8, 12, 16: %s); the project's own evaluation: %.4f"
          % (exact_probe(model_from("pF_", torch.float32)) + (float(RUN["sweep_rollout_rmse"]),)))
    m = train_reference(torch.float32, True)
    init = "PyTorch's initialisation, seed %d" % args.init_seed if args.init_seed is not None else "the project's initial parameters"
    print("   the reference trained from %s, exact probe: %.4f (steps 0, 4, 8, 12, 16: %s)" % ((init,) + exact_probe(m)))
    if args.init_seed is None:
        # how far apart two trainings end, against how far training moved the parameters; --float64-control puts the
        # gap between the reference's own float32 and float64 trainings beside it (float32 rounding, grown over the run)
        proj, start = learned(model_from("pF_", torch.float32)), learned(model_from("p0_", torch.float32))
        moved = distance(proj, start)
        print("   final parameters: |reference - project| / |project - initial| = %.3f" % (distance(learned(m), proj) / moved))
        if args.float64_control:
            m64 = train_reference(torch.float64, False)
            print("   control: |reference float32 - reference float64| / |project - initial| = %.3f, |project - reference float64| = %.3f;"
                  " the reference in float64, exact probe: %.4f (steps 0, 4, 8, 12, 16: %s)"
                  % ((distance(learned(m), learned(m64)) / moved, distance(proj, learned(m64)) / moved) + exact_probe(m64.float())))
