package vgg

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

// Dataset is labelled data in batches, as Trainer and Evaluate read it.
type Dataset interface {
	// Len is the number of examples.
	Len() int
	// SampleShape is one example's shape (C,H,W).
	SampleShape() []int
	// Batch writes batch i (of ceil(Len/batchSize)) of the given epoch into
	// x (n,C,H,W) and labels (n class indices as float32) and returns n. A
	// training set shuffles per epoch; a test set keeps its order.
	Batch(epoch, i, batchSize int, x, labels []float32) (int, error)
}

// Trainer runs minibatch SGD as the book's train_ch5 does: mean
// softmax-cross-entropy loss, lr times the batch-mean gradient, one line per
// epoch.
type Trainer struct {
	Device    *device.Device // where to train; nil means device.TryGPU()
	LR        float32        // learning rate (the book: 0.05)
	Epochs    int            // passes over the training set (the book: 5)
	BatchSize int            // examples per step (the book: 128)
	Seed      uint64         // initial weights and dropout masks
	Out       io.Writer      // progress lines; nil prints nothing
}

// EpochStats is one epoch's result, as the book prints it.
type EpochStats struct {
	Epoch    int     // 1-based
	Loss     float64 // mean cross-entropy over the epoch's training batches
	TrainAcc float64 // accuracy over the training passes (dropout on)
	TestAcc  float64 // accuracy over the whole test set (dropout off)
	Seconds  float64 // wall time of the epoch, test pass included
}

func (s EpochStats) String() string {
	return fmt.Sprintf("epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec",
		s.Epoch, s.Loss, s.TrainAcc, s.TestAcc, s.Seconds)
}

// History is the per-epoch record of a Fit.
type History []EpochStats

// ErrDiverged is wrapped by Fit's error when the loss becomes NaN or Inf.
var ErrDiverged = errors.New("training diverged")

// Validate reports settings that cannot train, before any work starts.
func (t Trainer) Validate() error {
	switch {
	case !(t.LR > 0) || math.IsInf(float64(t.LR), 0):
		return fmt.Errorf("vgg: learning rate %v must be a positive number (the book uses 0.05)", t.LR)
	case t.Epochs <= 0:
		return fmt.Errorf("vgg: epochs %d must be > 0", t.Epochs)
	case t.BatchSize <= 0:
		return fmt.Errorf("vgg: batch size %d must be > 0 (the book uses 128)", t.BatchSize)
	}
	return nil
}

// Fit trains net on train for t.Epochs epochs, reporting test accuracy after
// each, and returns the history. An unbuilt net is built on the trainer's
// device for train's sample shape.
func (t Trainer) Fit(net *Network, train, test Dataset) (History, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if train == nil || test == nil || train.Len() == 0 || test.Len() == 0 {
		return nil, errors.New("vgg: Fit needs non-empty training and test sets")
	}
	if !equalInts(train.SampleShape(), test.SampleShape()) {
		return nil, fmt.Errorf("vgg: training samples %s and test samples %s differ in shape",
			kernels.ShapeString(train.SampleShape()), kernels.ShapeString(test.SampleShape()))
	}
	dev := t.Device
	if dev == nil {
		dev = device.TryGPU()
	}
	if err := net.Build(dev, train.SampleShape(), t.Seed); err != nil {
		return nil, err
	}
	if t.Out != nil {
		fmt.Fprintf(t.Out, "training on %s\n", dev)
	}
	st := &step{lr: t.LR, params: net.Params(), grads: buffers{ops: dev.Ops(), name: "logits"}}
	var hist History
	for e := range t.Epochs {
		start := time.Now()
		loss, trainAcc, err := net.epoch(train, e, t.BatchSize, st)
		if err != nil {
			return hist, err
		}
		_, testAcc, err := net.epoch(test, e, t.BatchSize, nil)
		if err != nil {
			return hist, err
		}
		s := EpochStats{Epoch: e + 1, Loss: loss, TrainAcc: trainAcc, TestAcc: testAcc, Seconds: time.Since(start).Seconds()}
		hist = append(hist, s)
		if t.Out != nil {
			fmt.Fprintln(t.Out, s)
		}
	}
	return hist, nil
}

// step is the training half of an epoch: the logits' gradient buffers and
// the SGD settings. A nil *step means evaluation.
type step struct {
	lr     float32
	params []*Param
	grads  buffers
}

// epoch runs one pass over data and returns the mean loss and the accuracy.
// With st == nil it evaluates (dropout off, no gradients).
func (n *Network) epoch(data Dataset, e, batchSize int, st *step) (float64, float64, error) {
	if !equalInts(data.SampleShape(), n.sample) {
		return 0, 0, fmt.Errorf("vgg: data samples %s, network built for %s",
			kernels.ShapeString(data.SampleShape()), kernels.ShapeString(n.sample))
	}
	ops := n.dev.Ops()
	per := kernels.Numel(n.sample)
	x := make([]float32, batchSize*per)
	labels := make([]float32, batchSize)
	var lossSum float64
	var correct, seen int
	batches := (data.Len() + batchSize - 1) / batchSize
	for i := range batches {
		count, xt, lt, err := n.nextBatch(data, e, i, batchSize, x, labels)
		if err != nil {
			return 0, 0, err
		}
		logits, err := n.Forward(xt, st != nil)
		if err != nil {
			return 0, 0, err
		}
		var dlogits kernels.Tensor
		if st != nil {
			if dlogits, err = st.grads.get(logits.Shape()...); err != nil {
				return 0, 0, err
			}
		}
		loss, c, err := ops.SoftmaxCrossEntropy(logits, lt, dlogits)
		if err != nil {
			return 0, 0, err
		}
		if st != nil {
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return 0, 0, fmt.Errorf("vgg: epoch %d, batch %d: loss is %v: %w; lower the learning rate (now %v)", e+1, i+1, loss, ErrDiverged, st.lr)
			}
			if err := n.Backward(dlogits); err != nil {
				return 0, 0, err
			}
			for _, p := range st.params {
				if err := ops.SGDUpdate(p.Value, p.Grad, st.lr); err != nil {
					return 0, 0, fmt.Errorf("vgg: SGD on %s: %w", p.Name, err)
				}
			}
		}
		lossSum += loss * float64(count)
		correct += c
		seen += count
	}
	return lossSum / float64(seen), float64(correct) / float64(seen), nil
}
