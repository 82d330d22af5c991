package vgg

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

func TestDivergenceIsAnError(t *testing.T) {
	train := blobs(64, 8, 1)
	for i := range train.x {
		train.x[i] *= 1e6
	}
	_, err := Trainer{Device: device.Ref(), LR: 1e6, Epochs: 3, BatchSize: 16}.Fit(tinyNet(t, 0), train, train)
	require.ErrorIs(t, err, ErrDiverged)
	assert.Contains(t, err.Error(), "lower the learning rate")
}

// TestSteps checks the two kinds of step on one batch: trainStep computes
// the loss that evalStep sees before the update and then moves the
// weights, and a loss that is not finite moves nothing.
func TestSteps(t *testing.T) {
	for _, c := range []struct {
		name string
		bias float32 // of the first class's logit
		err  error
	}{
		{"finite loss", 0, nil},
		{"infinite logit", float32(math.Inf(1)), ErrDiverged},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := tinyNet(t, 0)
			data := blobs(8, 8, 1)
			require.NoError(t, net.Build(device.Ref(), data.shape, 1))
			params := net.Params()
			last := params[len(params)-1] // classifier.6.bias
			require.NoError(t, net.Device().Ops().CopyIn(last.Value, []float32{c.bias, 0, 0, 0}))
			xt, lt, err := net.in.upload(data.shape, data.x, data.labels, data.Len())
			require.NoError(t, err)
			before := weights(t, net)
			evalLoss, evalCorrect, err := net.evalStep(xt, lt)
			require.NoError(t, err)
			st := &step{lr: 0.1, params: params, grads: buffers{ops: net.Device().Ops(), name: "logits"}}
			loss, correct, err := net.trainStep(st, xt, lt)
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
				assert.Equal(t, before, weights(t, net), "a diverged step updates nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, evalLoss, loss, "dropout 0: the same forward pass")
			assert.Equal(t, evalCorrect, correct)
			assert.NotEqual(t, before, weights(t, net), "SGD moved the weights")
		})
	}
}
