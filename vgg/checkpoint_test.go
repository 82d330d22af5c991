package vgg

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/internal/safetensors"
	"github.com/vggo/vggo/kernels"
)

// shuffled serves memData in a new order each epoch, drawn from (seed,
// epoch) like the Fashion-MNIST Dataset, so resume tests see shuffling.
type shuffled struct {
	*memData
	seed uint64
}

func (d shuffled) Batch(e, i, bs int, x, labels []float32) (int, error) {
	perm := rand.New(rand.NewPCG(d.seed, uint64(e))).Perm(d.Len())
	per := kernels.Numel(d.shape)
	n := min(bs, d.Len()-i*bs)
	for j := range n {
		k := perm[i*bs+j]
		copy(x[j*per:(j+1)*per], d.x[k*per:(k+1)*per])
		labels[j] = d.labels[k]
	}
	return n, nil
}

// weights copies every parameter to the host, by name.
func weights(t *testing.T, net *Network) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for _, p := range net.Params() {
		v := make([]float32, p.Value.Len())
		require.NoError(t, net.Device().Ops().CopyOut(v, p.Value))
		out[p.Name] = v
	}
	return out
}

// zeroSeconds drops the wall times, which differ between runs.
func zeroSeconds(h History) History {
	out := append(History(nil), h...)
	for i := range out {
		out[i].Seconds = 0
	}
	return out
}

// stopAfter is a Progress that cancels training after a number of batches
// of the run.
type stopAfter struct {
	cancel  context.CancelFunc
	batches int
	events  []string
}

func (p *stopAfter) StartEpoch(epoch, batches, done int) {
	p.events = append(p.events, "start")
}

func (p *stopAfter) Batch(done, images int) {
	p.batches--
	if p.batches == 0 {
		p.cancel()
	}
}
func (p *stopAfter) EndEpoch(EpochStats) { p.events = append(p.events, "end") }
func (p *stopAfter) Finish()             { p.events = append(p.events, "finish") }

// TestResumeIsExact trains 2 epochs straight, and the same run stopped and
// resumed (at an epoch boundary, in the middle of an epoch, and during a test
// pass) in fresh networks: the weights must agree bit for bit and the
// histories but for wall times.
func TestResumeIsExact(t *testing.T) {
	train := shuffled{blobs(80, 8, 1), 11}
	test := blobs(24, 8, 2)
	base := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 2, BatchSize: 16, Seed: 42}

	straight := tinyNet(t, 0.5)
	want, err := base.Fit(straight, train, test)
	require.NoError(t, err)
	wantW := weights(t, straight)

	tests := []struct {
		name      string
		firstRun  func(dir string) error
		wantEpoch int
		wantBatch int
	}{
		{"after one epoch", func(dir string) error {
			tr := base
			tr.Epochs, tr.Checkpoint = 1, dir
			_, err := tr.Fit(tinyNet(t, 0.5), train, test)
			return err
		}, 1, 0},
		{"in the middle of an epoch", func(dir string) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tr := base
			tr.Checkpoint, tr.Context, tr.Progress = dir, ctx, &stopAfter{cancel: cancel, batches: 7}
			_, err := tr.Fit(tinyNet(t, 0.5), train, test)
			return err
		}, 1, 2},
		{"after the last batch of an epoch", func(dir string) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tr := base
			tr.Checkpoint, tr.Context, tr.Progress = dir, ctx, &stopAfter{cancel: cancel, batches: 5}
			_, err := tr.Fit(tinyNet(t, 0.5), train, test)
			return err
		}, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			err := tt.firstRun(dir)
			if tt.wantBatch > 0 {
				var ie *InterruptedError
				require.ErrorAs(t, err, &ie)
				require.ErrorIs(t, err, ErrInterrupted)
				assert.Equal(t, filepath.Join(dir, CheckpointFile), ie.Checkpoint)
				assert.Contains(t, err.Error(), "checkpoint saved to "+ie.Checkpoint)
			} else {
				require.NoError(t, err)
			}
			st, err := ReadTrainState(filepath.Join(dir, CheckpointFile))
			require.NoError(t, err)
			assert.Equal(t, tt.wantEpoch, st.Epoch)
			assert.Equal(t, tt.wantBatch, st.Batch)
			assert.Equal(t, tt.wantEpoch*5+tt.wantBatch, st.Step)

			var out bytes.Buffer
			tr := base
			tr.Checkpoint, tr.Resume, tr.Out = dir, true, &out
			resumed := tinyNet(t, 0.5)
			got, err := tr.Fit(resumed, train, test)
			require.NoError(t, err)
			assert.Contains(t, out.String(), "resuming from ")
			assert.Equal(t, zeroSeconds(want), zeroSeconds(got))
			gotW := weights(t, resumed)
			for name, w := range wantW {
				require.Equal(t, w, gotW[name], "%s differs after resuming", name)
			}
			final, err := ReadTrainState(filepath.Join(dir, CheckpointFile))
			require.NoError(t, err)
			assert.Equal(t, 2, final.Epoch)
			assert.Equal(t, 10, final.Step)
		})
	}
}

func TestResumeRefusesADifferentRun(t *testing.T) {
	dir := t.TempDir()
	train, test := blobs(32, 8, 1), blobs(16, 8, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := Trainer{Device: device.CPU(), LR: 0.1, Epochs: 2, BatchSize: 8, Seed: 5, Checkpoint: dir}
	tr := base
	tr.Context, tr.Progress = ctx, &stopAfter{cancel: cancel, batches: 2}
	_, err := tr.Fit(tinyNet(t, 0), train, test)
	require.ErrorIs(t, err, ErrInterrupted)

	path := filepath.Join(dir, CheckpointFile)
	tests := []struct {
		name   string
		change func(*Trainer)
		net    func() *Network
		want   []string
		train  Dataset
		check  func(t *testing.T, err error) // the typed error's facts, or nil
	}{
		{"image size", func(*Trainer) {}, nil, []string{"trained on samples (1, 8, 8), this training set has (1, 9, 9)", "the same image size"}, blobs(32, 9, 1),
			resumeMismatch(path, MismatchSample, func(e *ResumeError) [2]any { return [2]any{e.Saved.Sample, e.Sample} }, []int{1, 8, 8}, []int{1, 9, 9})},
		{"training set size", func(*Trainer) {}, nil, []string{"trained on 32 examples, this training set has 40", "the same training set"}, blobs(40, 8, 1),
			resumeMismatch(path, MismatchTrainLen, func(e *ResumeError) [2]any { return [2]any{e.Saved.TrainLen, e.TrainLen} }, 32, 40)},
		{"fewer examples after an epoch", func(*Trainer) {}, nil, []string{"trained on 32 examples, this training set has 24"}, blobs(24, 8, 1),
			resumeMismatch(path, MismatchTrainLen, func(e *ResumeError) [2]any { return [2]any{e.Saved.TrainLen, e.TrainLen} }, 32, 24)},
		{"seed", func(tr *Trainer) { tr.Seed = 6 }, nil, []string{"seed 5", "seed 6", "Trainer.Seed"}, nil,
			resumeMismatch(path, MismatchSeed, func(e *ResumeError) [2]any { return [2]any{e.Saved.Seed, e.Seed} }, uint64(5), uint64(6))},
		{"batch size mid-epoch", func(tr *Trainer) { tr.BatchSize = 4 }, nil, []string{"batch size 8", "Trainer.BatchSize"}, nil,
			resumeMismatch(path, MismatchBatchSize, func(e *ResumeError) [2]any { return [2]any{e.Saved.BatchSize, e.BatchSize} }, 8, 4)},
		{"no directory", func(tr *Trainer) { tr.Checkpoint = "" }, nil, []string{"needs a checkpoint directory"}, nil, nil},
		{"missing file", func(tr *Trainer) { tr.Checkpoint = t.TempDir() }, nil, []string{"no such file"}, nil, nil},
		{"other network", func(*Trainer) {}, func() *Network {
			net, err := VGG(Arch{{1, 4}, {2, 5}}, Hidden(12), Classes(3), DropoutRate(0))
			require.NoError(t, err)
			return net
		}, []string{
			"does not fit this network",
			"features.0.weight: shape (3, 1, 3, 3) in the file, (4, 1, 3, 3) in the network",
			"classifier.6.weight: shape (4, 12) in the file, (3, 12) in the network",
			`"arch": trained with blocks ((1, 3), (2, 5)), the network has ((1, 4), (2, 5))`,
		}, nil, func(t *testing.T, err error) {
			var ce *CheckpointError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, path, ce.File)
			assert.Equal(t, Arch{{1, 3}, {2, 5}}, ce.Trained)
			assert.Equal(t, Arch{{1, 4}, {2, 5}}, ce.Network)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := base
			tr.Resume = true
			tt.change(&tr)
			net := tinyNet(t, 0)
			if tt.net != nil {
				net = tt.net()
			}
			data, testData := Dataset(train), Dataset(test)
			if tt.train != nil {
				data, testData = tt.train, blobs(16, tt.train.SampleShape()[1], 2)
			}
			_, err := tr.Fit(net, data, testData)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

// resumeMismatch checks that an error is a *ResumeError about the
// checkpoint at path with the given mismatch, whose two sides (the
// checkpoint's and the run's, as sides reads them) are saved and run.
func resumeMismatch(path string, m Mismatch, sides func(*ResumeError) [2]any, saved, run any) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var re *ResumeError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, path, re.Checkpoint)
		assert.Equal(t, m, re.Mismatch)
		assert.Equal(t, [2]any{saved, run}, sides(re))
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	dev := device.CPU()
	net := tinyNet(t, 0.5)
	require.NoError(t, net.Build(dev, []int{1, 8, 8}, 3))
	for i, d := range net.dropouts() {
		d.step = uint64(10 + i)
	}
	st := &TrainState{Epoch: 1, Batch: 3, Step: 9, Seed: 3, LR: 0.05, BatchSize: 16,
		History: History{{Epoch: 1, Loss: 1.0 / 3, TrainAcc: 0.5, TestAcc: 0.25, Seconds: 1.5}},
		Dropout: []uint64{10, 11}, LossSum: 12.345678901234567, Correct: 20, Seen: 48, Seconds: 0.1, TrainLen: 64}
	path := filepath.Join(t.TempDir(), "c.safetensors")
	require.NoError(t, net.SaveCheckpoint(path, st))
	// The file records what the network was built for.
	st.Sample, st.Arch = []int{1, 8, 8}, Arch{{1, 3}, {2, 5}}

	f, err := safetensors.Open(path)
	require.NoError(t, err)
	var names []string
	for _, info := range f.Tensors() {
		assert.Equal(t, safetensors.F32, info.DType)
		names = append(names, info.Name)
	}
	assert.Equal(t, []string{"features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
		"features.5.weight", "features.5.bias", "classifier.0.weight", "classifier.0.bias",
		"classifier.3.weight", "classifier.3.bias", "classifier.6.weight", "classifier.6.bias"}, names)
	assert.Equal(t, "[[1,3],[2,5]]", f.Metadata()["arch"])
	assert.Equal(t, "[1,8,8]", f.Metadata()["sample_shape"])
	require.NoError(t, f.Close())

	other := tinyNet(t, 0.5)
	require.NoError(t, other.Build(dev, []int{1, 8, 8}, 99))
	got, err := other.LoadCheckpoint(path)
	require.NoError(t, err)
	assert.Equal(t, st, got)
	assert.Equal(t, weights(t, net), weights(t, other))
	assert.Equal(t, []uint64{10, 11}, other.dropoutSteps())

	weightsOnly := filepath.Join(t.TempDir(), "w.safetensors")
	require.NoError(t, net.SaveCheckpoint(weightsOnly, nil))
	got, err = other.LoadCheckpoint(weightsOnly)
	require.NoError(t, err)
	assert.Nil(t, got)
	_, err = ReadTrainState(weightsOnly)
	assert.ErrorContains(t, err, "weights file, not a training checkpoint")

	_, err = tinyNet(t, 0).LoadCheckpoint(path)
	assert.ErrorContains(t, err, "before Build")
}

// rewrite re-encodes a checkpoint after edit changes its tensors and metadata.
func rewrite(t *testing.T, src, dst string, edit func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor) {
	t.Helper()
	f, err := safetensors.Open(src)
	require.NoError(t, err)
	defer f.Close()
	var ts []safetensors.Tensor
	for _, info := range f.Tensors() {
		b := make([]byte, info.End-info.Begin)
		require.NoError(t, f.ReadBytes(info.Name, b))
		ts = append(ts, safetensors.Tensor{Name: info.Name, DType: info.DType, Shape: info.Shape, Data: b})
	}
	meta := map[string]string{}
	for k, v := range f.Metadata() {
		meta[k] = v
	}
	ts = edit(ts, meta)
	var buf bytes.Buffer
	require.NoError(t, safetensors.Encode(&buf, ts, meta))
	require.NoError(t, os.WriteFile(dst, buf.Bytes(), 0o644))
}

func TestHostileCheckpoints(t *testing.T) {
	dev := device.CPU()
	net := tinyNet(t, 0.5)
	require.NoError(t, net.Build(dev, []int{1, 8, 8}, 3))
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	require.NoError(t, net.SaveCheckpoint(good, &TrainState{Epoch: 0, Seed: 3, LR: 0.1, BatchSize: 4, Dropout: []uint64{0, 0}}))
	goodBytes, err := os.ReadFile(good)
	require.NoError(t, err)

	tests := []struct {
		name  string
		bytes func() []byte
		edit  func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor
		want  []string
	}{
		{name: "empty", bytes: func() []byte { return nil }, want: []string{"shorter than the 8-byte header length"}},
		{name: "truncated", bytes: func() []byte { return goodBytes[:len(goodBytes)-10] }, want: []string{"truncated"}},
		{name: "wrong magic", bytes: func() []byte { return append([]byte("\x89PNG\r\n\x1a\n"), goodBytes[8:]...) }, want: []string{"exceeds the"}},
		{name: "corrupted header", bytes: func() []byte {
			b := append([]byte{}, goodBytes...)
			copy(b[8+10:], "\x00\x01garbage")
			return b
		}, want: []string{"bad JSON"}},
		{name: "dtype F16", edit: func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			ts[1].DType, ts[1].Data = safetensors.F16, ts[1].Data[:6]
			ts[3].Shape = []int{1, 5}
			return ts
		}, want: []string{"features.0.bias: dtype F16, want F32", "features.0.bias: 6 bytes in the file, the network needs 12", "features.3.bias: shape (1, 5) in the file, (5,) in the network"}},
		{name: "missing and extra", edit: func(ts []safetensors.Tensor, _ map[string]string) []safetensors.Tensor {
			ts[0].Name = "features.1.weight"
			return ts
		}, want: []string{"features.0.weight: missing", "features.1.weight: in the file (F32 (3, 1, 3, 3)) but not in the network"}},
		{name: "bad state", edit: func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			meta["epoch"], meta["seed"], meta["history"], meta["lr"] = "-1", "x", "{", "NaN"
			return ts
		}, want: []string{`metadata "epoch": "-1" is not a count`, `metadata "seed": "x"`, `metadata "history": not a JSON list`, `metadata "lr": "NaN"`}},
		{name: "history disagrees", edit: func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			meta["epoch"] = "2"
			return ts
		}, want: []string{"0 epochs recorded, but epoch is 2"}},
		{name: "dropout counters", edit: func(ts []safetensors.Tensor, meta map[string]string) []safetensors.Tensor {
			meta["dropout_steps"] = "[1]"
			return ts
		}, want: []string{"1 dropout counters, the network has 2 dropout layers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".safetensors")
			if tt.bytes != nil {
				require.NoError(t, os.WriteFile(path, tt.bytes(), 0o644))
			} else {
				rewrite(t, good, path, tt.edit)
			}
			before := weights(t, net)
			_, err := net.LoadCheckpoint(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, before, weights(t, net), "a rejected checkpoint leaves the network alone")
		})
	}
}
