package vgg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

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
