package vgg

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// flagName matches a command-line flag such as -resize, which the
// library's messages must not name: they give the fix in API terms.
var flagName = regexp.MustCompile(`(^|[\s(])-[a-z]`)

func TestResumeErrorGivesBothSides(t *testing.T) {
	saved := &TrainState{Epoch: 2, Batch: 7, Seed: 5, BatchSize: 8, TrainLen: 32, Sample: []int{1, 8, 8}}
	for _, c := range []struct {
		name string
		err  ResumeError
		want string
	}{
		{"sample", ResumeError{Mismatch: MismatchSample, Sample: []int{1, 9, 9}},
			"was trained on samples (1, 8, 8), this training set has (1, 9, 9): resume on samples of the same shape (the same image size)"},
		{"examples", ResumeError{Mismatch: MismatchTrainLen, TrainLen: 40},
			"was trained on 32 examples, this training set has 40: resume on the same training set"},
		{"seed", ResumeError{Mismatch: MismatchSeed, Seed: 6},
			"was trained with seed 5, this run has seed 6: resume with the same seed (Trainer.Seed: shuffling and dropout depend on it)"},
		{"batch size", ResumeError{Mismatch: MismatchBatchSize, BatchSize: 4},
			"stopped in the middle of epoch 3 with batch size 8, this run has 4: resume with batch size 8 (Trainer.BatchSize)"},
		{"batches", ResumeError{Mismatch: MismatchBatches, Batches: 5},
			"stopped after batch 7 of epoch 3, but the training set has only 5 batches: resume on the same training set"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.err.Checkpoint, c.err.Saved = "ckpt/checkpoint.safetensors", saved
			assert.Equal(t, "vgg: checkpoint ckpt/checkpoint.safetensors "+c.want, c.err.Error())
			assert.NotRegexp(t, flagName, c.err.Error())
		})
	}
}

func TestSizeErrorNamesWhatToLower(t *testing.T) {
	for _, c := range []struct {
		name string
		err  SizeError
		want string
	}{
		{"dense layer", SizeError{Layer: "dense0", Params: 3 << 31, Limit: MaxLayerParams, Lower: lowerFor("dense +relu")},
			"vgg: layer dense0 would have 6,442,450,944 parameters for input (1, 32, 32), more than the 2,147,483,648 one layer may have: lower the hidden width (the Hidden option) or the image size"},
		{"conv layer", SizeError{Layer: "block1.conv0", Overflow: true, Lower: lowerFor("conv 3x3 s1 p1 +relu")},
			"vgg: layer block1.conv0: its parameter, FLOP or activation count for input (1, 32, 32) overflows 64-bit counts: lower the channels (a larger SmallConvArch ratio) or the image size"},
		{"pool layer", SizeError{Layer: "block1.pool", Overflow: true, Lower: lowerFor("maxpool 2x2 s2")},
			"vgg: layer block1.pool: its parameter, FLOP or activation count for input (1, 32, 32) overflows 64-bit counts: lower the image size"},
		{"network totals", SizeError{Overflow: true, Lower: lowerAll()},
			"vgg: the network's totals for input (1, 32, 32) overflow 64-bit counts: lower the image size, the hidden width (the Hidden option) or the channels (a larger SmallConvArch ratio)"},
		{"network memory", SizeError{Params: 1000, Bytes: 100 << 30, Limit: MaxNetworkBytes, Lower: lowerAll()},
			"vgg: the network needs 100.0 GiB for its 1,000 parameters, their gradients and one (1, 32, 32) image's activations, more than the 64 GiB limit: " +
				"lower the image size, the hidden width (the Hidden option) or the channels (a larger SmallConvArch ratio)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.err.Sample = []int{1, 32, 32}
			assert.Equal(t, c.want, c.err.Error())
			assert.NotRegexp(t, flagName, c.err.Error())
		})
	}
}

func TestCheckpointExistsErrorSaysHowToGoOn(t *testing.T) {
	err := &CheckpointExistsError{Path: "ckpt/checkpoint.safetensors"}
	assert.EqualError(t, err, "vgg: checkpoint ckpt/checkpoint.safetensors exists: resume it (Trainer.Resume) or remove it, "+
		"or keep this run's checkpoint in another directory (Trainer.Checkpoint)")
	assert.NotRegexp(t, flagName, err.Error())
}

func TestCheckpointErrorListsAtMost20Problems(t *testing.T) {
	for _, c := range []struct {
		n       int
		more    string
		maxLine int
	}{
		{1, "", 2},
		{20, "", 21},
		{21, "... and 1 more", 22},
		{1_000_000, "... and 999980 more", 22},
	} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			e := &CheckpointError{File: "f", Problems: make([]string, c.n)}
			for i := range e.Problems {
				e.Problems[i] = fmt.Sprintf("t%d: bad", i)
			}
			msg := e.Error()
			assert.NotRegexp(t, flagName, msg)
			assert.LessOrEqual(t, strings.Count(msg, "\n")+1, c.maxLine)
			assert.Contains(t, msg, "t0: bad")
			if c.more != "" {
				assert.Contains(t, msg, c.more)
				assert.NotContains(t, msg, "t20: bad")
			} else {
				assert.NotContains(t, msg, "more")
			}
		})
	}
}
