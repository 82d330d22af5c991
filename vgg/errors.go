package vgg

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vggo/vggo/kernels"
)

// ErrDiverged is wrapped by Fit's error when the loss becomes NaN or Inf.
var ErrDiverged = errors.New("training diverged")

// ErrInterrupted is matched (errors.Is) by the *InterruptedError Fit
// returns when its Context is cancelled.
var ErrInterrupted = errors.New("training interrupted")

// InterruptedError says where training stopped and where its checkpoint is.
type InterruptedError struct {
	Epoch      int    // the epoch (1-based) that was running
	Batch      int    // training batches of it that were done
	Checkpoint string // the checkpoint saved, or "" when Trainer.Checkpoint was unset
}

// Error says where training stopped and how to continue.
func (e *InterruptedError) Error() string {
	if e.Checkpoint == "" {
		return fmt.Sprintf("training interrupted in epoch %d after %d batches; no checkpoint saved (set a checkpoint directory to keep progress)", e.Epoch, e.Batch)
	}
	return fmt.Sprintf("training interrupted in epoch %d after %d batches; checkpoint saved to %s (resume from it to continue)", e.Epoch, e.Batch, e.Checkpoint)
}

// Is makes errors.Is(err, ErrInterrupted) true.
func (e *InterruptedError) Is(target error) bool { return target == ErrInterrupted }

// CheckpointError reports a checkpoint that does not fit the network or is
// damaged; it lists every problem found.
type CheckpointError struct {
	File     string   // the checkpoint file
	Problems []string // one line each: the tensor or metadata entry and what is wrong
	// Trained and Network are the checkpoint's VGG architecture and the
	// network's when they differ (one of the Problems); nil otherwise.
	Trained, Network Arch
}

// maxListedProblems is how many problems CheckpointError.Error lists.
const maxListedProblems = 20

// Error names the file and its problems: the first 20, then how many more
// there are, so that a hostile file with millions of tensors cannot make a
// huge message.
func (e *CheckpointError) Error() string {
	listed := e.Problems
	more := ""
	if len(listed) > maxListedProblems {
		listed = listed[:maxListedProblems]
		more = fmt.Sprintf("\n  ... and %d more", len(e.Problems)-maxListedProblems)
	}
	return fmt.Sprintf("vgg: checkpoint %s does not fit this network (load it into a network built like the one that saved it, or train from scratch):\n  %s%s",
		e.File, strings.Join(listed, "\n  "), more)
}

// CheckpointExistsError is the error of Trainer.Validate and Fit when the
// checkpoint file exists but Resume is not set: Fit never overwrites a
// checkpoint it did not start from.
type CheckpointExistsError struct {
	Path string // the checkpoint file
}

// Error names the file and the ways on: resume it, remove it, or
// checkpoint elsewhere.
func (e *CheckpointExistsError) Error() string {
	return fmt.Sprintf("vgg: checkpoint %s exists: resume it (Trainer.Resume) or remove it, or keep this run's checkpoint in another directory (Trainer.Checkpoint)", e.Path)
}

// Mismatch is what differs between a checkpoint and the run resuming it.
type Mismatch int

// The mismatches of a ResumeError.
const (
	// MismatchSample: the training samples have another shape (image size).
	MismatchSample Mismatch = iota + 1
	// MismatchTrainLen: the training set has another number of examples.
	MismatchTrainLen
	// MismatchSeed: the trainer has another seed.
	MismatchSeed
	// MismatchBatchSize: the checkpoint stopped in the middle of an epoch,
	// and the trainer has another batch size.
	MismatchBatchSize
	// MismatchBatches: the checkpoint stopped after more batches of its
	// epoch than the training set has.
	MismatchBatches
)

// ResumeError is the error of Trainer.Validate and Fit when the run differs
// from the one that saved the checkpoint in a way that would not continue
// it exactly.
type ResumeError struct {
	Checkpoint string      // the checkpoint file
	Mismatch   Mismatch    // what differs
	Saved      *TrainState // the checkpoint's side: the state of the run that saved it
	// This run's side. Seed and BatchSize are the trainer's; Sample,
	// TrainLen and Batches are the training set's, and zero when Validate
	// checks before the training set is known.
	Seed      uint64
	BatchSize int
	Sample    []int // the sample shape (C,H,W)
	TrainLen  int   // examples
	Batches   int   // batches per epoch
}

// Error gives both sides of the mismatch and how to resume exactly.
func (e *ResumeError) Error() string {
	s := e.Saved
	switch e.Mismatch {
	case MismatchSample:
		return fmt.Sprintf("vgg: checkpoint %s was trained on samples %s, this training set has %s: resume on samples of the same shape (the same image size)",
			e.Checkpoint, kernels.ShapeString(s.Sample), kernels.ShapeString(e.Sample))
	case MismatchTrainLen:
		return fmt.Sprintf("vgg: checkpoint %s was trained on %d examples, this training set has %d: resume on the same training set",
			e.Checkpoint, s.TrainLen, e.TrainLen)
	case MismatchSeed:
		return fmt.Sprintf("vgg: checkpoint %s was trained with seed %d, this run has seed %d: resume with the same seed (Trainer.Seed: shuffling and dropout depend on it)",
			e.Checkpoint, s.Seed, e.Seed)
	case MismatchBatchSize:
		return fmt.Sprintf("vgg: checkpoint %s stopped in the middle of epoch %d with batch size %d, this run has %d: resume with batch size %d (Trainer.BatchSize)",
			e.Checkpoint, s.Epoch+1, s.BatchSize, e.BatchSize, s.BatchSize)
	case MismatchBatches:
		return fmt.Sprintf("vgg: checkpoint %s stopped after batch %d of epoch %d, but the training set has only %d batches: resume on the same training set",
			e.Checkpoint, s.Batch, s.Epoch+1, e.Batches)
	}
	return fmt.Sprintf("vgg: checkpoint %s cannot be resumed by this run (mismatch %d)", e.Checkpoint, e.Mismatch)
}

// Setting is a choice that sizes a network for its input; a SizeError lists
// the ones that would shrink what is too large.
type Setting int

// The settings of a SizeError.
const (
	// SettingImageSize is the samples' height and width.
	SettingImageSize Setting = iota + 1
	// SettingHidden is the width of the hidden dense layers (Hidden).
	SettingHidden
	// SettingChannels is the blocks' channels (divided by SmallConvArch's
	// ratio).
	SettingChannels
)

// String names the setting as SizeError's advice does, with the API that
// changes it.
func (s Setting) String() string {
	switch s {
	case SettingImageSize:
		return "the image size"
	case SettingHidden:
		return "the hidden width (the Hidden option)"
	case SettingChannels:
		return "the channels (a larger SmallConvArch ratio)"
	}
	return fmt.Sprintf("setting %d", int(s))
}

// SizeError reports a network too large for its input, found by CheckInput
// (and so Build) or Summary before any memory is allocated: a layer with
// more than MaxLayerParams parameters, counts that overflow int64, or a
// network that needs more than MaxNetworkBytes.
type SizeError struct {
	Sample []int // the sample shape (C,H,W) the network was sized for
	// Layer is the layer that is too large, or "" when the network as a
	// whole is.
	Layer string
	// Overflow is true when Layer's counts (with Layer "", the network's
	// totals) overflow int64; Params, Bytes and Limit are then zero.
	Overflow bool
	// Params is Layer's parameter count, or the network's when Layer is "".
	Params int64
	// Bytes is the memory the network needs, as float32, for its
	// parameters, their gradients and one sample's activations, when that
	// is what is too large (Layer ""); else zero.
	Bytes float64
	// Limit is what was passed: MaxLayerParams parameters for a layer,
	// MaxNetworkBytes bytes for the network.
	Limit int64
	// Lower lists the settings that shrink what is too large, the most
	// direct first.
	Lower []Setting
}

// Error says what is too large, by how much, and which settings to lower.
func (e *SizeError) Error() string {
	names := make([]string, len(e.Lower))
	for i, s := range e.Lower {
		names[i] = s.String()
	}
	fix := "lower " + orList(names)
	in := kernels.ShapeString(e.Sample)
	switch {
	case e.Overflow && e.Layer == "":
		return fmt.Sprintf("vgg: the network's totals for input %s overflow 64-bit counts: %s", in, fix)
	case e.Overflow:
		return fmt.Sprintf("vgg: layer %s: its parameter, FLOP or activation count for input %s overflows 64-bit counts: %s", e.Layer, in, fix)
	case e.Layer == "":
		return fmt.Sprintf("vgg: the network needs %.1f GiB for its %s parameters, their gradients and one %s image's activations, more than the %d GiB limit: %s",
			e.Bytes/(1<<30), count(e.Params), in, e.Limit>>30, fix)
	}
	return fmt.Sprintf("vgg: layer %s would have %s parameters for input %s, more than the %s one layer may have: %s",
		e.Layer, count(e.Params), in, count(e.Limit), fix)
}

// lowerFor lists the settings that shrink a layer of the given Summary
// kind.
func lowerFor(kind string) []Setting {
	switch {
	case strings.HasPrefix(kind, "dense"):
		return []Setting{SettingHidden, SettingImageSize}
	case strings.HasPrefix(kind, "conv"):
		return []Setting{SettingChannels, SettingImageSize}
	}
	return []Setting{SettingImageSize}
}

// lowerAll lists the settings that shrink the network as a whole.
func lowerAll() []Setting { return []Setting{SettingImageSize, SettingHidden, SettingChannels} }

// orList joins items as "a", "a or b", "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
