package vgg_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/vgg"
)

// TestTrainStepAllocatesNothing checks that, once the buffers of a shape
// exist, a training step (forward, loss, backward, SGD) and an inference
// step of a small VGG allocate nothing on the CPU backend.
func TestTrainStepAllocatesNothing(t *testing.T) {
	dev := device.CPU()
	defer dev.Close()
	net, err := vgg.VGG(vgg.Arch{{1, 8}, {2, 16}}, vgg.Hidden(64))
	require.NoError(t, err)
	const n, side = 16, 32
	require.NoError(t, net.Build(dev, []int{1, side, side}, 1))
	ops := dev.Ops()
	x, err := ops.Alloc(n, 1, side, side)
	require.NoError(t, err)
	labels, err := ops.Alloc(n)
	require.NoError(t, err)
	dl, err := ops.Alloc(n, 10)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	xs, ls := make([]float32, x.Len()), make([]float32, n)
	for i := range xs {
		xs[i] = rng.Float32()
	}
	for i := range ls {
		ls[i] = float32(rng.IntN(10))
	}
	require.NoError(t, ops.CopyIn(x, xs))
	require.NoError(t, ops.CopyIn(labels, ls))
	params := net.Params()
	train := func() {
		logits, err := net.Forward(x, true)
		require.NoError(t, err)
		_, _, err = ops.SoftmaxCrossEntropy(logits, labels, dl)
		require.NoError(t, err)
		require.NoError(t, net.Backward(dl))
		for _, p := range params {
			require.NoError(t, ops.SGDUpdate(p.Value, p.Grad, 0.05))
		}
	}
	infer := func() {
		logits, err := net.Forward(x, false)
		require.NoError(t, err)
		_, _, err = ops.SoftmaxCrossEntropy(logits, labels, nil)
		require.NoError(t, err)
	}
	train()
	infer()
	assert.Zero(t, testing.AllocsPerRun(5, train), "allocations per training step on %s", dev.Description())
	assert.Zero(t, testing.AllocsPerRun(5, infer), "allocations per inference step")
}
