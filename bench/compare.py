"""Print the side-by-side table of `make bench-cpu` from its RESULT lines.

    python3 bench/compare.py .cache/bench-cpu.txt
"""

import platform
import subprocess
import sys
import time


def parse(path):
    rows = {}
    for line in open(path):
        if not line.startswith("RESULT "):
            continue
        kv = dict(f.split("=", 1) for f in line.split()[1:])
        rows[(kv["backend"], int(kv["size"]))] = kv
    return rows


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    rows = parse(sys.argv[1])
    sizes = sorted({s for _, s in rows}, reverse=True)
    peers = ["torch-debian", "torch-pypi"]
    print(f"\n{cpu_model()}, {len(__import__('os').sched_getaffinity(0))} cores, "
          f"{time.strftime('%Y-%m-%d')}, batch 128, VGG-11/4 (img/s; ratio = ours / theirs)")
    head = f"{'size':>5} {'':6} {'ours':>8} {'GFLOP/s':>8}"
    for p in peers:
        head += f" {p:>13} {'ratio':>6}"
    print(head)
    for s in sizes:
        ours = rows.get(("cpu", s))
        if not ours:
            continue
        for kind in ("train", "infer"):
            line = f"{s:>5} {kind:6} {float(ours[kind + '_ips']):8.1f} {float(ours[kind + '_gflops']):8.1f}"
            for p in peers:
                r = rows.get((p, s))
                if r:
                    theirs = float(r[kind + "_ips"])
                    line += f" {theirs:13.1f} {float(ours[kind + '_ips']) / theirs:5.2f}x"
                else:
                    line += f" {'-':>13} {'-':>6}"
            print(line)


if __name__ == "__main__":
    main()
