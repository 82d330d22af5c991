package vgg

import (
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
