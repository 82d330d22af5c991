package vgg

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/internal/safetensors"
)

// torchPython returns a Python interpreter that can import torch: the one
// in $VGGO_TORCH_PYTHON, Debian's /usr/bin/python3 (python3-torch), or
// python3 on PATH. It skips the test when none can.
func torchPython(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3", "python3"}
	if p := os.Getenv("VGGO_TORCH_PYTHON"); p != "" {
		candidates = []string{p}
	}
	var tried []string
	for _, p := range candidates {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, p, "-c", "import torch").CombinedOutput()
		cancel()
		if err == nil {
			return p
		}
		tried = append(tried, p+": "+lastLine(string(out), err))
	}
	t.Skipf("no Python with torch (install python3-torch or set VGGO_TORCH_PYTHON): %v", tried)
	return ""
}

// lastLine is the last line of a command's output, or its error.
func lastLine(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if l := lines[len(lines)-1]; l != "" {
		return l
	}
	return err.Error()
}

// TestCheckpointLoadsInPyTorch saves a trained network, runs the same
// network in PyTorch on the saved weights (bench/pytorch/load_checkpoint.py)
// and compares its logits with ours to 1e-4.
func TestCheckpointLoadsInPyTorch(t *testing.T) {
	python := torchPython(t)
	dev := device.CPU()
	net, err := VGG(Arch{{1, 4}, {2, 8}}, Hidden(16), Classes(10))
	require.NoError(t, err)
	_, err = Trainer{Device: dev, LR: 0.1, Epochs: 1, BatchSize: 8, Seed: 7}.Fit(net, blobs(32, 16, 1), blobs(8, 16, 2))
	require.NoError(t, err)

	const n = 5
	rng := rand.New(rand.NewPCG(3, 3))
	x := make([]float32, n*16*16)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	xt, _, err := net.in.upload(net.sample, x, nil, n)
	require.NoError(t, err)
	logits, err := net.Forward(xt, false)
	require.NoError(t, err)
	host := make([]float32, logits.Len())
	require.NoError(t, dev.Ops().CopyOut(host, logits))

	dir := t.TempDir()
	ckpt := filepath.Join(dir, "vgg.safetensors")
	require.NoError(t, net.SaveCheckpoint(ckpt, &TrainState{Seed: 7, LR: 0.1, BatchSize: 8, Dropout: net.dropoutSteps()}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.f32"), safetensors.AppendFloat32(nil, x), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "logits.f32"), safetensors.AppendFloat32(nil, host), 0o644))

	cmd := exec.Command(python, filepath.Join("..", "bench", "pytorch", "load_checkpoint.py"),
		ckpt, filepath.Join(dir, "x.f32"), filepath.Join(dir, "logits.f32"), "5,1,16,16", "--tol", "1e-4")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	require.NoError(t, err, "PyTorch disagrees with our logits:\n%s", out)
}
