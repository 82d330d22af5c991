package vgg

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vggo/vggo/device"
)

func TestTrainerRejectsBadSettings(t *testing.T) {
	train := blobs(8, 8, 1)
	cases := []struct {
		name string
		tr   Trainer
		want string
	}{
		{"negative lr", Trainer{LR: -1, Epochs: 1, BatchSize: 4}, "learning rate"},
		{"NaN lr", Trainer{LR: float32(math.NaN()), Epochs: 1, BatchSize: 4}, "learning rate"},
		{"zero batch", Trainer{LR: 0.1, Epochs: 1, BatchSize: 0}, "batch size"},
		{"zero epochs", Trainer{LR: 0.1, Epochs: 0, BatchSize: 4}, "epochs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.tr.Device = device.Ref()
			_, err := c.tr.Fit(tinyNet(t, 0), train, train)
			assert.ErrorContains(t, err, c.want)
		})
	}
	_, err := Trainer{Device: device.Ref(), LR: 0.1, Epochs: 1, BatchSize: 4}.Fit(tinyNet(t, 0), blobs(8, 2, 1), blobs(8, 2, 1))
	assert.ErrorContains(t, err, "at least 4", "two blocks cannot halve a 2x2 image twice")
}
