//go:build cuda

package vgg

import (
	"math"
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
	trainData, err := fashionmnist.NewDataset(train, 32, true, 3)
	require.NoError(t, err)
	testData, err := fashionmnist.NewDataset(test, 32, false, 3)
	require.NoError(t, err)
	net, err := VGG(Arch{{1, 8}, {1, 16}}, Hidden(32), Classes(4), DropoutRate(0.5))
	require.NoError(t, err)
	h, err := tr.Fit(net, trainData, testData)
	require.NoError(t, err)
	return h, net
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
	train, test := randomSet(512, 1), randomSet(128, 2)
	fit := func(dev *device.Device) History {
		h, _ := fitSmall(t, train, test, Trainer{Device: dev, LR: 0.05, Epochs: 3, BatchSize: 64, Seed: 4})
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

// TestGPUDeterministicTrainingIsBitReproducible trains the same small VGG
// twice from one seed on GPU backends made WithDeterministic: the per-epoch
// losses and accuracies and every trained weight are the same bits.
func TestGPUDeterministicTrainingIsBitReproducible(t *testing.T) {
	train, test := randomSet(256, 5), randomSet(64, 6)
	fit := func() (History, [][]float32) {
		dev, err := device.GPU(0, cuda.WithPrecision(cuda.FP32), cuda.WithDeterministic(true))
		if err != nil {
			t.Fatalf("no usable GPU (built with -tags cuda): %v", err)
		}
		defer dev.Close()
		t.Log(dev.Description())
		h, net := fitSmall(t, train, test, Trainer{Device: dev, LR: 0.05, Epochs: 2, BatchSize: 48, Seed: 7})
		var weights [][]float32
		for _, p := range net.Params() {
			w := make([]float32, p.Value.Len())
			require.NoError(t, dev.Ops().CopyOut(w, p.Value))
			weights = append(weights, w)
		}
		return h, weights
	}
	h1, w1 := fit()
	h2, w2 := fit()
	require.Len(t, h2, len(h1))
	for i := range h1 {
		assert.Equal(t, math.Float64bits(h1[i].Loss), math.Float64bits(h2[i].Loss), "epoch %d loss %v vs %v", i+1, h1[i].Loss, h2[i].Loss)
		assert.Equal(t, h1[i].TrainAcc, h2[i].TrainAcc, "epoch %d train acc", i+1)
		assert.Equal(t, h1[i].TestAcc, h2[i].TestAcc, "epoch %d test acc", i+1)
	}
	require.Len(t, w2, len(w1))
	for i := range w1 {
		assert.Equal(t, w1[i], w2[i], "parameter %d", i)
	}
}
