# cpu.mk: the CPU backend's run-time library and its benchmarks.
#
#   make bench-cpu   ours vs PyTorch from PyPI (a virtualenv in .venv-bench/)
#                    vs Debian's python3-torch 1.13, side by side, with ratios
#   make bench-ops   go test -bench of every op on the VGG-11/4 layer shapes
#
# kernels/cpu loads OpenBLAS at run time (libopenblas.so.0, from
# libopenblas0-pthread); without it a pure-Go sgemm runs.

APT_PKGS += libopenblas0-pthread

BENCH_SIZES   ?= 224 96 48 32
BENCH_STEPS   ?= 2
BENCH_REPEAT  ?= 3
BENCH_VENV    ?= $(CURDIR)/.venv-bench
BENCH_PYTHON  ?= python3
BENCH_TORCH   ?= torch
DEBIAN_PYTHON ?= /usr/bin/python3
BENCH_APT     := python3-torch libopenblas-dev
BENCH_OUT     ?= $(CURDIR)/.cache/bench-cpu.txt

.PHONY: bench-cpu bench-deps bench-ops

# The virtualenv holds the current torch wheel from PyPI (with the NVIDIA
# runtime wheels it imports at load time even on a CPU); a stamp makes a
# second run skip the install.
$(BENCH_VENV)/.installed:
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check $(BENCH_TORCH)
	@touch $@

bench-deps: deps $(BENCH_VENV)/.installed
	@$(call apt_install,$(BENCH_APT))

# Each round runs, per size, ours, then PyTorch from PyPI, then Debian's
# PyTorch, one after the other; BENCH_REPEAT rounds interleave them so that
# load from other processes hits all three alike, and bench/compare.py
# prints the medians (and the spread) side by side.
bench-cpu: bench-deps
	@mkdir -p $(dir $(BENCH_OUT)) && : > $(BENCH_OUT)
	@$(GO) build -o $(CURDIR)/.cache/bench-train ./bench/train
	@for r in $$(seq $(BENCH_REPEAT)); do for s in $(BENCH_SIZES); do \
		steps=$(BENCH_STEPS); [ $$s -le 64 ] && steps=$$((4 * $(BENCH_STEPS))); \
		echo "== round $$r: $${s}x$${s}, $$steps timed steps"; \
		$(CURDIR)/.cache/bench-train -backend cpu -size $$s -steps $$steps | tee -a $(BENCH_OUT) | grep -v '^RESULT'; \
		$(BENCH_VENV)/bin/python bench/pytorch/vgg.py --label torch-pypi --size $$s --steps $$steps | tee -a $(BENCH_OUT) | grep -v '^RESULT'; \
		$(DEBIAN_PYTHON) bench/pytorch/vgg.py --label torch-debian --size $$s --steps $$steps | tee -a $(BENCH_OUT) | grep -v '^RESULT'; \
	done; done
	@$(BENCH_PYTHON) bench/compare.py $(BENCH_OUT)

bench-ops:
	$(GO) test ./bench -run '^$$' -bench . -benchtime 3x -backend cpu
