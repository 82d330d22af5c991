package vgg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// hostLoader is the reference backend plus a kernels.ImageLoader that
// resizes on the host with ref.Resizer, as the CUDA backend does on
// the device. It counts its loads. Its loads take effect at once, so if the
// next batch were loaded into the tensors of the batch about to be trained,
// the training would see the wrong images and its history would change.
type hostLoader struct {
	*ref.Backend
	loads int
}

func (h *hostLoader) LoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab kernels.Tensor) error {
	if err := kernels.CheckLoadImages(images, labels, n, srcH, srcW, x, lab); err != nil {
		return err
	}
	s := x.Shape()
	rz, err := ref.NewResizer(srcH, srcW, s[2], s[3])
	if err != nil {
		return err
	}
	rz.ResizeBatch(x.(*kernels.HostTensor).Data(), images[:n*srcH*srcW])
	copy(lab.(*kernels.HostTensor).Data(), labels[:n])
	h.loads++
	return nil
}

func randomSet(n int, seed uint64) *fashionmnist.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &fashionmnist.Set{Images: make([]uint8, n*28*28), Labels: make([]uint8, n), N: n, Rows: 28, Cols: 28}
	for i := range s.Labels {
		c := rng.IntN(4)
		s.Labels[i] = uint8(c)
		img := s.Image(i)
		for y := range 28 {
			for x := range 28 {
				v := rng.IntN(60)
				if (y/14)*2+x/14 == c {
					v += 150
				}
				img[y*28+x] = uint8(v)
			}
		}
	}
	return s
}

// TestDeviceInputMatchesHostInput trains the same network twice, once with
// host-resized float batches and once through the ImageLoader path with the
// next batch loaded ahead: the histories must be identical, and the loader
// must see every batch of every epoch exactly once.
func TestDeviceInputMatchesHostInput(t *testing.T) {
	train, test := randomSet(70, 1), randomSet(30, 2)
	fit := func(dev *device.Device) History {
		trainData, err := fashionmnist.NewDataset(train, 12, true, 3)
		require.NoError(t, err)
		testData, err := fashionmnist.NewDataset(test, 12, false, 3)
		require.NoError(t, err)
		net, err := VGG(Arch{{1, 3}, {1, 4}}, Hidden(8), Classes(4), DropoutRate(0.5))
		require.NoError(t, err)
		tr := Trainer{Device: dev, LR: 0.1, Epochs: 3, BatchSize: 16, Seed: 4}
		h, err := tr.Fit(net, trainData, testData)
		require.NoError(t, err)
		return h
	}
	want := fit(device.Ref())
	hl := &hostLoader{Backend: ref.New()}
	got := fit(device.Custom(device.KindCPU, "cpu", "ref with a host ImageLoader", hl))
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].Loss, got[i].Loss, "epoch %d loss", i+1)
		assert.Equal(t, want[i].TrainAcc, got[i].TrainAcc, "epoch %d train acc", i+1)
		assert.Equal(t, want[i].TestAcc, got[i].TestAcc, "epoch %d test acc", i+1)
	}
	assert.Equal(t, 3*(5+2), hl.loads, "3 epochs of 5 training and 2 test batches")
}
