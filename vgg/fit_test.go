package vgg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

// failingData is a training set whose batch fail fails, after calling hook.
type failingData struct {
	*memData
	fail int
	hook func()
	err  error
}

func (d *failingData) Batch(e, i, bs int, x, labels []float32) (int, error) {
	if i == d.fail {
		if d.hook != nil {
			d.hook()
		}
		return 0, d.err
	}
	return d.memData.Batch(e, i, bs, x, labels)
}

// cancelAtEnd cancels the context when the given epoch ends, before Fit
// saves its checkpoint.
type cancelAtEnd struct {
	cancel context.CancelFunc
	epoch  int
}

func (p *cancelAtEnd) StartEpoch(int, int, int) {}
func (p *cancelAtEnd) Batch(int, int)           {}
func (p *cancelAtEnd) Finish()                  {}
func (p *cancelAtEnd) EndEpoch(s EpochStats) {
	if s.Epoch == p.epoch {
		p.cancel()
	}
}

// checkpointed trains one epoch into a new checkpoint directory and
// returns the directory and the file's bytes.
func checkpointed(t *testing.T, base Trainer) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	tr := base
	tr.Epochs, tr.Checkpoint = 1, dir
	_, err := tr.Fit(tinyNet(t, 0), blobs(32, 8, 1), blobs(8, 8, 2))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err)
	return dir, b
}

// TestCheckpointIsNeverLost checks the ways a run could overwrite a
// checkpoint with less: a fresh run over an existing file, and a context
// cancelled before the first batch.
func TestCheckpointIsNeverLost(t *testing.T) {
	base := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 3, BatchSize: 8, Seed: 5}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name   string
		change func(tr *Trainer)
		check  func(t *testing.T, path string, err error)
	}{
		{"fresh run over a checkpoint", func(*Trainer) {}, func(t *testing.T, path string, err error) {
			var ee *CheckpointExistsError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, CheckpointExistsError{Path: path}, *ee)
			assert.ErrorContains(t, err, "exists: resume it (Trainer.Resume) or remove it")
		}},
		{"resume with a cancelled context", func(tr *Trainer) { tr.Resume, tr.Context = true, cancelled }, func(t *testing.T, _ string, err error) {
			var ie *InterruptedError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, 2, ie.Epoch)
			assert.Equal(t, 0, ie.Batch)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, before := checkpointed(t, base)
			tr := base
			tr.Checkpoint = dir
			c.change(&tr)
			path := filepath.Join(dir, CheckpointFile)
			if !tr.Resume {
				c.check(t, path, tr.Validate())
			}
			_, err := tr.Fit(tinyNet(t, 0), blobs(32, 8, 1), blobs(8, 8, 2))
			c.check(t, path, err)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the checkpoint is untouched")
		})
	}
	t.Run("fresh run with a cancelled context", func(t *testing.T) {
		dir := t.TempDir()
		tr := base
		tr.Checkpoint, tr.Context = dir, cancelled
		net := tinyNet(t, 0)
		_, err := tr.Fit(net, blobs(32, 8, 1), blobs(8, 8, 2))
		require.ErrorIs(t, err, ErrInterrupted)
		assert.NoFileExists(t, filepath.Join(dir, CheckpointFile), "nothing trained, nothing saved")
	})
}

// TestRealErrorsAreNotInterruptions checks that an error during a batch is
// returned as is, with no checkpoint of the half-done epoch, even when the
// context was cancelled meanwhile.
func TestRealErrorsAreNotInterruptions(t *testing.T) {
	disk := errors.New("disk read failed")
	for _, c := range []struct {
		name   string
		cancel bool
	}{
		{"context cancelled meanwhile", true},
		{"context live", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			base := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 3, BatchSize: 8, Seed: 5, Context: ctx}
			dir, before := checkpointed(t, base)
			data := &failingData{memData: blobs(32, 8, 1), fail: 2, err: disk}
			if c.cancel {
				data.hook = cancel
			}
			tr := base
			tr.Checkpoint, tr.Resume = dir, true
			_, err := tr.Fit(tinyNet(t, 0), data, blobs(8, 8, 2))
			require.ErrorIs(t, err, disk)
			assert.NotErrorIs(t, err, ErrInterrupted)
			after, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
			require.NoError(t, err)
			assert.Equal(t, before, after, "no checkpoint of a failed epoch")
		})
	}
}

// TestStopDuringTheLastSaveIsSuccess cancels the context as the last epoch
// ends: the run finished, so Fit succeeds; an earlier epoch's end still
// interrupts.
func TestStopDuringTheLastSaveIsSuccess(t *testing.T) {
	for _, c := range []struct {
		name        string
		cancelAfter int
		interrupted bool
	}{
		{"last epoch", 2, false},
		{"first epoch", 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := t.TempDir()
			tr := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 2, BatchSize: 8, Seed: 5, Checkpoint: dir,
				Context: ctx, Progress: &cancelAtEnd{cancel: cancel, epoch: c.cancelAfter}}
			h, err := tr.Fit(tinyNet(t, 0), blobs(32, 8, 1), blobs(8, 8, 2))
			st, rerr := ReadTrainState(filepath.Join(dir, CheckpointFile))
			require.NoError(t, rerr)
			assert.Equal(t, c.cancelAfter, st.Epoch)
			if c.interrupted {
				assert.ErrorIs(t, err, ErrInterrupted)
				return
			}
			require.NoError(t, err)
			assert.Len(t, h, 2)
		})
	}
}

// TestNilDeviceKeepsTheNetworksDevice fits a network twice with no device
// set, then evaluates it on its device: the second Fit must not open another
// device that Build would refuse.
func TestNilDeviceKeepsTheNetworksDevice(t *testing.T) {
	train, test := blobs(32, 8, 1), blobs(8, 8, 2)
	net := tinyNet(t, 0)
	for i := range 2 {
		_, err := Trainer{LR: 0.1, Epochs: 1, BatchSize: 8, Seed: 5}.Fit(net, train, test)
		require.NoError(t, err, "fit %d", i+1)
	}
	dev := net.Device()
	require.NotNil(t, dev)
	_, err := net.Evaluate(dev, test, 8)
	require.NoError(t, err)
	_, err = Trainer{Device: dev, LR: 0.1, Epochs: 1, BatchSize: 8}.Fit(net, train, test)
	assert.NoError(t, err)
}

func TestTrainerLearnsAndPrintsBookLines(t *testing.T) {
	train, test := blobs(256, 8, 1), blobs(128, 8, 2)
	var out bytes.Buffer
	net := tinyNet(t, 0.2)
	tr := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 4, BatchSize: 32, Seed: 1, Out: &out}
	hist, err := tr.Fit(net, train, test)
	require.NoError(t, err)
	require.Len(t, hist, 4)
	assert.Greater(t, hist[3].TestAcc, 0.9, "quadrant blobs are easy")
	assert.Less(t, hist[3].Loss, hist[0].Loss)
	lines := regexp.MustCompile(`(?m)^epoch \d, loss \d\.\d{4}, train acc \d\.\d{3}, test acc \d\.\d{3}, time \d+\.\d sec$`).FindAllString(out.String(), -1)
	assert.Len(t, lines, 4, out.String())
	assert.Regexp(t, `^training on cpu\n`, out.String())
}

func TestTrainingIsDeterministic(t *testing.T) {
	train, test := blobs(64, 8, 1), blobs(32, 8, 2)
	run := func() History {
		tr := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 2, BatchSize: 16, Seed: 42}
		h, err := tr.Fit(tinyNet(t, 0.5), train, test)
		require.NoError(t, err)
		for i := range h {
			h[i].Seconds = 0
		}
		return h
	}
	assert.Equal(t, run(), run())
}

func TestInterruptWithoutCheckpoint(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 1, BatchSize: 8, Context: ctx}.Fit(tinyNet(t, 0), blobs(16, 8, 1), blobs(8, 8, 1))
	var ie *InterruptedError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, InterruptedError{Epoch: 1, Batch: 0}, *ie, "a cancelled context starts no batch")
	assert.Contains(t, err.Error(), "no checkpoint saved")
}
