package vgg

import (
	"errors"
	"fmt"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

// Network is a Sequential of layers bound to one device once built. Build it
// explicitly, or let Trainer.Fit, Predict or Evaluate build it at first use
// from the data's sample shape, the way Gluon defers initialization.
type Network struct {
	seq  *Sequential
	init Initializer
	arch Arch

	dev    *device.Device
	sample []int // (C,H,W) it was built for
	in     batchTensors
}

// NewNetwork returns a network of the given layers, initialized with Xavier.
func NewNetwork(layers ...Layer) *Network {
	return &Network{seq: NewSequential("net", layers...), init: Xavier()}
}

// Arch is the convolutional architecture the network was made from (nil for
// a NewNetwork).
func (n *Network) Arch() Arch { return n.arch }

// Layers returns the top-level layers (the blocks and the head for VGG).
func (n *Network) Layers() []Layer { return n.seq.layers }

// Params lists every parameter in order (empty before Build).
func (n *Network) Params() []*Param { return n.seq.Params() }

// Device is the device the network was built on, or nil.
func (n *Network) Device() *device.Device { return n.dev }

// SampleShape is the (C,H,W) shape the network was built for, or nil.
func (n *Network) SampleShape() []int { return n.sample }

// OutShape returns the network's output shape for an input shape.
func (n *Network) OutShape(in []int) ([]int, error) { return n.seq.OutShape(in) }

// ShapeWalk returns each top-level layer's output shape for input in, like
// the book's loop over net's blocks with a (1,1,224,224) sample.
func (n *Network) ShapeWalk(in []int) ([]LayerShape, error) { return n.seq.ShapeWalk(in) }

// The size limits of CheckInput and Build.
const (
	// MaxLayerParams is the most parameters one layer may have (2^31).
	MaxLayerParams = 1 << 31
	// MaxNetworkBytes is the most memory a network may need for its
	// parameters, their gradients and one image's activations, as float32
	// (64 GiB).
	MaxNetworkBytes = 64 << 30
)

// CheckInput reports whether samples of shape (C,H,W) fit the network, for
// example whether the blocks can halve the image size down to at least 1,
// and whether the network stays within MaxLayerParams per layer and
// MaxNetworkBytes in all for that sample size (counted in int64 with
// overflow checks), so that a huge image size or layer width is a
// *SizeError naming the layer instead of an out-of-memory crash.
func (n *Network) CheckInput(sample []int) error {
	if err := n.checkShape(sample); err != nil {
		return err
	}
	s, err := n.costs(sample, func(r SummaryRow) error {
		if r.Params > MaxLayerParams {
			return &SizeError{Sample: sample, Layer: r.Name, Params: r.Params, Limit: MaxLayerParams, Lower: lowerFor(r.Kind)}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if need := float64(s.Params)*8 + float64(s.Act); need > MaxNetworkBytes {
		return &SizeError{Sample: sample, Params: s.Params, Bytes: need, Limit: MaxNetworkBytes, Lower: lowerAll()}
	}
	return nil
}

// checkShape is CheckInput's shape part.
func (n *Network) checkShape(sample []int) error {
	if len(sample) != 3 || kernels.Numel(sample) == 0 {
		return fmt.Errorf("vgg: sample shape %s must be (C,H,W) with positive sizes", kernels.ShapeString(sample))
	}
	if _, err := n.seq.OutShape(append([]int{1}, sample...)); err != nil {
		if len(n.arch) > 0 {
			return fmt.Errorf("%w (the %d blocks of this network halve the image %d times: the input side must be at least %d)", err, len(n.arch), len(n.arch), 1<<len(n.arch))
		}
		return err
	}
	return nil
}

// Build allocates and initializes the parameters on dev for samples of shape
// (C,H,W), drawing initial weights from seed.
func (n *Network) Build(dev *device.Device, sample []int, seed uint64) error {
	if dev == nil {
		return errors.New("vgg: Build: nil device (use device.TryGPU() or device.CPU())")
	}
	if n.dev != nil {
		if n.dev != dev {
			return fmt.Errorf("vgg: network already built on %s; build a new network for %s", n.dev, dev)
		}
		if !kernels.SameShape(n.sample, sample) {
			return fmt.Errorf("vgg: network built for samples %s, got %s", kernels.ShapeString(n.sample), kernels.ShapeString(sample))
		}
		return nil
	}
	if err := n.CheckInput(sample); err != nil {
		return err
	}
	b := &Builder{Ops: dev.Ops(), Init: n.init, Seed: seed}
	if err := n.seq.Build(b, append([]int{1}, sample...), false); err != nil {
		return err
	}
	n.dev, n.sample = dev, append([]int(nil), sample...)
	n.in = batchTensors{ops: dev.Ops()}
	return nil
}

// Forward runs the network on a device batch x (N,C,H,W) and returns the
// logits (N,classes), owned by the network.
func (n *Network) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if n.dev == nil {
		return nil, errors.New("vgg: Forward before Build")
	}
	return n.seq.Forward(x, train)
}

// Backward back-propagates the logits' gradient and leaves each parameter's
// gradient in Param.Grad.
func (n *Network) Backward(dlogits kernels.Tensor) error {
	_, err := n.seq.Backward(dlogits)
	return err
}

// Predict returns the most likely class of each of the n samples in x, a
// host batch (n,C,H,W) flattened. The network must be built.
func (n *Network) Predict(x []float32, count int) ([]int, error) {
	if n.dev == nil {
		return nil, errors.New("vgg: Predict before Build: train the network or call Build first")
	}
	per := kernels.Numel(n.sample)
	if count <= 0 || count > len(x)/per || len(x) != count*per {
		return nil, fmt.Errorf("vgg: Predict: %d values for %d samples of shape %s", len(x), count, kernels.ShapeString(n.sample))
	}
	xt, _, err := n.in.upload(n.sample, x, nil, count)
	if err != nil {
		return nil, err
	}
	logits, err := n.Forward(xt, false)
	if err != nil {
		return nil, err
	}
	shape := logits.Shape()
	host := make([]float32, logits.Len())
	if err := n.dev.Ops().CopyOut(host, logits); err != nil {
		return nil, err
	}
	out := make([]int, shape[0])
	for i := range out {
		row := host[i*shape[1] : (i+1)*shape[1]]
		for j, v := range row {
			if v > row[out[i]] {
				out[i] = j
			}
		}
	}
	return out, nil
}

// Evaluate returns the accuracy of the network on data with dropout off, in
// batches of batchSize. An unbuilt network is built on dev first.
func (n *Network) Evaluate(dev *device.Device, data Dataset, batchSize int) (float64, error) {
	if err := checkPass("Evaluate", data, batchSize); err != nil {
		return 0, err
	}
	if err := n.Build(dev, data.SampleShape(), 0); err != nil {
		return 0, err
	}
	_, acc, err := n.epoch(data, 0, batchSize, nil, nil)
	return acc, err
}

// checkPass reports a data set or batch size that a pass cannot run on.
func checkPass(op string, data Dataset, batchSize int) error {
	switch {
	case data == nil || data.Len() <= 0:
		return fmt.Errorf("vgg: %s: the data set is empty: give it at least one example", op)
	case batchSize <= 0:
		return fmt.Errorf("vgg: %s: batch size %d must be > 0", op, batchSize)
	}
	return nil
}

// batchTensors holds a device input batch and its labels per batch size.
type batchTensors struct {
	ops    kernels.Ops
	x, lab buffers
	dev    deviceInput // the device-resize path (gpuinput.go)
}

func (b *batchTensors) upload(sample []int, x, labels []float32, count int) (kernels.Tensor, kernels.Tensor, error) {
	if b.x.ops == nil {
		b.x = buffers{ops: b.ops, name: "input"}
		b.lab = buffers{ops: b.ops, name: "labels"}
	}
	xt, err := b.x.getBatch(count, sample)
	if err != nil {
		return nil, nil, err
	}
	if err := b.ops.CopyIn(xt, x[:xt.Len()]); err != nil {
		return nil, nil, err
	}
	if labels == nil {
		return xt, nil, nil
	}
	lt, err := b.lab.getBatch(count, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := b.ops.CopyIn(lt, labels[:count]); err != nil {
		return nil, nil, err
	}
	return xt, lt, nil
}
