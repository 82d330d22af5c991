//go:build cuda

package vgg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cuda"
)

// The fault tests run a short resumed training on the CPU stand-in GPU
// (internal/cuda/standin) with one injected fault at a time: every device
// allocation of the run in turn, cuDNN and cuBLAS calls, kernel launches.
// Each run must end in a one-line error that names the backend op and the
// cause, without a panic, with nothing left alive on the device once it is
// closed, and with the checkpoint saved before the fault unchanged.

// faultKnobs are the stand-in's fault-injection variables, by fault kind.
var faultKnobs = map[string]string{
	"alloc":  "VGGO_STANDIN_FAIL_ALLOC",
	"cudnn":  "VGGO_STANDIN_FAIL_CUDNN",
	"cublas": "VGGO_STANDIN_FAIL_CUBLAS",
	"launch": "VGGO_STANDIN_FAIL_LAUNCH",
}

// faultCauses is what each kind's error must say about the cause.
var faultCauses = map[string]*regexp.Regexp{
	"alloc":  regexp.MustCompile(`cuMemAlloc\w*( failed)?: CUDA_ERROR_OUT_OF_MEMORY`),
	"cudnn":  regexp.MustCompile(`cudnn\w+ failed: CUDNN_STATUS_(INTERNAL_ERROR|EXECUTION_FAILED)`),
	"cublas": regexp.MustCompile(`cublas\w+ failed: CUBLAS_STATUS_(INTERNAL_ERROR|EXECUTION_FAILED)`),
	"launch": regexp.MustCompile(`CUDA_ERROR_LAUNCH_FAILED`),
}

// opNames matches the name of a backend op (a kernels.Ops or
// kernels.ImageLoader method) or of the backend's constructor, New.
var opNames = func() *regexp.Regexp {
	names := []string{"New"}
	for _, t := range []reflect.Type{reflect.TypeFor[kernels.Ops](), reflect.TypeFor[kernels.ImageLoader]()} {
		for i := range t.NumMethod() {
			names = append(names, t.Method(i).Name)
		}
	}
	return regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
}()

// requireStandin skips a test unless the stand-in is what runs as the GPU:
// fault injection exists only there.
func requireStandin(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("VGGO_STANDIN_DIR")
	if dir == "" {
		t.Skip("fault injection needs the CPU stand-in GPU: set VGGO_STANDIN_DIR and VGGO_CUDA_PATH to its directory (make standin; make test does it)")
	}
	if _, err := os.Stat(filepath.Join(dir, "libcuda.so.1")); err != nil {
		t.Skipf("the CPU stand-in is not built (%v): run `make standin`", err)
	}
	return dir
}

// faultNet is the small VGG of the fault runs: two blocks on 16x16 inputs.
func faultNet(t *testing.T) *Network {
	t.Helper()
	net, err := VGG(Arch{{1, 4}, {1, 8}}, Hidden(16), Classes(4), DropoutRate(0.5))
	require.NoError(t, err)
	return net
}

// faultData are the fault runs' training and test sets: two batches of 8
// images for training, one for testing, resized to 16x16 (on the device,
// through LoadImages, on the GPU).
func faultData(t *testing.T) (train, test *fashionmnist.Dataset) {
	t.Helper()
	train, err := fashionmnist.NewDataset(randomSet(16, 11), 16, true, 3)
	require.NoError(t, err)
	test, err = fashionmnist.NewDataset(randomSet(8, 12), 16, false, 3)
	require.NoError(t, err)
	return train, test
}

// faultTrainer trains faultNet for epochs on dev with a checkpoint in dir.
func faultTrainer(dev *device.Device, dir string, epochs int, resume bool) Trainer {
	return Trainer{Device: dev, LR: 0.05, Epochs: epochs, BatchSize: 8, Seed: 5, Checkpoint: dir, Resume: resume}
}

// faultResult is what one fault run saw.
type faultResult struct {
	// Stage is where the run stopped: "open" (device.GPU: New or its
	// self-check), "fit", or "done" when Fit succeeded (the fault may then
	// have hit Close).
	Stage string
	// Err is the error's text ("" when done).
	Err string
	// Fired is true when the stand-in's log shows that the fault happened.
	Fired bool
	// Close is the error of closing the device.
	Close string
	// Leaks is the stand-in's report of what was alive when the context was
	// reset.
	Leaks string
	// Panic is a recovered panic with its stack.
	Panic string
}

// kernelCache spares the in-process fault runs one NVRTC compile each.
var faultKernels = cuda.NewKernelCache()

// runFault resumes the checkpoint in dir on a fresh stand-in GPU for one
// more epoch with fault kind's knob set to n.
func runFault(t *testing.T, dir, kind string, n int) (res faultResult) {
	t.Helper()
	logs := t.TempDir()
	leaks, log := filepath.Join(logs, "leaks.txt"), filepath.Join(logs, "log.txt")
	t.Setenv("VGGO_STANDIN_LEAKS", leaks)
	t.Setenv("VGGO_STANDIN_LOG", log)
	t.Setenv(faultKnobs[kind], strconv.Itoa(n))
	defer func() {
		if p := recover(); p != nil {
			res.Panic = fmt.Sprintf("%v\n%s", p, debug.Stack())
		}
		l, _ := os.ReadFile(log)
		res.Fired = strings.Contains(string(l), fmt.Sprintf("%s=%d:", faultKnobs[kind], n))
		k, _ := os.ReadFile(leaks)
		res.Leaks = string(k)
	}()
	dev, err := device.GPU(0, cuda.WithPrecision(cuda.FP32), cuda.WithKernelCache(faultKernels))
	if err != nil {
		return faultResult{Stage: "open", Err: err.Error()}
	}
	train, test := faultData(t)
	res.Stage = "done"
	if _, err := faultTrainer(dev, dir, 2, true).Fit(faultNet(t), train, test); err != nil {
		res.Stage, res.Err = "fit", err.Error()
	}
	if err := dev.Close(); err != nil {
		res.Close = err.Error()
	}
	return res
}

// faultCheckpoint trains faultNet for one epoch on the reference backend
// and returns the checkpoint's directory and its bytes.
func faultCheckpoint(t *testing.T) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	train, test := faultData(t)
	_, err := faultTrainer(device.Ref(), dir, 1, false).Fit(faultNet(t), train, test)
	require.NoError(t, err)
	saved, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err)
	return dir, saved
}

// copyCheckpoint puts saved into a fresh checkpoint directory.
func copyCheckpoint(t *testing.T, saved []byte) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, CheckpointFile), saved, 0o644))
	return dir
}

// checkFault asserts what every fault run must give: no panic; a one-line
// error naming the op and the cause; a checkpoint that loads and is still
// the one saved before the run when the run failed (the next epoch's when
// it succeeded); and nothing alive when the context was reset, except what
// the fault itself kept: the one object whose destroy call failed when the
// fault hit Close, and everything after a sticky fault (the context then
// frees nothing until the reset, which the leak report shows happened).
func checkFault(t *testing.T, kind string, r faultResult, dir string, saved []byte) {
	t.Helper()
	require.Empty(t, r.Panic, "the run panicked")
	sticky := kind == "launch" && r.Fired
	if r.Stage == "done" && r.Close != "" {
		r.Stage, r.Err = "close", r.Close
	}
	switch {
	case sticky:
		assert.NotEmpty(t, r.Leaks, "the context was not reset: the backend did not release it")
		if r.Stage != "open" { // device.GPU closes the backend it could not use itself
			assert.Contains(t, r.Close, "is unusable for the rest of this process", "Close reports the fault")
			assert.NotContains(t, r.Close, "\n", "Close's error is one line")
		}
	case r.Stage == "close":
		assert.LessOrEqual(t, strings.Count(r.Leaks, "\n"), 1, "only the object whose destroy failed is left: %s", r.Leaks)
	default:
		assert.Empty(t, r.Leaks, "objects alive when the device was closed")
		assert.Empty(t, r.Close, "closing the device after the fault")
	}
	if r.Stage != "done" {
		require.True(t, r.Fired, "the run failed, but not because of the injected fault: %s", r.Err)
		assert.NotContains(t, r.Err, "\n", "the error is one line")
		assert.Regexp(t, opNames, r.Err, "the error names the op")
		assert.Regexp(t, faultCauses[kind], r.Err, "the error names the cause")
	}
	got, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err)
	if r.Stage == "open" || r.Stage == "fit" {
		assert.True(t, bytes.Equal(saved, got), "the failed run changed the checkpoint")
	}
	net := faultNet(t)
	train, _ := faultData(t)
	require.NoError(t, net.Build(device.Ref(), train.SampleShape(), 5))
	st, err := net.LoadCheckpoint(filepath.Join(dir, CheckpointFile))
	require.NoError(t, err, "the checkpoint loads")
	want := 1
	if r.Stage == "done" || r.Stage == "close" {
		want = 2
	}
	assert.Equal(t, want, st.Epoch)
}

// sweepFaults runs fault kind at n = 1, 2, ... until the fault no longer
// fires (n is past the run's last call of that kind), checking every run.
// It returns the number of fault points and the outcomes by stage.
func sweepFaults(t *testing.T, kind string, saved []byte) (int, map[string]int) {
	t.Helper()
	outcomes := map[string]int{}
	for n := 1; ; n++ {
		dir := copyCheckpoint(t, saved)
		var r faultResult
		t.Run(fmt.Sprintf("%s=%d", faultKnobs[kind], n), func(t *testing.T) {
			r = runFault(t, dir, kind, n)
			t.Logf("%s: %s", r.Stage, r.Err)
			checkFault(t, kind, r, dir, saved)
		})
		if !r.Fired {
			require.Equal(t, "done", r.Stage, "without a fault the run succeeds: %s", r.Err)
			return n - 1, outcomes
		}
		if r.Stage == "done" && r.Close != "" {
			r.Stage = "close"
		}
		outcomes[r.Stage]++
		if t.Failed() || n > 400 {
			t.Fatalf("stopping the sweep at %s=%d", faultKnobs[kind], n)
		}
	}
}

// inFreshProcess runs the calling test again, alone, in a process of its
// own, and reports whether this is that process. The in-process fault
// runs need the stand-in to read its knobs afresh for each run, which it
// does when the primary context becomes active: a device that another test
// of this binary keeps open would keep it active.
func inFreshProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv("VGGO_GPU_FAULT_TEST") == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "VGGO_GPU_FAULT_TEST="+t.Name())
	out, err := cmd.CombinedOutput()
	var report []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "fault points") || strings.Contains(l, "took") || strings.Contains(l, "--- FAIL") ||
			strings.Contains(l, "Error:") || strings.Contains(l, "Messages:") {
			report = append(report, strings.TrimSpace(l))
		}
	}
	t.Logf("in a process of its own:\n%s", strings.Join(report, "\n"))
	require.NoError(t, err, "%s", out)
	return false
}

// TestGPUFaultsEndCleanly sweeps out-of-memory at every device allocation
// of a resumed training epoch on the stand-in GPU (device.GPU with its
// self-check, building the network, loading the checkpoint, two training
// steps, testing, saving), and then every cuDNN and cuBLAS call in turn.
func TestGPUFaultsEndCleanly(t *testing.T) {
	requireStandin(t)
	if !inFreshProcess(t) {
		return
	}
	start := time.Now()
	_, saved := faultCheckpoint(t)
	for _, kind := range []string{"alloc", "cudnn", "cublas"} {
		t.Run(kind, func(t *testing.T) {
			n, outcomes := sweepFaults(t, kind, saved)
			t.Logf("%d %s fault points: %v", n, kind, outcomes)
			assert.Positive(t, n)
		})
	}
	t.Logf("fault sweeps took %v", time.Since(start))
}

// TestGPUFaultHelperProcess is not a test: TestGPULaunchFaults re-runs the
// test binary with it, because a launch fault is sticky for the process.
func TestGPUFaultHelperProcess(t *testing.T) {
	spec := os.Getenv("VGGO_GPU_FAULT")
	if spec == "" {
		t.Skip("helper for TestGPULaunchFaults, which needs a fresh process per fault")
	}
	kind, n, _ := strings.Cut(spec, ":")
	count, err := strconv.Atoi(n)
	require.NoError(t, err)
	r := runFault(t, os.Getenv("VGGO_GPU_FAULT_DIR"), kind, count)
	out, err := json.Marshal(r)
	require.NoError(t, err)
	fmt.Printf("FAULT-RESULT %s\n", out)
}

// TestGPULaunchFaults fails kernel launches of a resumed training epoch,
// each in a process of its own (the fault is sticky for the process, as
// on a GPU), until the launch number is past the run's last launch.
func TestGPULaunchFaults(t *testing.T) {
	requireStandin(t)
	_, saved := faultCheckpoint(t)
	for _, n := range []int{1, 5, 20, 60, 100000} {
		t.Run(fmt.Sprintf("VGGO_STANDIN_FAIL_LAUNCH=%d", n), func(t *testing.T) {
			dir := copyCheckpoint(t, saved)
			cmd := exec.Command(os.Args[0], "-test.run=^TestGPUFaultHelperProcess$", "-test.v")
			cmd.Env = append(os.Environ(), fmt.Sprintf("VGGO_GPU_FAULT=launch:%d", n), "VGGO_GPU_FAULT_DIR="+dir)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			_, js, ok := strings.Cut(string(out), "FAULT-RESULT ")
			require.True(t, ok, "%s", out)
			js, _, _ = strings.Cut(js, "\n")
			var r faultResult
			require.NoError(t, json.Unmarshal([]byte(js), &r))
			t.Logf("%s: %s (close: %s)", r.Stage, r.Err, r.Close)
			checkFault(t, "launch", r, dir, saved)
			if n == 100000 {
				assert.False(t, r.Fired)
				assert.Equal(t, "done", r.Stage)
			}
		})
	}
}

// TestTryGPUFallsBackOnASelfCheckFault: a fault during TryGPU's self-check
// (an allocation, a cuDNN convolution, the cuBLAS GEMM) gives the CPU, with
// a one-line Reason that says the self-check failed and why, and leaves
// nothing alive on the GPU.
func TestTryGPUFallsBackOnASelfCheckFault(t *testing.T) {
	requireStandin(t)
	if !inFreshProcess(t) {
		return
	}
	for _, c := range []struct {
		kind string
		n    int
		want string
	}{
		{"alloc", 2, "cuda: Alloc: 0 MiB for (2, 3, 9, 9): cuda: cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY"},
		{"cudnn", 18, "cuda: Conv2DForward: cudnn: cudnnFindConvolutionForwardAlgorithm failed: CUDNN_STATUS_INTERNAL_ERROR"},
		{"cublas", 4, "cuda: DenseForward: cublas: cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED"},
	} {
		t.Run(fmt.Sprintf("%s=%d", faultKnobs[c.kind], c.n), func(t *testing.T) {
			leaks := filepath.Join(t.TempDir(), "leaks.txt")
			t.Setenv("VGGO_STANDIN_LEAKS", leaks)
			t.Setenv(faultKnobs[c.kind], strconv.Itoa(c.n))
			dev := device.TryGPU(cuda.WithPrecision(cuda.FP32), cuda.WithKernelCache(faultKernels))
			defer dev.Close()
			assert.Equal(t, device.KindCPU, dev.Kind())
			assert.Contains(t, dev.Reason(), "self-check against the reference backend failed")
			assert.Contains(t, dev.Reason(), c.want)
			assert.NotContains(t, dev.Reason(), "\n")
			_, err := os.Stat(leaks)
			assert.True(t, os.IsNotExist(err), "the self-check's failure left objects alive")
		})
	}
}
