//go:build cuda

package vgg

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels/cuda"
)

// fitSmall trains a small VGG (two blocks, 32x32 inputs, 4 classes) on
// train with tr and evaluates it on test.
func fitSmall(t *testing.T, train, test *fashionmnist.Set, tr Trainer) (History, *Network) {
	t.Helper()
	return fitArch(t, train, test, tr, Arch{{1, 8}, {1, 16}}, 32)
}

// fitArch is fitSmall with the conv blocks arch and the hidden width of
// the dense layers given.
func fitArch(t *testing.T, train, test *fashionmnist.Set, tr Trainer, arch Arch, hidden int) (History, *Network) {
	t.Helper()
	trainData, err := fashionmnist.NewDataset(train, 32, true, 3)
	require.NoError(t, err)
	testData, err := fashionmnist.NewDataset(test, 32, false, 3)
	require.NoError(t, err)
	net, err := VGG(arch, Hidden(hidden), Classes(4), DropoutRate(0.5))
	require.NoError(t, err)
	h, err := tr.Fit(net, trainData, testData)
	require.NoError(t, err)
	return h, net
}

// fitDeterministic trains a VGG narrower than fitSmall's: deterministic
// mode sums every bias gradient with vgg_bias_backward, one block per
// channel, whose barriers are slow on the CPU stand-in, and fewer channels
// test the same.
func fitDeterministic(t *testing.T, train, test *fashionmnist.Set, tr Trainer) (History, *Network) {
	t.Helper()
	return fitArch(t, train, test, tr, Arch{{1, 4}, {1, 8}}, 8)
}

// TestGPUTrainingMatchesCPU trains one small VGG on the GPU (strict FP32,
// input resized on the device) and on the reference backend from the same
// seed: the per-epoch losses and accuracies must agree closely. Float32 sums
// in other orders make the runs drift apart slowly, so the tolerance is
// loose compared with one op and tight compared with any real bug.
func TestGPUTrainingMatchesCPU(t *testing.T) {
	gpu, err := device.GPU(0, cuda.WithPrecision(cuda.FP32))
	if err != nil {
		t.Fatalf("no usable GPU (built with -tags cuda): %v", err)
	}
	defer gpu.Close()
	t.Log(gpu.Description())
	train, test := randomSet(256, 1), randomSet(64, 2)
	fit := func(dev *device.Device) History {
		h, _ := fitSmall(t, train, test, Trainer{Device: dev, LR: 0.05, Epochs: 2, BatchSize: 64, Seed: 4})
		return h
	}
	want, got := fit(device.Ref()), fit(gpu)
	for i := range want {
		t.Logf("epoch %d: ref loss %.6f acc %.4f/%.4f, gpu loss %.6f acc %.4f/%.4f", i+1,
			want[i].Loss, want[i].TrainAcc, want[i].TestAcc, got[i].Loss, got[i].TrainAcc, got[i].TestAcc)
		assert.LessOrEqual(t, math.Abs(got[i].Loss-want[i].Loss), 1e-3*(1+want[i].Loss), "epoch %d loss", i+1)
		assert.InDelta(t, want[i].TrainAcc, got[i].TrainAcc, 0.02, "epoch %d train acc", i+1)
		assert.InDelta(t, want[i].TestAcc, got[i].TestAcc, 0.03, "epoch %d test acc", i+1)
	}
}

// deterministicGPU opens GPU 0 in deterministic strict FP32.
func deterministicGPU(t *testing.T) *device.Device {
	t.Helper()
	dev, err := device.GPU(0, cuda.WithPrecision(cuda.FP32), cuda.WithDeterministic(true))
	if err != nil {
		t.Fatalf("no usable GPU (built with -tags cuda): %v", err)
	}
	t.Cleanup(func() { assert.NoError(t, dev.Close()) })
	t.Log(dev.Description())
	return dev
}

// assertSameRun checks that two trainings gave the same bits: per-epoch
// losses and accuracies (not the wall times) and every trained weight.
func assertSameRun(t *testing.T, h1, h2 History, w1, w2 map[string][]float32) {
	t.Helper()
	require.Len(t, h2, len(h1))
	for i := range h1 {
		assert.Equal(t, math.Float64bits(h1[i].Loss), math.Float64bits(h2[i].Loss), "epoch %d loss %v vs %v", i+1, h1[i].Loss, h2[i].Loss)
		assert.Equal(t, h1[i].TrainAcc, h2[i].TrainAcc, "epoch %d train acc", i+1)
		assert.Equal(t, h1[i].TestAcc, h2[i].TestAcc, "epoch %d test acc", i+1)
	}
	require.Len(t, w2, len(w1))
	for name, w := range w1 {
		assert.Equal(t, w, w2[name], "parameter %s", name)
	}
}

// TestGPUDeterministicTrainingIsBitReproducible trains the same small VGG
// twice from one seed on two GPU backends made WithDeterministic: the
// per-epoch losses and accuracies and every trained weight are the same
// bits. Three steps suffice: one step's rounding difference would show in
// every later weight.
func TestGPUDeterministicTrainingIsBitReproducible(t *testing.T) {
	train, test := randomSet(96, 5), randomSet(32, 6)
	fit := func() (History, map[string][]float32) {
		h, net := fitDeterministic(t, train, test, Trainer{Device: deterministicGPU(t), LR: 0.05, Epochs: 1, BatchSize: 32, Seed: 7})
		return h, weights(t, net)
	}
	h1, w1 := fit()
	h2, w2 := fit()
	assertSameRun(t, h1, h2, w1, w2)
}

// TestGPUResumeIsExact trains a small VGG for 2 epochs on the GPU in
// deterministic FP32, and again for 1 epoch with a checkpoint and then
// resumed from it for the 2nd: the resumed run ends with the same bits
// (history and weights) as the straight one, and its checkpoint says 2
// epochs. Without WithDeterministic cuDNN may pick algorithms that add in
// another order on each run, so only a tolerance would hold there (as in
// TestGPUTrainingMatchesCPU); in deterministic mode the match is exact.
func TestGPUResumeIsExact(t *testing.T) {
	dev := deterministicGPU(t)
	train, test := randomSet(64, 8), randomSet(32, 9)
	base := Trainer{Device: dev, LR: 0.05, Epochs: 2, BatchSize: 32, Seed: 3}
	want, straight := fitDeterministic(t, train, test, base)

	dir := t.TempDir()
	first := base
	first.Epochs, first.Checkpoint = 1, dir
	fitDeterministic(t, train, test, first)
	st, err := ReadTrainState(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err)
	assert.Equal(t, 1, st.Epoch)

	var out bytes.Buffer
	resume := base
	resume.Checkpoint, resume.Resume, resume.Out = dir, true, &out
	got, resumed := fitDeterministic(t, train, test, resume)
	assert.Contains(t, out.String(), "resuming from ")
	assertSameRun(t, zeroSeconds(want), zeroSeconds(got), weights(t, straight), weights(t, resumed))
	st, err = ReadTrainState(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err)
	assert.Equal(t, 2, st.Epoch)
	assert.Equal(t, 4, st.Step)
}
