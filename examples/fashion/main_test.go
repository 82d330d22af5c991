package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/internal/standintest"
	"github.com/vggo/vggo/vgg"
)

// writeFixture writes a small random Fashion-MNIST-shaped data set (28x28
// images, labels 0..9) into dir.
func writeFixture(t *testing.T, dir string, train, test int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, split := range []struct {
		name string
		n    int
	}{{"train", train}, {"t10k", test}} {
		img := binary.BigEndian.AppendUint32([]byte{0, 0, 8, 3}, uint32(split.n))
		img = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(img, 28), 28)
		lbl := binary.BigEndian.AppendUint32([]byte{0, 0, 8, 1}, uint32(split.n))
		for range split.n * 28 * 28 {
			img = append(img, byte(rng.IntN(256)))
		}
		for range split.n {
			lbl = append(lbl, byte(rng.IntN(10)))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, split.name+"-images-idx3-ubyte"), img, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, split.name+"-labels-idx1-ubyte"), lbl, 0o644))
	}
}

// buildExample compiles this command into a temporary directory.
func buildExample(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fashion")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// tinyFlags train a 64x narrower VGG-11 on 32x32 images on the CPU.
func tinyFlags(data, ckpt string) []string {
	return []string{"-data", data, "-resize", "32", "-ratio", "64", "-hidden", "16", "-batch-size", "8",
		"-device", "cpu", "-lr", "0.05", "-checkpoint", ckpt}
}

// lineWatcher collects a stream line by line and lets a test wait for a
// line.
type lineWatcher struct {
	lines chan string
	all   bytes.Buffer
}

func watch(t *testing.T, r io.Reader) *lineWatcher {
	b := &lineWatcher{lines: make(chan string, 1<<16)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			b.lines <- sc.Text()
		}
		close(b.lines)
	}()
	return b
}

// waitFor returns once a line containing s arrives.
func (b *lineWatcher) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-b.lines:
			if !ok {
				t.Fatalf("output ended before %q:\n%s", s, b.all.String())
			}
			b.all.WriteString(line + "\n")
			if strings.Contains(line, s) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within 2 minutes:\n%s", s, b.all.String())
		}
	}
}

// rest drains the stream after the process exits.
func (b *lineWatcher) rest() string {
	for line := range b.lines {
		b.all.WriteString(line + "\n")
	}
	return b.all.String()
}

// loadInto checks that the checkpoint loads into the network the tiny
// flags describe and returns its state.
func loadInto(t *testing.T, path string) *vgg.TrainState {
	t.Helper()
	arch, err := vgg.ArchByName("vgg11")
	require.NoError(t, err)
	net, err := vgg.VGG(vgg.SmallConvArch(arch, 64), vgg.Hidden(16))
	require.NoError(t, err)
	require.NoError(t, net.Build(device.CPU(), []int{1, 32, 32}, 1))
	st, err := net.LoadCheckpoint(path)
	require.NoError(t, err)
	require.NotNil(t, st)
	return st
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// TestCtrlC interrupts training once (finish the batch, save, exit 130),
// resumes it to the end with metrics and a plot, then interrupts twice
// (exit 130 at once, the last checkpoint intact).
func TestCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	ctrlC(t)
}

// ctrlC is TestCtrlC with extra flags added to every run of the command
// (e.g. -device gpu).
func ctrlC(t *testing.T, extra ...string) {
	t.Helper()
	flags := func(data, ckpt string, more ...string) []string {
		return append(append(tinyFlags(data, ckpt), extra...), more...)
	}
	bin := buildExample(t)
	data, ckpt := t.TempDir(), t.TempDir()
	writeFixture(t, data, 400, 40)
	path := filepath.Join(ckpt, vgg.CheckpointFile)

	// Once: stop after the first progress line.
	cmd := exec.Command(bin, flags(data, ckpt, "-epochs", "1000")...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Start())
	errs := watch(t, stderr)
	errs.waitFor(t, "epoch 1: batch ")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	code := exitCode(t, cmd.Wait())
	msg := errs.rest()
	assert.Equal(t, 130, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), msg)
	assert.Contains(t, msg, "checkpoint saved to "+path)
	assert.Contains(t, msg, "-resume -checkpoint "+ckpt)
	st := loadInto(t, path)
	assert.Positive(t, st.Step)

	// Resume and finish one more epoch than the checkpoint has.
	metrics, plot := filepath.Join(ckpt, "metrics.jsonl"), filepath.Join(ckpt, "curves.svg")
	epochs := st.Epoch + 1
	out, err := exec.Command(bin, flags(data, ckpt, "-resume", "-quiet", "-epochs", strconv.Itoa(epochs),
		"-metrics", metrics, "-plot", plot)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "resuming from "+path)
	assert.NotContains(t, string(out), ": batch ", "-quiet shows no progress")
	assert.Regexp(t, `epoch \d+, loss \d\.\d{4}, train acc \d\.\d{3}, test acc \d\.\d{3}, time \d+\.\d sec`, string(out))
	lines := strings.Split(strings.TrimSpace(readFile(t, metrics)), "\n")
	require.Len(t, lines, 1)
	var rec vgg.MetricsRecord
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec))
	assert.Equal(t, epochs, rec.Epoch)
	assert.Contains(t, readFile(t, plot), "<svg")
	assert.Equal(t, epochs, loadInto(t, path).Epoch)

	// Twice: quit at once; the checkpoint of the finished epochs survives.
	cmd = exec.Command(bin, flags(data, ckpt, "-resume", "-epochs", "1000")...)
	stderr, err = cmd.StderrPipe()
	require.NoError(t, err)
	cmd.Stdout = io.Discard
	require.NoError(t, cmd.Start())
	errs = watch(t, stderr)
	errs.waitFor(t, ": batch ")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	code = exitCode(t, cmd.Wait())
	msg = errs.rest()
	assert.Equal(t, 130, code, msg)
	assert.GreaterOrEqual(t, loadInto(t, path).Epoch, epochs)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestBadFlagsFailBeforeWork(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"negative lr", []string{"-lr", "-0.1"}, "learning rate"},
		{"batch 0", []string{"-batch-size", "0"}, "batch size 0"},
		{"unknown arch", []string{"-arch", "vgg12"}, "unknown architecture"},
		{"too small to halve", []string{"-resize", "16"}, "at least 32"},
		{"resume without dir", []string{"-resume"}, "-resume needs -checkpoint"},
		{"resume from nothing", []string{"-resume", "-checkpoint", "/nonexistent/dir"}, "no such file"},
		{"plot format", []string{"-plot", "x.gif"}, ".png or .svg"},
		{"hidden", []string{"-hidden", "0"}, "-hidden 0"},
		{"epochs 0", []string{"-epochs", "0"}, "epochs"},
		{"resize 0", []string{"-resize", "0"}, "-resize 0"},
		{"ratio 0", []string{"-ratio", "0"}, "-ratio 0"},
		{"ratio wider than the blocks", []string{"-ratio", "128"}, "0 channels"},
		{"unknown device", []string{"-device", "tpu"}, "unknown device"},
		{"negative limit", []string{"-train-limit", "-1"}, "-train-limit"},
		{"precision", []string{"-precision", "fp16"}, "-precision"},
		{"huge hidden", []string{"-hidden", "1099511627776", "-resize", "32"}, "dense0"},
		{"huge resize", []string{"-resize", "65536"}, "lower the hidden width (-hidden) or the image size (-resize)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			c, err := parseFlags(append(tt.args, "-data", "/nonexistent/data"), &stderr)
			if err == nil {
				err = run(t.Context(), c, io.Discard, io.Discard)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "fashionmnist", "failed before reading data")
		})
	}
}

func TestSummaryFlag(t *testing.T) {
	c, err := parseFlags([]string{"-summary", "-ratio", "1", "-arch", "vgg16"}, io.Discard)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), c, &out, io.Discard))
	assert.Contains(t, out.String(), "VGG-16, batch 128:")
	assert.Contains(t, out.String(), "features.28")
	assert.Contains(t, out.String(), "VGG-16 vs AlexNet")
}

func TestShapesFlagPrintsTheBookWalk(t *testing.T) {
	c, err := parseFlags([]string{"-shapes"}, io.Discard)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), c, &out, io.Discard))
	want := []string{
		"(1, 64, 112, 112)", "(1, 128, 56, 56)", "(1, 256, 28, 28)", "(1, 512, 14, 14)", "(1, 512, 7, 7)",
		"(1, 4096)", "(1, 4096)", "(1, 4096)", "(1, 4096)", "(1, 10)",
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(want))
	for i, l := range lines {
		assert.True(t, strings.HasSuffix(l, "output shape:\t"+want[i]), l)
	}
}

func TestDefaultsAreTheBooks(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 0.05, c.lr)
	assert.Equal(t, 5, c.epochs)
	assert.Equal(t, 128, c.batchSize)
	assert.Equal(t, 224, c.resize)
	assert.Equal(t, 4, c.ratio)
	assert.Equal(t, "auto", c.device)
	assert.Equal(t, "vgg11", c.arch)
}

func TestMissingDataSaysHowToFix(t *testing.T) {
	c, err := parseFlags([]string{"-data", t.TempDir(), "-resize", "32", "-device", "cpu"}, io.Discard)
	require.NoError(t, err)
	err = run(t.Context(), c, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "train-images-idx3-ubyte")
	assert.Contains(t, err.Error(), "dataset-fashion-mnist")
}

// TestNoGPUSaysRunOnTheCPU asks for a GPU where none is usable (as on CI):
// the error names the -device flag and the way out. On the CPU stand-in it
// reruns itself with the stand-in reporting no device.
func TestNoGPUSaysRunOnTheCPU(t *testing.T) {
	if g, err := device.GPU(0); err == nil {
		desc := g.Description()
		require.NoError(t, g.Close())
		if standintest.IsStandin(desc) {
			standintest.RunWithoutDevices(t)
			return
		}
		t.Skip("a usable GPU is present")
	}
	for _, spec := range []string{"gpu", "gpu:0"} {
		t.Run(spec, func(t *testing.T) {
			c, err := parseFlags([]string{"-device", spec, "-resize", "32", "-data", "/nonexistent/data"}, io.Discard)
			require.NoError(t, err)
			err = run(t.Context(), c, io.Discard, io.Discard)
			assert.ErrorIs(t, err, device.ErrNoGPU)
			assert.ErrorContains(t, err, "-device "+spec+": gpu(0): no usable GPU: ")
			assert.True(t, strings.HasSuffix(err.Error(), "; run with -device cpu"), err.Error())
		})
	}
}

// TestLibraryErrorsInFlags checks that each typed error of vgg and device,
// which gives its fix in API terms, reaches the user in flags.
func TestLibraryErrorsInFlags(t *testing.T) {
	c, err := parseFlags([]string{"-device", "gpu:1"}, io.Discard)
	require.NoError(t, err)
	cause := errors.New("cause")
	saved := &vgg.TrainState{Epoch: 1, Batch: 1, Seed: 1, BatchSize: 8, TrainLen: 16, Sample: []int{1, 32, 32}}
	all := []vgg.Setting{vgg.SettingImageSize, vgg.SettingHidden, vgg.SettingChannels}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"GPU missing", &device.GPUError{Index: 1, Reason: "cannot load libcuda.so.1", Err: cause},
			"-device gpu:1: gpu(1): no usable GPU: cannot load libcuda.so.1; run with -device cpu"},
		{"GPU self-check", &device.GPUError{Index: 1, Reason: "self-check against the reference backend failed: GEMM output 3", SelfCheck: true, Err: cause},
			"-device gpu:1: gpu(1): no usable GPU: self-check against the reference backend failed: GEMM output 3; " +
				"the GPU libraries are unusable on this card: try -precision fp32, another driver or cuDNN, or run with -device cpu"},
		{"checkpoint exists", &vgg.CheckpointExistsError{Path: "ckpt/checkpoint.safetensors"},
			"checkpoint ckpt/checkpoint.safetensors exists: pass -resume to continue it, or remove it / choose another -checkpoint directory"},
		{"resume: image size", &vgg.ResumeError{Checkpoint: "c", Mismatch: vgg.MismatchSample, Saved: saved, Sample: []int{1, 64, 64}},
			"checkpoint c was trained on samples (1, 32, 32), these flags give (1, 64, 64): resume with -resize 32"},
		{"resume: examples", &vgg.ResumeError{Checkpoint: "c", Mismatch: vgg.MismatchTrainLen, Saved: saved, TrainLen: 8},
			"checkpoint c was trained on 16 examples, these flags give 8: resume on the same data (the same -data and -train-limit)"},
		{"resume: seed", &vgg.ResumeError{Checkpoint: "c", Mismatch: vgg.MismatchSeed, Saved: saved, Seed: 2},
			"checkpoint c was trained with -seed 1, this run has -seed 2: resume with -seed 1"},
		{"resume: batch size", &vgg.ResumeError{Checkpoint: "c", Mismatch: vgg.MismatchBatchSize, Saved: saved, BatchSize: 4},
			"checkpoint c stopped in the middle of epoch 2 with -batch-size 8, this run has -batch-size 4: resume with -batch-size 8"},
		{"resume: batches", &vgg.ResumeError{Checkpoint: "c", Mismatch: vgg.MismatchBatches, Saved: saved, Batches: 1},
			"checkpoint c stopped after batch 1 of epoch 2, but the training set has only 1 batches: resume on the same data (the same -data and -train-limit)"},
		{"layer too large", &vgg.SizeError{Sample: []int{1, 224, 224}, Layer: "dense0", Params: 1 << 32, Limit: vgg.MaxLayerParams, Lower: []vgg.Setting{vgg.SettingHidden, vgg.SettingImageSize}},
			"-resize 224 (224x224 inputs): layer dense0 would have 4294967296 parameters, more than the 2147483648 one layer may have: lower the hidden width (-hidden) or the image size (-resize)"},
		{"conv overflow", &vgg.SizeError{Sample: []int{1, 224, 224}, Layer: "block1.conv0", Overflow: true, Lower: []vgg.Setting{vgg.SettingChannels, vgg.SettingImageSize}},
			"-resize 224 (224x224 inputs): layer block1.conv0: its parameter, FLOP or activation count overflows 64-bit integers: lower the channels (raise -ratio) or the image size (-resize)"},
		{"pool overflow", &vgg.SizeError{Sample: []int{1, 224, 224}, Layer: "block1.pool", Overflow: true, Lower: []vgg.Setting{vgg.SettingImageSize}},
			"-resize 224 (224x224 inputs): layer block1.pool: its parameter, FLOP or activation count overflows 64-bit integers: lower the image size (-resize)"},
		{"network memory", &vgg.SizeError{Sample: []int{1, 224, 224}, Params: 1000, Bytes: 100 << 30, Limit: vgg.MaxNetworkBytes, Lower: all},
			"-resize 224 (224x224 inputs): the network needs 100.0 GiB for its 1000 parameters, their gradients and one image's activations, more than the 64 GiB limit: " +
				"lower the image size (-resize), the hidden width (-hidden) or the channels (raise -ratio)"},
		{"network overflow", &vgg.SizeError{Sample: []int{1, 224, 224}, Overflow: true, Lower: all},
			"-resize 224 (224x224 inputs): the network's counts overflow 64-bit integers: lower the image size (-resize), the hidden width (-hidden) or the channels (raise -ratio)"},
		{"checkpoint of another network", &vgg.CheckpointError{File: "c", Problems: []string{"dense0: shape"}},
			"vgg: checkpoint c does not fit this network (load it into a network built like the one that saved it, or train from scratch):\n  dense0: shape\n" +
				"resume with the flags it was trained with (the same -arch, -ratio, -hidden and -resize), or train from scratch without -resume"},
		{"checkpoint of another architecture", &vgg.CheckpointError{File: "c", Problems: []string{"arch"}, Trained: vgg.Arch{{Convs: 1, Channels: 2}}, Network: vgg.Arch{{Convs: 1, Channels: 4}}},
			"vgg: checkpoint c does not fit this network (load it into a network built like the one that saved it, or train from scratch):\n  arch\n" +
				"resume with the -arch and -ratio that give its blocks ((1, 2)) (these flags give ((1, 4))), or train from scratch without -resume"},
		{"interrupted without a checkpoint", &vgg.InterruptedError{Epoch: 2, Batch: 3},
			"training interrupted in epoch 2 after 3 batches; no checkpoint saved (pass -checkpoint DIR to keep progress)"},
		{"no data", &fashionmnist.NotFoundError{Dir: "/d", Missing: []string{"x"}},
			"fashionmnist: no x in /d: install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or load the data from a directory that holds the four IDX files; " +
				"pass that directory as -data DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := withFlagAdvice(c, tc.err)
			assert.EqualError(t, got, tc.want)
			assert.ErrorIs(t, got, tc.err, "the library's error stays in the chain")
		})
	}
	assert.Same(t, cause, withFlagAdvice(c, cause), "other errors pass as they are")
	interrupted := &vgg.InterruptedError{Epoch: 2, Batch: 3, Checkpoint: "ckpt/checkpoint.safetensors"}
	assert.Same(t, interrupted, withFlagAdvice(c, interrupted), "main says how to resume a saved interruption")
	assert.ErrorIs(t, withFlagAdvice(c, &vgg.InterruptedError{}), vgg.ErrInterrupted, "main still sees the interruption")
}

// TestResumeAdviceNamesTheFlag trains one epoch into a checkpoint, then runs
// again with flags that cannot continue it: each error names the flag to
// change.
func TestResumeAdviceNamesTheFlag(t *testing.T) {
	data, ckpt := t.TempDir(), t.TempDir()
	writeFixture(t, data, 16, 8)
	path := filepath.Join(ckpt, vgg.CheckpointFile)
	first := func(args ...string) []string {
		return append(append(tinyFlags(data, ckpt), "-epochs", "1", "-quiet"), args...)
	}
	c, err := parseFlags(first(), io.Discard)
	require.NoError(t, err)
	require.NoError(t, run(t.Context(), c, io.Discard, io.Discard))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no -resume", nil, "checkpoint " + path + " exists: pass -resume to continue it, or remove it / choose another -checkpoint directory"},
		{"-seed", []string{"-resume", "-epochs", "2", "-seed", "2"}, "checkpoint " + path + " was trained with -seed 1, this run has -seed 2: resume with -seed 1"},
		{"-resize", []string{"-resume", "-epochs", "2", "-resize", "64"}, "these flags give (1, 64, 64): resume with -resize 32"},
		{"-train-limit", []string{"-resume", "-epochs", "2", "-train-limit", "8"}, "was trained on 16 examples, these flags give 8: resume on the same data (the same -data and -train-limit)"},
		{"-hidden", []string{"-resume", "-epochs", "2", "-hidden", "8"}, "\nresume with the flags it was trained with (the same -arch, -ratio, -hidden and -resize), or train from scratch without -resume"},
		{"-arch", []string{"-resume", "-epochs", "2", "-arch", "vgg13"}, "\nresume with the -arch and -ratio that give its blocks ((1, 1), (1, 2), (2, 4), (2, 8), (2, 8)) (these flags give ((2, 1), (2, 2), (2, 4), (2, 8), (2, 8)))"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseFlags(first(tc.args...), io.Discard)
			require.NoError(t, err)
			err = run(t.Context(), c, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDeterministicFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"-deterministic"}, true}, {[]string{"-deterministic=false"}, false}} {
		c, err := parseFlags(tc.args, io.Discard)
		require.NoError(t, err)
		assert.Equal(t, tc.want, c.deterministic, "%q", tc.args)
	}
}
