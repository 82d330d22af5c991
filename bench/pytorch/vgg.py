"""Time the book's VGG-11 (ratio 4) in PyTorch on the CPU, as bench/train does.

Same net (5 VGG blocks, dense 4096-4096-10 with dropout 0.5), MXNet-style
Xavier uniform init (bound sqrt(3 / ((fan_in + fan_out) / 2))), zero biases,
SGD lr 0.05, batch 128 of random 1xSxS images, all cores.

    python3 bench/pytorch/vgg.py --size 224 --batch 128 --steps 2

Prints one RESULT line that `make bench-cpu` parses.
"""

import argparse
import math
import os
import time

import torch
from torch import nn


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
        in_channels = out_channels
    layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers)


def vgg(conv_arch, size):
    blocks, in_channels = [], 1
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    side = size >> len(conv_arch)
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(in_channels * side * side, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


def xavier_mxnet(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        rf = m.weight[0][0].numel() if m.weight.dim() > 2 else 1
        fan_in, fan_out = m.weight.shape[1] * rf, m.weight.shape[0] * rf
        bound = math.sqrt(3.0 / ((fan_in + fan_out) / 2))
        nn.init.uniform_(m.weight, -bound, bound)
        nn.init.zeros_(m.bias)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--ratio", type=int, default=4)
    ap.add_argument("--label", default="pytorch")
    a = ap.parse_args()

    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(1)
    arch = [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)]
    net = vgg([(n, c // a.ratio) for n, c in arch], a.size)
    net.apply(xavier_mxnet)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = torch.randint(0, 10, (a.batch,))

    fwd = 0
    # Forward FLOPs: 2 per multiply-add of every conv and dense layer.
    side, cin = a.size, 1
    for n, c in arch:
        for _ in range(n):
            fwd += 2 * (c // a.ratio) * cin * 9 * side * side
            cin = c // a.ratio
        side //= 2
    dense = cin * side * side * 4096 + 4096 * 4096 + 4096 * 10
    fwd += 2 * dense
    first = 2 * (arch[0][1] // a.ratio) * 9 * a.size * a.size  # no input gradient
    train_flop = 3 * fwd - first

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss_fn(net(x), y).backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            net(x)

    def timed(step):
        for _ in range(a.warmup):
            step()
        t = time.perf_counter()
        for _ in range(a.steps):
            step()
        return time.perf_counter() - t

    net.train()
    ts = timed(train_step)
    net.eval()
    ti = timed(infer_step)
    n = a.batch * a.steps
    print(f"{a.label}: torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"VGG-11/{a.ratio} {a.size}x{a.size} batch {a.batch}")
    print(f"train: {n / ts:.1f} img/s, {train_flop * n / ts / 1e9:.1f} GFLOP/s")
    print(f"infer: {n / ti:.1f} img/s, {fwd * n / ti / 1e9:.1f} GFLOP/s")
    print(f"RESULT backend={a.label} size={a.size} batch={a.batch} train_ips={n / ts:.2f} "
          f"infer_ips={n / ti:.2f} train_gflops={train_flop * n / ts / 1e9:.1f} "
          f"infer_gflops={fwd * n / ti / 1e9:.1f}")


if __name__ == "__main__":
    main()
