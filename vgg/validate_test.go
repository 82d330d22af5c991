package vgg

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels/ref"
)

func TestPredictRejectsBadCounts(t *testing.T) {
	test := blobs(8, 8, 2)
	net := tinyNet(t, 0)
	require.NoError(t, net.Build(device.Ref(), test.shape, 1))
	for _, c := range []struct {
		name  string
		x     []float32
		count int
		err   string
	}{
		{"nil x, huge count", nil, 1 << 60, "0 values for 1152921504606846976 samples"},
		{"count overflows the product", test.x, math.MaxInt/64 + 1, "samples of shape"},
		{"zero count", test.x, 0, "512 values for 0 samples"},
		{"negative count", test.x, -1, "for -1 samples"},
		{"too few values", test.x[:10], 1, "10 values for 1 samples"},
		{"fine", test.x, 8, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = net.Predict(c.x, c.count) })
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.err)
			}
		})
	}
}

func TestEvaluateRejectsBadArguments(t *testing.T) {
	data := blobs(8, 8, 2)
	for _, c := range []struct {
		name      string
		data      Dataset
		batchSize int
		err       string
	}{
		{"zero batch", data, 0, "batch size 0 must be > 0"},
		{"negative batch", data, -3, "batch size -3 must be > 0"},
		{"empty data", &memData{shape: data.shape}, 4, "data set is empty"},
		{"nil data", nil, 4, "data set is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := tinyNet(t, 0)
			var acc float64
			var err error
			require.NotPanics(t, func() { acc, err = net.Evaluate(device.Ref(), c.data, c.batchSize) })
			assert.ErrorContains(t, err, c.err)
			assert.False(t, math.IsNaN(acc))
		})
	}
}

// TestHugeBatchSize checks that a batch size far above the data set's size
// trains and evaluates (one batch of all the data) instead of allocating
// host buffers for the batch size, on the host input path and on the
// device-input (ImageLoader) path.
func TestHugeBatchSize(t *testing.T) {
	set := randomSet(24, 1)
	for _, c := range []struct {
		name      string
		dev       func() *device.Device
		batchSize int
	}{
		{"host input 2^40", device.Ref, 1 << 40},
		{"host input MaxInt", device.Ref, math.MaxInt},
		{"device input 2^40", func() *device.Device {
			return device.Custom(device.KindCPU, "cpu", "ref with a host ImageLoader", &hostLoader{Backend: ref.New()})
		}, 1 << 40},
		{"device input MaxInt", func() *device.Device {
			return device.Custom(device.KindCPU, "cpu", "ref with a host ImageLoader", &hostLoader{Backend: ref.New()})
		}, math.MaxInt},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := fashionmnist.NewDataset(set, 8, true, 3)
			require.NoError(t, err)
			net, err := VGG(Arch{{1, 3}}, Hidden(8), Classes(4))
			require.NoError(t, err)
			dev := c.dev()
			var h History
			require.NotPanics(t, func() {
				h, err = Trainer{Device: dev, LR: 0.1, Epochs: 1, BatchSize: c.batchSize, Seed: 1}.Fit(net, data, data)
			})
			require.NoError(t, err)
			require.Len(t, h, 1)
			acc, err := net.Evaluate(dev, data, c.batchSize)
			require.NoError(t, err)
			small, err := net.Evaluate(dev, data, 24)
			require.NoError(t, err)
			assert.Equal(t, small, acc, "one batch of all 24 images either way")
		})
	}
}
