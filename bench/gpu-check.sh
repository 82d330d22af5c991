#!/usr/bin/env bash
# gpu-check.sh: the GPU proof, in one run on a machine with an NVIDIA GPU and
# no Go. Run it from the repository root after `make gpu-binaries` built
# build/gpu/ (carry that directory to the GPU machine with the tree):
#
#   bash bench/gpu-check.sh            # writes to $OUT, else build/gpu-out
#
# Steps, each under its own time limit (about 7 minutes in all at most):
#   1. find NVIDIA's libraries (toolkit, cuDNN packages or pip wheels) and
#      export VGGO_CUDA_PATH;
#   2. the cuda conformance tests and the GPU-vs-CPU training test;
#   3. the timed training run at the seed's setting (224, ratio 4, batch 128);
#   4. the 5-epoch accuracy run, when the data and time allow;
#   5. PyTorch's same network on the same card, when torch is installed;
#   6. a summary in $OUT/RESULTS.md with the card's name.
set -u
ROOT=$(pwd)
BIN=$ROOT/build/gpu
OUT=${OUT:-$ROOT/build/gpu-out}
mkdir -p "$OUT"
SUMMARY=$OUT/RESULTS.md
START=$(date +%s)
log() { echo "[$(( $(date +%s) - START ))s] $*" | tee -a "$OUT/gpu-check.log"; }

[ -x "$BIN/fashion" ] || { echo "gpu-check: $BIN/fashion is missing: run make gpu-binaries first" >&2; exit 2; }

# 1. Libraries: pip wheels of the Python in PATH first (site-packages/nvidia),
# then any directory holding cuDNN 9, cuBLAS or NVRTC.
dirs=""
if py=$(command -v python3); then
	sp=$("$py" -c 'import nvidia, os; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null) && dirs="$sp/nvidia"
fi
found=$(timeout 60 find / -xdev \( -name 'libcudnn.so.9*' -o -name 'libcublas.so.1[23]*' -o -name 'libnvrtc.so.1[23]*' \) \
	-not -path '*/stubs/*' -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')
export VGGO_CUDA_PATH="${VGGO_CUDA_PATH:+$VGGO_CUDA_PATH:}${dirs}${dirs:+:}${found%:}"
log "VGGO_CUDA_PATH=$VGGO_CUDA_PATH"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
CARD=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
log "card: ${CARD:-unknown (nvidia-smi failed)}"

status() { if [ "$1" = 0 ]; then echo pass; elif [ "$1" = 124 ]; then echo "timed out"; else echo "FAIL (rc $1)"; fi; }

# 2. Tests: run each binary in its package directory, as go test does.
( cd kernels/cuda && timeout 240 "$BIN/kernels_cuda.test" -test.count=1 -test.v ) > "$OUT/test-kernels-cuda.txt" 2>&1
rc_kernels=$?
log "kernels/cuda tests (conformance, resize, steady state): $(status $rc_kernels)"
( cd vgg && timeout 90 "$BIN/vgg.test" -test.count=1 -test.v -test.run 'GPU' ) > "$OUT/test-vgg-gpu.txt" 2>&1
rc_vgg=$?
log "vgg GPU-vs-CPU training test: $(status $rc_vgg)"
( cd device && timeout 60 "$BIN/device.test" -test.count=1 -test.v ) > "$OUT/test-device.txt" 2>&1
rc_device=$?
log "device tests: $(status $rc_device)"

# 3. Timed training: 2 epochs of 25,600 images (200 steps each), the second
# timed; Fashion-MNIST from build/gpu/fashion-mnist when it was carried.
DATA=$BIN/fashion-mnist
timeout 150 "$BIN/gpubench" -images 25600 -epochs 2 -data "$DATA" -json "$OUT/train.json" > "$OUT/train.txt" 2>&1
rc_train=$?
log "timed training (tf32): $(status $rc_train): $(grep RESULT "$OUT/train.txt" || tail -2 "$OUT/train.txt")"

# 4. The seed's full run (5 epochs at 224) for the test accuracy, if the data
# is here and the run fits the remaining time.
rc_full=skipped
if [ -e "$DATA/train-images-idx3-ubyte.gz" ] || [ -e "$DATA/train-images-idx3-ubyte" ]; then
	timeout 150 "$BIN/fashion" -device gpu -data "$DATA" > "$OUT/fashion-5-epochs.txt" 2>&1
	rc_full=$(status $?)
	log "5-epoch run: $rc_full: $(tail -1 "$OUT/fashion-5-epochs.txt")"
else
	log "5-epoch run skipped: no Fashion-MNIST in $DATA"
fi

# 5. PyTorch on the same card.
rc_torch=skipped
if python3 -c 'import torch' 2>/dev/null; then
	timeout 120 python3 bench/pytorch/vgg_gpu.py --steps 200 --json "$OUT/pytorch.json" > "$OUT/pytorch.txt" 2>&1
	rc_torch=$(status $?)
	log "pytorch: $rc_torch: $(grep RESULT "$OUT/pytorch.txt" || tail -2 "$OUT/pytorch.txt")"
else
	log "pytorch skipped: python3 cannot import torch"
fi

# 6. Summary.
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2" 2>/dev/null || echo "?"; }
{
	echo "## GPU: ${CARD:-unknown card} ($(date -u +%Y-%m-%d))"
	echo
	echo "| check | result |"
	echo "|---|---|"
	echo "| kernels/cuda tests (conformance vs ref, strict FP32) | $(status $rc_kernels) |"
	echo "| vgg GPU-vs-CPU training | $(status $rc_vgg) |"
	echo "| device tests (self-check, fallback) | $(status $rc_device) |"
	echo "| vggo training, 224, ratio 4, batch 128, TF32 | $(field "$OUT/train.json" images_per_sec) img/s, $(field "$OUT/train.json" epoch_60k_seconds) s per 60k epoch |"
	echo "| PyTorch eager, same net, TF32 | $(field "$OUT/pytorch.json" images_per_sec) img/s ($rc_torch) |"
	echo "| 5 epochs at 224 | $rc_full: $(tail -1 "$OUT/fashion-5-epochs.txt" 2>/dev/null) |"
	echo
	echo "Device line: $(grep -m1 '^device:' "$OUT/train.txt" 2>/dev/null)"
} > "$SUMMARY"
cat "$SUMMARY"
log "done; everything is under $OUT"
