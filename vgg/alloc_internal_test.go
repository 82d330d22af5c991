package vgg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
)

// quietLoader is the CPU backend plus a kernels.ImageLoader that allocates
// nothing per load (it scales the first pixels rather than resizing), to
// count the network's own allocations on the device-input path.
type quietLoader struct{ *cpu.Backend }

func (q quietLoader) LoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab kernels.Tensor) error {
	if err := kernels.CheckLoadImages(images, labels, n, srcH, srcW, x, lab); err != nil {
		return err
	}
	xd := x.(*kernels.HostTensor).Data()
	for i := range xd {
		xd[i] = float32(images[i%(n*srcH*srcW)]) / 255
	}
	copy(lab.(*kernels.HostTensor).Data(), labels[:n])
	return nil
}

// TestTrainingStepWithInputAllocatesNothing counts Go-heap allocations of a
// whole steady-state training step as Network.epoch takes it: the batch's
// input (host upload, or the device-input load of the next batch) and
// trainStep (forward, loss, backward and SGD), on the CPU backend.
func TestTrainingStepWithInputAllocatesNothing(t *testing.T) {
	const bs, side = 8, 16
	set := randomSet(4*bs, 1)
	raw, err := fashionmnist.NewDataset(set, side, true, 3)
	require.NoError(t, err)
	host := blobs(4*bs, side, 1)
	for _, c := range []struct {
		name string
		dev  func() *device.Device
		data Dataset
	}{
		{"host input", device.CPU, host},
		{"device input", func() *device.Device {
			return device.Custom(device.KindCPU, "cpu", "cpu with a quiet ImageLoader", quietLoader{cpu.NewGo()})
		}, raw},
	} {
		t.Run(c.name, func(t *testing.T) {
			dev := c.dev()
			net, err := VGG(Arch{{1, 4}, {1, 8}}, Hidden(16), Classes(10), DropoutRate(0.5))
			require.NoError(t, err)
			require.NoError(t, net.Build(dev, []int{1, side, side}, 1))
			st := &step{lr: 0.05, params: net.Params(), grads: buffers{ops: dev.Ops(), name: "logits"}}
			x, labels := make([]float32, bs*side*side), make([]float32, bs)
			batches := numBatches(c.data.Len(), bs)
			i := 0
			train := func() {
				_, xt, lt, err := net.nextBatch(c.data, 0, i, bs, x, labels)
				require.NoError(t, err)
				i = (i + 1) % (batches - 1) // the full batches: one tensor size
				_, _, err = net.trainStep(st, xt, lt)
				require.NoError(t, err)
			}
			for range batches {
				train()
			}
			assert.Zero(t, testing.AllocsPerRun(20, train), "allocations per training step on %s", dev.Description())
		})
	}
}
