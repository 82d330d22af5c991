"""Print the side-by-side table of `make bench-cpu` from its RESULT lines.

    python3 bench/compare.py .cache/bench-cpu.txt

Each cell is the median over the rounds, with the lowest and highest value
seen; ratios are of medians.
"""

import os
import statistics
import subprocess
import sys
import time


def parse(path):
    rows = {}
    for line in open(path):
        if not line.startswith("RESULT "):
            continue
        kv = dict(f.split("=", 1) for f in line.split()[1:])
        rows.setdefault((kv["backend"], int(kv["size"])), []).append(kv)
    return rows


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def cell(runs, key):
    v = [float(r[key]) for r in runs]
    return statistics.median(v), min(v), max(v)


def main():
    rows = parse(sys.argv[1])
    sizes = sorted({s for _, s in rows}, reverse=True)
    peers = ["torch-debian", "torch-pypi"]
    rounds = max(len(v) for v in rows.values())
    print(f"\n{cpu_model()}, {len(os.sched_getaffinity(0))} cores, {time.strftime('%Y-%m-%d')}, "
          f"batch 128, VGG-11/4; img/s, median of {rounds} rounds [min-max]; ratio = ours / theirs")
    head = f"{'size':>4} {'':5} {'ours':>20} {'GFLOP/s':>7}"
    for p in peers:
        head += f" {p:>20} {'ratio':>6}"
    print(head)
    for s in sizes:
        ours = rows.get(("cpu", s))
        if not ours:
            continue
        for kind in ("train", "infer"):
            m, lo, hi = cell(ours, kind + "_ips")
            g, _, _ = cell(ours, kind + "_gflops")
            line = f"{s:>4} {kind:5} {m:8.1f} [{lo:.0f}-{hi:.0f}]".ljust(31) + f" {g:7.1f}"
            for p in peers:
                r = rows.get((p, s))
                if r:
                    tm, tlo, thi = cell(r, kind + "_ips")
                    line += f" {tm:8.1f} [{tlo:.0f}-{thi:.0f}]".rjust(21) + f" {m / tm:5.2f}x"
                else:
                    line += f" {'-':>20} {'-':>6}"
            print(line)


if __name__ == "__main__":
    main()
