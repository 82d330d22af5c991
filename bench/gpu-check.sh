#!/usr/bin/env bash
# gpu-check.sh: the GPU proof, in one run on a machine with an NVIDIA GPU and
# no Go. Run it from the repository root after `make gpu-binaries` built
# build/gpu/ (carry that directory to the GPU machine with the tree):
#
#   bash bench/gpu-check.sh            # writes to $OUT, else build/gpu-out
#
# It fits a hard 600 s command limit: one global deadline of BUDGET seconds
# (470 by default) bounds every step; each step runs under
# timeout min(its own limit, the time left), and a step is skipped with a note
# when less than 30 s remain. RESULTS.md gets its row as each step finishes,
# so a run killed from outside still leaves a summary.
#
# Steps:
#   1. find NVIDIA's libraries (pip wheels; only when none are found and
#      VGGO_CUDA_PATH is unset, a search of the file system) and export
#      VGGO_CUDA_PATH;
#   2. a probe: open the GPU and train a few steps at 32x32. When it fails,
#      no GPU is usable: RESULTS.md says why and the GPU steps are skipped;
#   3. the cuda conformance tests, the GPU-vs-CPU training test, the device
#      tests;
#   4. the timed training run at the seed's setting (224, ratio 4, batch 128);
#   5. a bounded accuracy run: 1 epoch at 224 on as many training images as
#      the measured speed fits in about a minute (the seed's 5 full epochs do
#      not fit the limit), reporting test accuracy on 2,000 test images;
#   6. PyTorch's same network on the same card, when torch is installed.
#
# Exit status: 0 when the GPU steps ran (RESULTS.md has each outcome), 1 when
# no GPU was usable, 2 when the binaries are missing.
#
# $OUT receives at most 7 files (raw logs stay in /tmp/gpu-check/):
# RESULTS.md, gpu-check.log (with nvidia-smi's output appended), tests.txt
# (the test logs concatenated), train.txt (probe, timed and accuracy runs),
# train.json, pytorch.txt, pytorch.json.
set -u
ROOT=$(pwd)
BIN=${BIN:-$ROOT/build/gpu}
OUT=${OUT:-$ROOT/build/gpu-out}
RAW=/tmp/gpu-check
BUDGET=${BUDGET:-470}
mkdir -p "$OUT" "$RAW"
rm -f "$RAW"/*.txt "$OUT/tests.txt" "$OUT/train.txt" "$OUT/train.json" "$OUT/pytorch.txt" "$OUT/pytorch.json"
SUMMARY=$OUT/RESULTS.md
LOG=$OUT/gpu-check.log
START=$(date +%s)
: > "$LOG"
log() { echo "[$(( $(date +%s) - START ))s] $*" | tee -a "$LOG"; }
rem() { echo $(( BUDGET - ($(date +%s) - START) )); }
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
row() { echo "| $1 | $2 |" >> "$SUMMARY"; }
status() {
	case $1 in
	0) echo pass ;;
	124 | 137) echo "timed out" ;;
	127) echo "not found (rc 127)" ;;
	*) echo "FAIL (rc $1)" ;;
	esac
}
oneline() { tr '\n|' '  ' | tr -s ' ' | cut -c1-2000; }

# step NAME LIMIT CMD...: runs CMD under min(LIMIT, time left) seconds, or
# skips it (rc "skipped") when under 30 s are left. Sets RC.
step() {
	local name=$1 limit=$2 left
	shift 2
	left=$(rem)
	if [ "$left" -lt 30 ]; then
		log "$name skipped: only ${left}s of the ${BUDGET}s budget left"
		RC=skipped
		return
	fi
	timeout -k 5 "$(min "$limit" "$left")" "$@"
	RC=$?
}
result() { if [ "$1" = skipped ]; then echo "skipped (time budget spent)"; else status "$1"; fi; }
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2" 2>/dev/null || echo "?"; }

# The summary's head, written first so that a kill still leaves a summary.
{
	echo "## GPU check ($(date -u +%Y-%m-%d))"
	echo
	echo "| check | result |"
	echo "|---|---|"
} > "$SUMMARY"

if [ ! -x "$BIN/fashion" ] || [ ! -x "$BIN/gpubench" ]; then
	row "binaries" "missing: $BIN/fashion or $BIN/gpubench; run make gpu-binaries first"
	echo "gpu-check: $BIN/fashion or $BIN/gpubench is missing: run make gpu-binaries first" >&2
	exit 2
fi

# 1. Libraries: pip wheels of the Python in PATH (site-packages/nvidia); only
# when that finds nothing and VGGO_CUDA_PATH is unset, search the file system
# for any directory holding cuDNN 9, cuBLAS or NVRTC.
dirs=""
if py=$(command -v python3); then
	sp=$(timeout 20 "$py" -c 'import nvidia, os; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null) && [ -n "$sp" ] && dirs="$sp/nvidia"
fi
found=""
if [ -z "$dirs" ] && [ -z "${VGGO_CUDA_PATH:-}" ]; then
	log "no pip NVIDIA wheels and no VGGO_CUDA_PATH: searching the file system"
	found=$(timeout -k 2 "$(min 45 "$(rem)")" find / -xdev \( -name 'libcudnn.so.9*' -o -name 'libcublas.so.1[23]*' -o -name 'libnvrtc.so.1[23]*' \) \
		-not -path '*/stubs/*' -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')
fi
export VGGO_CUDA_PATH="${VGGO_CUDA_PATH:+$VGGO_CUDA_PATH:}${dirs}${dirs:+:}${found%:}"
VGGO_CUDA_PATH=${VGGO_CUDA_PATH%:}
log "VGGO_CUDA_PATH=$VGGO_CUDA_PATH"
timeout 20 nvidia-smi > "$RAW/nvidia-smi.txt" 2>&1
rc_smi=$?
CARD=$(timeout 20 nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
log "card: ${CARD:-unknown (nvidia-smi: $(status $rc_smi): $(head -2 "$RAW/nvidia-smi.txt" | oneline))}"
row "card (nvidia-smi)" "${CARD:-none: $(head -2 "$RAW/nvidia-smi.txt" | oneline)}"
row "library path" "${VGGO_CUDA_PATH:-empty (system search only)}"

# The rest of the run ends here too: the device line, nvidia-smi in the log.
finish() {
	{
		dline=$(cat "$RAW/train.txt" "$RAW/probe.txt" 2>/dev/null | grep -m1 '^device:' | cut -d: -f2-)
		[ -n "$dline" ] && printf '\nDevice line:%s\n' "$dline"
		echo
		echo "Elapsed: $(( $(date +%s) - START )) s of a ${BUDGET} s budget."
	} >> "$SUMMARY"
	{
		echo
		echo "==== nvidia-smi ===="
		cat "$RAW/nvidia-smi.txt"
	} >> "$LOG"
	cat "$SUMMARY"
	log "done; everything is under $OUT"
}

# 2. Probe: can the GPU be opened (libraries, driver, self-check) and train?
# A few steps at 32x32 on random images: seconds where a GPU works, and the
# one-line reason where it does not.
step "GPU probe" 60 "$BIN/gpubench" -device gpu -resize 32 -images 256 -epochs 1 -data "$RAW/no-data" > "$RAW/probe.txt" 2>&1
rc_probe=$RC
{ echo "==== probe: gpubench -device gpu -resize 32 -images 256 -epochs 1 ($(result "$rc_probe")) ===="; cat "$RAW/probe.txt"; } > "$OUT/train.txt"
if [ "$rc_probe" != 0 ]; then
	why=$(grep -v '^data:' "$RAW/probe.txt" | tail -3 | oneline)
	log "no GPU is usable: $(result "$rc_probe"): $why"
	row "GPU usable" "**no**: $(result "$rc_probe"): ${why:-no output}"
	row "GPU tests, timed training, accuracy, PyTorch" "skipped: no GPU was usable"
	printf '\n' >> "$SUMMARY"
	echo "No GPU was usable, so nothing was measured. Reason: ${why:-the probe gave no output} (nvidia-smi: $(status $rc_smi))." >> "$SUMMARY"
	finish
	exit 1
fi
log "GPU probe: pass: $(grep -m1 '^device:' "$RAW/probe.txt")"
row "GPU usable" "yes: $(grep -m1 '^device:' "$RAW/probe.txt" | cut -d: -f2- | oneline)"

# 3. Tests: run each binary in its package directory, as go test does; their
# logs are concatenated into tests.txt as each finishes.
: > "$OUT/tests.txt"
testrun() { # NAME DIR BINARY LIMIT ARGS...
	local name=$1 dir=$2 bin=$3 limit=$4
	shift 4
	cd "$ROOT/$dir" || return
	step "$name" "$limit" "$BIN/$bin" -test.count=1 -test.v "$@" > "$RAW/$bin.txt" 2>&1
	cd "$ROOT" || exit 2
	{ echo "==== $name: $BIN/$bin $* ($(result "$RC")) ===="; cat "$RAW/$bin.txt" 2>/dev/null; echo; } >> "$OUT/tests.txt"
	log "$name: $(result "$RC")"
	row "$name" "$(result "$RC")"
}
testrun "kernels/cuda tests (conformance vs ref, strict FP32)" kernels/cuda kernels_cuda.test 200
testrun "vgg GPU-vs-CPU training test" vgg vgg.test 90 -test.run GPU
testrun "device tests (self-check, fallback)" device device.test 45

# 4. Timed training: 2 epochs of 25,600 images (200 steps each), the second
# timed; Fashion-MNIST from build/gpu/fashion-mnist when it was carried.
DATA=$BIN/fashion-mnist
step "timed training" 150 "$BIN/gpubench" -images 25600 -epochs 2 -data "$DATA" -json "$OUT/train.json" > "$RAW/train.txt" 2>&1
rc_train=$RC
{ echo; echo "==== timed: gpubench -images 25600 -epochs 2 ($(result "$rc_train")) ===="; cat "$RAW/train.txt" 2>/dev/null; } >> "$OUT/train.txt"
log "timed training (tf32): $(result "$rc_train"): $(grep RESULT "$RAW/train.txt" 2>/dev/null || tail -2 "$RAW/train.txt" 2>/dev/null)"
row "vggo training, 224, ratio 4, batch 128, TF32" "$(result "$rc_train"): $(field "$OUT/train.json" images_per_sec) img/s, $(field "$OUT/train.json" epoch_60k_seconds) s per 60k epoch"

# 5. Accuracy: the seed's 5 epochs of 60,000 images at 224 do not fit the
# limit; instead 1 epoch on as many images as the measured speed trains in
# about 60 s (12,800 when unmeasured), then the test accuracy on 2,000 test
# images. This is a smoke test of learning, not the seed's accuracy target.
if [ -e "$DATA/train-images-idx3-ubyte.gz" ] || [ -e "$DATA/train-images-idx3-ubyte" ]; then
	ips=$(field "$OUT/train.json" images_per_sec | cut -d. -f1)
	case $ips in '' | *[!0-9]*) n=12800 ;; *) n=$(( ips * 60 / 128 * 128 )) ;; esac
	[ "$n" -gt 60000 ] && n=60000
	[ "$n" -lt 1280 ] && n=1280
	step "accuracy run" 120 "$BIN/fashion" -device gpu -data "$DATA" -epochs 1 -train-limit "$n" -test-limit 2000 -quiet > "$RAW/accuracy.txt" 2>&1
	rc_acc=$RC
	{ echo; echo "==== accuracy: fashion -epochs 1 -train-limit $n -test-limit 2000 ($(result "$rc_acc")) ===="; cat "$RAW/accuracy.txt" 2>/dev/null; } >> "$OUT/train.txt"
	acc=$(grep -m1 '^epoch 1' "$RAW/accuracy.txt" 2>/dev/null)
	log "accuracy run ($n images): $(result "$rc_acc"): ${acc:-$(tail -1 "$RAW/accuracy.txt" 2>/dev/null)}"
	row "1 epoch at 224 on $n training images (not the seed's 5 full epochs, which do not fit)" "$(result "$rc_acc"): ${acc:-$(tail -1 "$RAW/accuracy.txt" 2>/dev/null | oneline)}"
else
	log "accuracy run skipped: no Fashion-MNIST in $DATA"
	row "accuracy run (1 epoch at 224)" "skipped: no Fashion-MNIST in $DATA"
fi

# 6. PyTorch on the same card.
if timeout 30 python3 -c 'import torch' 2>/dev/null; then
	step "pytorch" 100 python3 bench/pytorch/vgg_gpu.py --steps 200 --json "$OUT/pytorch.json" > "$OUT/pytorch.txt" 2>&1
	rc_torch=$RC
	log "pytorch: $(result "$rc_torch"): $(grep RESULT "$OUT/pytorch.txt" 2>/dev/null || tail -2 "$OUT/pytorch.txt" 2>/dev/null)"
	row "PyTorch eager, same net, TF32" "$(result "$rc_torch"): $(field "$OUT/pytorch.json" images_per_sec) img/s"
else
	log "pytorch skipped: python3 cannot import torch"
	row "PyTorch eager, same net, TF32" "skipped: python3 cannot import torch"
fi

finish
