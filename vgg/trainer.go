package vgg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
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
// epoch. With Checkpoint set it saves a checkpoint after every epoch and when
// stopped, and with Resume it continues from that checkpoint exactly where
// it stopped.
type Trainer struct {
	Device    *device.Device // where to train; nil means the network's device when it is built, else device.TryGPU()
	LR        float32        // learning rate (the book: 0.05)
	Epochs    int            // total passes over the training set, resumed ones included (the book: 5)
	BatchSize int            // examples per step (the book: 128)
	Seed      uint64         // initial weights and dropout masks
	Out       io.Writer      // the book's per-epoch lines and notes; nil prints nothing

	// Checkpoint is a directory for CheckpointFile, written atomically after
	// every epoch and when Context is cancelled; "" keeps no checkpoint.
	// Without Resume the file must not exist yet: Fit never overwrites a
	// checkpoint it did not start from.
	Checkpoint string
	// Resume loads the checkpoint in Checkpoint (weights and TrainState)
	// and continues from it.
	Resume bool
	// Context stops training when cancelled: the current batch finishes, a
	// checkpoint is saved, and Fit returns an *InterruptedError (no batch
	// starts once it is cancelled; when every epoch had finished, Fit
	// succeeds). nil means context.Background().
	Context context.Context
	// Progress is told about every training batch; nil reports nothing.
	Progress Progress
	// Metrics receives one JSON object per epoch (a MetricsRecord) and line;
	// nil writes none.
	Metrics io.Writer
}

// Progress follows training batch by batch, for a progress bar or log lines.
// Fit calls it from its own goroutine.
type Progress interface {
	// StartEpoch announces epoch (1-based) of batches training batches, of
	// which done were finished before a resume.
	StartEpoch(epoch, batches, done int)
	// Batch reports done training batches of the epoch finished, and images
	// trained on since StartEpoch.
	Batch(done, images int)
	// EndEpoch reports the finished epoch, before its line goes to Out.
	EndEpoch(s EpochStats)
	// Finish is called once when Fit returns, to clear the display.
	Finish()
}

// MetricsRecord is one line of Trainer.Metrics.
type MetricsRecord struct {
	Epoch        int     `json:"epoch"`
	Step         int     `json:"step"` // SGD steps done in all
	Loss         float64 `json:"loss"`
	TrainAcc     float64 `json:"train_acc"`
	TestAcc      float64 `json:"test_acc"`
	Seconds      float64 `json:"seconds"`
	ImagesPerSec float64 `json:"images_per_sec"` // training images per second of training
	LR           float32 `json:"lr"`
	RSSBytes     int64   `json:"rss_bytes,omitempty"` // resident set size after the epoch (Linux)
	HeapBytes    uint64  `json:"heap_bytes"`          // Go heap in use after the epoch
}

// EpochStats is one epoch's result, as the book prints it.
type EpochStats struct {
	Epoch    int     `json:"epoch"`     // 1-based
	Loss     float64 `json:"loss"`      // mean cross-entropy over the epoch's training batches
	TrainAcc float64 `json:"train_acc"` // accuracy over the training passes (dropout on)
	TestAcc  float64 `json:"test_acc"`  // accuracy over the whole test set (dropout off)
	Seconds  float64 `json:"seconds"`   // wall time of the epoch, test pass included
}

// String formats the epoch as the book's train_ch5 prints it: loss, train
// and test accuracy, and time.
func (s EpochStats) String() string {
	return fmt.Sprintf("epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec",
		s.Epoch, s.Loss, s.TrainAcc, s.TestAcc, s.Seconds)
}

// History is the per-epoch record of a Fit.
type History []EpochStats

// Validate reports settings that cannot train, before any work starts. With
// Resume it also reads the checkpoint's header and training state.
func (t Trainer) Validate() error {
	switch {
	case !(t.LR > 0) || math.IsInf(float64(t.LR), 0):
		return fmt.Errorf("vgg: learning rate %v must be a positive number (the book uses 0.05)", t.LR)
	case t.Epochs <= 0:
		return fmt.Errorf("vgg: epochs %d must be > 0", t.Epochs)
	case t.BatchSize <= 0:
		return fmt.Errorf("vgg: batch size %d must be > 0 (the book uses 128)", t.BatchSize)
	case t.Resume && t.Checkpoint == "":
		return errors.New("vgg: resume needs a checkpoint directory to resume from")
	}
	if !t.Resume && t.Checkpoint != "" {
		if _, err := os.Stat(t.CheckpointPath()); err == nil {
			return &CheckpointExistsError{Path: t.CheckpointPath()}
		}
	}
	if t.Resume {
		st, err := ReadTrainState(t.CheckpointPath())
		if err != nil {
			return err
		}
		return t.checkResume(st, -1, nil)
	}
	return nil
}

// CheckpointPath is the checkpoint file in the Checkpoint directory, or ""
// when Checkpoint is unset.
func (t Trainer) CheckpointPath() string {
	if t.Checkpoint == "" {
		return ""
	}
	return filepath.Join(t.Checkpoint, CheckpointFile)
}

// checkResume reports a checkpoint this trainer cannot continue exactly.
// batches is the training set's batch count, or -1 when not known yet;
// train is the training set, or nil when not known yet.
func (t Trainer) checkResume(st *TrainState, batches int, train Dataset) error {
	e := &ResumeError{Checkpoint: t.CheckpointPath(), Saved: st, Seed: t.Seed, BatchSize: t.BatchSize, Batches: max(batches, 0)}
	if train != nil {
		e.Sample, e.TrainLen = train.SampleShape(), train.Len()
	}
	switch {
	case train != nil && st.Sample != nil && !kernels.SameShape(st.Sample, e.Sample):
		e.Mismatch = MismatchSample
	case train != nil && st.TrainLen > 0 && st.TrainLen != e.TrainLen:
		e.Mismatch = MismatchTrainLen
	case st.Seed != t.Seed:
		e.Mismatch = MismatchSeed
	case st.Batch > 0 && st.BatchSize != t.BatchSize:
		e.Mismatch = MismatchBatchSize
	case batches >= 0 && st.Batch > batches:
		e.Mismatch = MismatchBatches
	default:
		return nil
	}
	return e
}

// Fit trains net on train for t.Epochs epochs, reporting test accuracy after
// each, and returns the history (including epochs done before a resume). An
// unbuilt net is built on the trainer's device for train's sample shape.
func (t Trainer) Fit(net *Network, train, test Dataset) (History, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if train == nil || test == nil || train.Len() == 0 || test.Len() == 0 {
		return nil, errors.New("vgg: Fit needs non-empty training and test sets")
	}
	if !kernels.SameShape(train.SampleShape(), test.SampleShape()) {
		return nil, fmt.Errorf("vgg: training samples %s and test samples %s differ in shape",
			kernels.ShapeString(train.SampleShape()), kernels.ShapeString(test.SampleShape()))
	}
	if t.Checkpoint != "" {
		if err := os.MkdirAll(t.Checkpoint, 0o755); err != nil {
			return nil, fmt.Errorf("vgg: checkpoint directory: %w", err)
		}
	}
	dev := t.Device
	if dev == nil {
		// A network built before (by an earlier Fit, say) stays on its
		// device; TryGPU opens a new one each call, which Build would
		// refuse as another device.
		if dev = net.Device(); dev == nil {
			dev = device.TryGPU()
		}
	}
	if err := net.Build(dev, train.SampleShape(), t.Seed); err != nil {
		return nil, err
	}
	r := &fitRun{Trainer: t, net: net, sc: &hostScratch{}}
	if r.Context == nil {
		r.Context = context.Background()
	}
	if r.Progress != nil {
		defer r.Progress.Finish()
	}
	return r.fit(dev, train, test)
}

// fitRun is one Fit's working state.
type fitRun struct {
	Trainer
	net       *Network
	state     TrainState
	startStep int // state.Step when this Fit started
	sc        *hostScratch
}

func (r *fitRun) printf(format string, args ...any) {
	if r.Out != nil {
		fmt.Fprintf(r.Out, format, args...)
	}
}

func (r *fitRun) fit(dev *device.Device, train, test Dataset) (History, error) {
	r.printf("training on %s\n", dev)
	batches := numBatches(train.Len(), r.BatchSize)
	r.state = TrainState{Seed: r.Seed}
	if r.Resume {
		// Check the run against the checkpoint's state before its weights
		// replace the network's.
		st, err := ReadTrainState(r.CheckpointPath())
		if err != nil {
			return nil, err
		}
		if err := r.checkResume(st, batches, train); err != nil {
			return nil, err
		}
		if st, err = r.net.loadCheckpoint(r.CheckpointPath(), r.sc); err != nil {
			return nil, err
		}
		if st == nil {
			return nil, fmt.Errorf("vgg: %s holds weights but no training state: it cannot be resumed", r.CheckpointPath())
		}
		r.state = *st
		r.printf("resuming from %s: %d epochs and %d batches done\n", r.CheckpointPath(), st.Epoch, st.Batch)
		if st.LR != r.LR {
			r.printf("learning rate %v (the checkpoint was trained with %v)\n", r.LR, st.LR)
		}
		if st.Epoch >= r.Epochs {
			r.printf("the checkpoint has %d epochs already: ask for more epochs to train on\n", st.Epoch)
			return st.History, nil
		}
	}
	r.state.LR, r.state.BatchSize, r.state.TrainLen = r.LR, r.BatchSize, train.Len()
	r.startStep = r.state.Step
	st := &step{lr: r.LR, params: r.net.Params(), grads: buffers{ops: dev.Ops(), name: "logits"}}
	for e := r.state.Epoch; e < r.Epochs; e++ {
		if err := r.runEpoch(e, batches, st, train, test); err != nil {
			return r.state.History, err
		}
	}
	return r.state.History, nil
}

// runEpoch trains epoch e (0-based) from where the state says, tests, and
// checkpoints.
func (r *fitRun) runEpoch(e, batches int, st *step, train, test Dataset) error {
	start := time.Now()
	s := &r.state
	seen0, images := s.Seen, 0
	if r.Progress != nil {
		r.Progress.StartEpoch(e+1, batches, s.Batch)
	}
	run := &epochRun{from: s.Batch, sums: epochSums{s.LossSum, s.Correct, s.Seen}, stop: r.Context.Err, after: func(done int, sums epochSums) error {
		s.Step++
		s.Batch, s.LossSum, s.Correct, s.Seen = done, sums.lossSum, sums.correct, sums.seen
		images = sums.seen - seen0
		if r.Progress != nil {
			r.Progress.Batch(done, images)
		}
		return r.Context.Err()
	}}
	loss, trainAcc, err := r.net.epoch(train, e, r.BatchSize, st, run)
	if err == nil && r.Context.Err() != nil {
		err = r.Context.Err()
	}
	trainSecs := time.Since(start).Seconds()
	if err != nil {
		if stopped(err) {
			return r.interrupt(e, start)
		}
		if errors.Is(err, ErrDiverged) && r.Checkpoint != "" && s.Epoch > 0 {
			return fmt.Errorf("%w; %s still holds epoch %d: resume from it with a lower learning rate", err, r.CheckpointPath(), s.Epoch)
		}
		return err
	}
	stop := &epochRun{stop: r.Context.Err, after: func(int, epochSums) error { return r.Context.Err() }}
	_, testAcc, err := r.net.epoch(test, e, r.BatchSize, nil, stop)
	if err != nil {
		if stopped(err) {
			return r.interrupt(e, start)
		}
		return err
	}
	stats := EpochStats{Epoch: e + 1, Loss: loss, TrainAcc: trainAcc, TestAcc: testAcc, Seconds: s.Seconds + time.Since(start).Seconds()}
	s.History = append(s.History, stats)
	s.Epoch, s.Batch, s.LossSum, s.Correct, s.Seen, s.Seconds = e+1, 0, 0, 0, 0, 0
	if r.Progress != nil {
		r.Progress.EndEpoch(stats)
	}
	r.printf("%s\n", stats)
	if r.Metrics != nil {
		if err := r.writeMetrics(stats, float64(images), trainSecs); err != nil {
			return err
		}
	}
	if r.Checkpoint != "" {
		s.Dropout = r.net.dropoutSteps()
		if err := r.net.saveCheckpoint(r.CheckpointPath(), s, r.sc); err != nil {
			return err
		}
	}
	if r.Context.Err() != nil && e+1 < r.Epochs {
		return &InterruptedError{Epoch: e + 1, Batch: batches, Checkpoint: r.CheckpointPath()}
	}
	return nil
}

// stopped reports whether an epoch's error is the context's cancellation
// (or no error), as opposed to a real failure such as divergence, which
// must be returned as is rather than saved as an interruption.
func stopped(err error) bool {
	return err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// interrupt saves the unfinished epoch e's state and reports where. When
// this Fit took no step there is nothing new to save: a resumed checkpoint
// stays as it is, and a fresh run writes none.
func (r *fitRun) interrupt(e int, start time.Time) error {
	s := &r.state
	s.Seconds += time.Since(start).Seconds()
	if s.Step == r.startStep {
		path := ""
		if r.Resume {
			path = r.CheckpointPath()
		}
		return &InterruptedError{Epoch: e + 1, Batch: s.Batch, Checkpoint: path}
	}
	if r.Checkpoint != "" {
		s.Dropout = r.net.dropoutSteps()
		if err := r.net.saveCheckpoint(r.CheckpointPath(), s, r.sc); err != nil {
			return fmt.Errorf("vgg: interrupted, but saving the checkpoint failed: %w", err)
		}
	}
	return &InterruptedError{Epoch: e + 1, Batch: s.Batch, Checkpoint: r.CheckpointPath()}
}

// writeMetrics appends one JSON line for the epoch.
func (r *fitRun) writeMetrics(s EpochStats, images, trainSecs float64) error {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rec := MetricsRecord{Epoch: s.Epoch, Step: r.state.Step, Loss: s.Loss, TrainAcc: s.TrainAcc, TestAcc: s.TestAcc,
		Seconds: s.Seconds, LR: r.LR, RSSBytes: residentBytes(), HeapBytes: ms.HeapInuse}
	if trainSecs > 0 {
		rec.ImagesPerSec = images / trainSecs
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("vgg: metrics: %w", err)
	}
	if _, err := r.Metrics.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("vgg: writing metrics: %w", err)
	}
	return nil
}

// residentBytes is the process's resident set size from /proc/self/statm,
// or 0 where that file does not exist.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

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

// epoch runs one pass over data and returns the mean loss and the accuracy.
// With st == nil it evaluates (dropout off, no gradients). A non-nil run
// starts at batch run.from with run.sums, calls run.stop before each batch
// (the first included) and run.after after each; an error from either ends
// the pass.
func (n *Network) epoch(data Dataset, e, batchSize int, st *step, run *epochRun) (float64, float64, error) {
	if err := checkPass("epoch", data, batchSize); err != nil {
		return 0, 0, err
	}
	if !kernels.SameShape(data.SampleShape(), n.sample) {
		return 0, 0, fmt.Errorf("vgg: data samples %s, network built for %s",
			kernels.ShapeString(data.SampleShape()), kernels.ShapeString(n.sample))
	}
	ops := n.dev.Ops()
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
