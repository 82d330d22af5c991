#!/usr/bin/env python3
"""PyTorch peer of bench/gpu: the same 4x narrower VGG-11 (d2l section 5.7)
trained eagerly on one CUDA GPU, for the speed ratio in bench/RESULTS.md.

Network: blocks (1,16) (1,32) (2,64) (2,128) (2,128) of 3x3 convolutions with
padding 1 and ReLU, each block ending in a 2x2 max pool; then 6272 -> 4096 ->
4096 -> 10 with ReLU and dropout 0.5. Weights Xavier uniform as MXNet's
init.Xavier() (bound sqrt(6/(fan_in+fan_out))), biases zero. SGD lr 0.05,
batch 128, 1x224x224 inputs. TF32 on (torch.backends.*.allow_tf32), cuDNN
benchmark mode on (like bench/gpu's algorithm search). Each step reads the
loss back (loss.item()), as the Go trainer does once per batch.

The inputs are random batches already on the GPU, so this times the network
only; the Go run also pays for its input pipeline.

    python3 bench/pytorch/vgg_gpu.py --steps 200 --json out.json
"""
import argparse
import json
import sys
import time


def vgg(ratio):
    import torch.nn as nn

    arch = [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)]
    layers, cin = [], 1
    for convs, ch in arch:
        ch //= ratio
        for _ in range(convs):
            layers += [nn.Conv2d(cin, ch, 3, padding=1), nn.ReLU()]
            cin = ch
        layers.append(nn.MaxPool2d(2, 2))
    layers += [nn.Flatten(),
               nn.Linear(cin * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=200, help="timed steps")
    ap.add_argument("--warmup", type=int, default=20, help="untimed steps first")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--resize", type=int, default=224)
    ap.add_argument("--ratio", type=int, default=4)
    ap.add_argument("--no-tf32", action="store_true", help="strict FP32")
    ap.add_argument("--json", help="write the result here")
    a = ap.parse_args()

    import torch
    if not torch.cuda.is_available():
        sys.exit("vgg_gpu.py: torch sees no CUDA device")
    torch.backends.cuda.matmul.allow_tf32 = not a.no_tf32
    torch.backends.cudnn.allow_tf32 = not a.no_tf32
    torch.backends.cudnn.benchmark = True
    dev = torch.device("cuda:0")
    torch.manual_seed(1)
    net = vgg(a.ratio).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = [(torch.rand(a.batch_size, 1, a.resize, a.resize, device=dev),
                torch.randint(0, 10, (a.batch_size,), device=dev)) for _ in range(4)]

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(i)
    torch.cuda.synchronize()
    secs = time.perf_counter() - t0
    ips = a.steps * a.batch_size / secs
    res = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "precision": "fp32" if a.no_tf32 else "tf32",
        "steps": a.steps, "batch_size": a.batch_size, "resize": a.resize, "ratio": a.ratio,
        "seconds": secs, "images_per_sec": ips, "epoch_60k_seconds": 60000 / ips,
    }
    print(f"RESULT pytorch on {res['device']}: {ips:.0f} img/s, {60000 / ips:.2f} s per 60,000-image epoch "
          f"(torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {res['cudnn']}, {res['precision']})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
