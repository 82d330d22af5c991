#!/usr/bin/env python3
"""Load a vggo safetensors checkpoint into the same network in PyTorch and
compare logits with the ones vggo computed.

    load_checkpoint.py CHECKPOINT INPUT.f32 LOGITS.f32 N,C,H,W [--tol 1e-4]

INPUT.f32 and LOGITS.f32 are raw little-endian float32 arrays: the input
batch (N,C,H,W) and vggo's logits for it (N,classes). The network is built as
torchvision builds VGG -- an nn.Sequential `features` of Conv2d(3x3, pad 1),
ReLU and MaxPool2d(2, 2) per block, then torch.flatten and an nn.Sequential
`classifier` of Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear -- from
the checkpoint's "arch" metadata and tensor shapes, loaded with
load_state_dict(strict=True), and run in eval mode. Prints the largest
absolute difference and exits 1 when it exceeds the tolerance.

The safetensors file is parsed here (8-byte header length, JSON header, raw
data) so that only torch is needed, not the safetensors package.
"""
import argparse
import json
import struct
import sys

import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = bytearray(blob[8 + n:])
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {info['dtype']}, want F32")
        begin, end = info["data_offsets"]
        t = torch.frombuffer(data, dtype=torch.float32, count=(end - begin) // 4, offset=begin)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, meta


class VGG(nn.Module):
    def __init__(self, arch, in_channels, hidden, flat, classes):
        super().__init__()
        layers = []
        c = in_channels
        for convs, channels in arch:
            for _ in range(convs):
                layers += [nn.Conv2d(c, channels, kernel_size=3, padding=1), nn.ReLU()]
                c = channels
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Linear(flat, hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(hidden, classes),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("input")
    ap.add_argument("logits")
    ap.add_argument("shape", help="input shape N,C,H,W")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()

    state, meta = read_safetensors(args.checkpoint)
    arch = json.loads(meta["arch"])
    hidden, flat = state["classifier.0.weight"].shape
    classes = state["classifier.6.weight"].shape[0]
    shape = [int(s) for s in args.shape.split(",")]
    net = VGG(arch, shape[1], hidden, flat, classes)
    net.load_state_dict(state, strict=True)
    net.eval()

    with open(args.input, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape)
    with open(args.logits, "rb") as f:
        want = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape[0], classes)
    with torch.no_grad():
        got = net(x)
    diff = (got - want).abs().max().item()
    print(f"torch {torch.__version__}: {len(state)} tensors loaded, logits {tuple(got.shape)}, max abs diff {diff:.3g}")
    if not diff <= args.tol:
        print(f"max abs diff {diff} exceeds {args.tol}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
