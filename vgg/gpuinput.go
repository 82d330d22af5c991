package vgg

import (
	"github.com/vggo/vggo/kernels"
)

// RawDataset is an optional interface of a Dataset whose samples are 8-bit
// single-channel images resized on the way in (fashionmnist.Dataset). With a
// backend that implements kernels.ImageLoader, the network uploads the bytes
// and resizes on the device, and queues the next batch while the current one
// trains.
type RawDataset interface {
	Dataset
	// RawShape is the stored image size, before the resize to SampleShape.
	RawShape() (h, w int)
	// RawBatch writes batch i of epoch, the same samples in the same order as
	// Batch, as bytes (n,1,h,w) into images and labels into labels.
	RawBatch(epoch, i, batchSize int, images []uint8, labels []float32) (n, srcH, srcW int, err error)
}

// deviceInput is the state of the device-side input pipeline: two pairs of
// input tensors used in turn, so that the batch after the current one can be
// loaded (copied and resized, on the backend's queue) before the current
// one's forward pass is queued.
type deviceInput struct {
	data             RawDataset
	epoch, batchSize int
	// next is the batch index already loaded into slot, or -1.
	next, slot int
	count      [2]int
	x, lab     [2]buffers
	images     []uint8
	labels     []float32
}

// loadsOnDevice reports whether nextBatch loads data's images on the device
// (uploading bytes the backend resizes), so the host float buffers it is
// passed go unused.
func (n *Network) loadsOnDevice(data Dataset) bool {
	_, ok := n.dev.Ops().(kernels.ImageLoader)
	_, isRaw := data.(RawDataset)
	return ok && isRaw && n.sample[0] == 1
}

// nextBatch returns batch i of epoch e on the device: its size, the input
// (n,C,H,W) and the labels (n). It uploads host-resized floats, or, when the
// backend is a kernels.ImageLoader and data a RawDataset of single-channel
// images, uploads bytes that the device resizes, one batch ahead.
func (n *Network) nextBatch(data Dataset, e, i, batchSize int, x, labels []float32) (int, kernels.Tensor, kernels.Tensor, error) {
	if !n.loadsOnDevice(data) {
		count, err := data.Batch(e, i, batchSize, x, labels)
		if err != nil {
			return 0, nil, nil, err
		}
		xt, lt, err := n.in.upload(n.sample, x[:count*kernels.Numel(n.sample)], labels, count)
		return count, xt, lt, err
	}
	loader, raw := n.dev.Ops().(kernels.ImageLoader), data.(RawDataset)
	g := &n.in.dev
	if g.data != raw || g.epoch != e || g.batchSize != batchSize || g.next != i {
		*g = deviceInput{data: raw, epoch: e, batchSize: batchSize, next: -1, x: g.x, lab: g.lab, images: g.images, labels: g.labels}
		if err := n.load(loader, g, i, g.slot); err != nil {
			return 0, nil, nil, err
		}
	}
	cur := g.slot
	xt, lt := g.x[cur].byN[g.count[cur]], g.lab[cur].byN[g.count[cur]]
	g.next, g.slot = -1, cur^1
	if (i+1)*batchSize < raw.Len() {
		if err := n.load(loader, g, i+1, g.slot); err != nil {
			return 0, nil, nil, err
		}
		g.next = i + 1
	}
	return g.count[cur], xt, lt, nil
}

// load queues batch i into slot s.
func (n *Network) load(loader kernels.ImageLoader, g *deviceInput, i, s int) error {
	h, w := g.data.RawShape()
	bs := min(g.batchSize, g.data.Len())
	if len(g.images) < bs*h*w || len(g.labels) < bs {
		g.images, g.labels = make([]uint8, bs*h*w), make([]float32, bs)
	}
	count, srcH, srcW, err := g.data.RawBatch(g.epoch, i, g.batchSize, g.images, g.labels)
	if err != nil {
		return err
	}
	if g.x[s].ops == nil {
		g.x[s], g.lab[s] = buffers{ops: n.dev.Ops(), name: "input"}, buffers{ops: n.dev.Ops(), name: "labels"}
	}
	xt, err := g.x[s].getBatch(count, n.sample)
	if err != nil {
		return err
	}
	lt, err := g.lab[s].getBatch(count, nil)
	if err != nil {
		return err
	}
	g.count[s] = count
	return loader.LoadImages(g.images, g.labels, count, srcH, srcW, xt, lt)
}
