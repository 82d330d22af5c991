//go:build cuda

package main

import (
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/vgg"
)

// TestCtrlCOnTheGPU is TestCtrlC with -device gpu: interrupted training
// on the GPU saves a checkpoint that loads (on the CPU) and resumes.
func TestCtrlCOnTheGPU(t *testing.T) {
	ctrlC(t, "-device", "gpu")
}

// TestGPULossesMatchTheCPU trains the tiny VGG for 2 epochs with -device
// gpu -precision fp32 and with -device cpu: the per-epoch losses agree to
// within 1e-3·(1+loss) and the accuracies to within 0.05, as in vgg's
// TestGPUTrainingMatchesCPU. Both backends compute in float32 with sums in
// other orders (cuDNN's and OpenBLAS's), so the runs drift apart slowly;
// the bounds are loose next to one op's error and tight next to any real
// bug (a wrong gradient changes the loss in the first decimal).
func TestGPULossesMatchTheCPU(t *testing.T) {
	data := t.TempDir()
	writeFixture(t, data, 192, 48)
	train := func(dev string) []vgg.MetricsRecord {
		dir := t.TempDir()
		metrics := filepath.Join(dir, "metrics.jsonl")
		args := append(tinyFlags(data, dir), "-device", dev, "-precision", "fp32", "-epochs", "2", "-quiet", "-metrics", metrics)
		c, err := parseFlags(args, io.Discard)
		require.NoError(t, err)
		var out strings.Builder
		require.NoError(t, run(t.Context(), c, &out, io.Discard))
		t.Logf("-device %s:\n%s", dev, out.String())
		var recs []vgg.MetricsRecord
		for line := range strings.SplitSeq(strings.TrimSpace(readFile(t, metrics)), "\n") {
			var r vgg.MetricsRecord
			require.NoError(t, json.Unmarshal([]byte(line), &r))
			recs = append(recs, r)
		}
		require.Len(t, recs, 2)
		return recs
	}
	want, got := train("cpu"), train("gpu")
	accs := func(recs []vgg.MetricsRecord) []float64 {
		var out []float64
		for _, r := range recs {
			out = append(out, r.TrainAcc, r.TestAcc)
		}
		return out
	}
	for i, w := range want {
		t.Logf("epoch %d loss: cpu %.6f, gpu %.6f", w.Epoch, w.Loss, got[i].Loss)
		assert.LessOrEqual(t, math.Abs(got[i].Loss-w.Loss), 1e-3*(1+w.Loss), "epoch %d loss", w.Epoch)
	}
	assert.InDeltaSlice(t, accs(want), accs(got), 0.05, "train and test accuracies per epoch")
}
