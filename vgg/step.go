package vgg

import (
	"errors"
	"fmt"
	"math"

	"github.com/vggo/vggo/kernels"
)

// step is the training half of an epoch: the logits' gradient buffers and
// the SGD settings. A nil *step means evaluation.
type step struct {
	lr     float32
	params []*Param
	grads  buffers
}

// numBatches is ceil(n/batchSize) for n, batchSize > 0, without the
// overflow of (n+batchSize-1)/batchSize for a huge batch size.
func numBatches(n, batchSize int) int {
	if n <= 0 {
		return 0
	}
	return (n-1)/batchSize + 1
}

// epochSums are an epoch's running totals.
type epochSums struct {
	lossSum       float64
	correct, seen int
}

// epochRun resumes a pass part-way and watches it batch by batch.
type epochRun struct {
	from  int       // batches already done
	sums  epochSums // their totals
	stop  func() error
	after func(done int, sums epochSums) error
}

// epoch runs one pass over data and returns the mean loss and the accuracy:
// a trainStep per batch, or with st == nil an evalStep (dropout off, no
// gradients). A non-nil run starts at batch run.from with run.sums, calls
// run.stop before each batch (the first included) and run.after after each;
// an error from either ends the pass.
func (n *Network) epoch(data Dataset, e, batchSize int, st *step, run *epochRun) (float64, float64, error) {
	if err := checkPass("epoch", data, batchSize); err != nil {
		return 0, 0, err
	}
	if !kernels.SameShape(data.SampleShape(), n.sample) {
		return 0, 0, fmt.Errorf("vgg: data samples %s, network built for %s",
			kernels.ShapeString(data.SampleShape()), kernels.ShapeString(n.sample))
	}
	// Host batch buffers hold at most the whole data set (so a huge batch
	// size allocates no more than the data), and none at all when the
	// device loads the images itself.
	var x, labels []float32
	if !n.loadsOnDevice(data) {
		bs := min(batchSize, data.Len())
		x, labels = make([]float32, bs*kernels.Numel(n.sample)), make([]float32, bs)
	}
	var sums epochSums
	from := 0
	if run != nil {
		sums, from = run.sums, run.from
	}
	batches := numBatches(data.Len(), batchSize)
	for i := from; i < batches; i++ {
		if run != nil && run.stop != nil {
			if err := run.stop(); err != nil {
				return 0, 0, err
			}
		}
		count, xt, lt, err := n.nextBatch(data, e, i, batchSize, x, labels)
		if err != nil {
			return 0, 0, err
		}
		var loss float64
		var c int
		if st != nil {
			loss, c, err = n.trainStep(st, xt, lt)
			if errors.Is(err, ErrDiverged) {
				return 0, 0, fmt.Errorf("vgg: epoch %d, batch %d: loss is %v: %w; lower the learning rate (now %v)", e+1, i+1, loss, ErrDiverged, st.lr)
			}
		} else {
			loss, c, err = n.evalStep(xt, lt)
		}
		if err != nil {
			return 0, 0, err
		}
		sums.lossSum += loss * float64(count)
		sums.correct += c
		sums.seen += count
		if run != nil && run.after != nil {
			if err := run.after(i+1, sums); err != nil {
				return 0, 0, err
			}
		}
	}
	return sums.lossSum / float64(sums.seen), float64(sums.correct) / float64(sums.seen), nil
}

// trainStep is one SGD step on a device batch: forward with dropout, the
// loss and its gradient, backward, and the update. It returns the batch's
// mean loss and how many examples it classified right; a loss that is not
// finite returns ErrDiverged before any parameter changes.
func (n *Network) trainStep(st *step, x, labels kernels.Tensor) (float64, int, error) {
	logits, err := n.Forward(x, true)
	if err != nil {
		return 0, 0, err
	}
	dlogits, err := st.grads.get(logits.Shape()...)
	if err != nil {
		return 0, 0, err
	}
	loss, correct, err := n.dev.Ops().SoftmaxCrossEntropy(logits, labels, dlogits)
	if err != nil {
		return 0, 0, err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, correct, ErrDiverged
	}
	if err := n.Backward(dlogits); err != nil {
		return 0, 0, err
	}
	return loss, correct, st.update(n.dev.Ops())
}

// update moves every parameter by -lr times its gradient.
func (st *step) update(ops kernels.Ops) error {
	for _, p := range st.params {
		if err := ops.SGDUpdate(p.Value, p.Grad, st.lr); err != nil {
			return fmt.Errorf("vgg: SGD on %s: %w", p.Name, err)
		}
	}
	return nil
}

// evalStep is the forward pass of a device batch with dropout off and no
// gradients. It returns the batch's mean loss and how many examples it
// classified right.
func (n *Network) evalStep(x, labels kernels.Tensor) (float64, int, error) {
	logits, err := n.Forward(x, false)
	if err != nil {
		return 0, 0, err
	}
	return n.dev.Ops().SoftmaxCrossEntropy(logits, labels, nil)
}
