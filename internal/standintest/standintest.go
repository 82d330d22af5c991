// Package standintest helps tests run on the CPU stand-in for NVIDIA's
// libraries (internal/cuda/standin, loaded when VGGO_CUDA_PATH names
// .cache/standin). A test of what happens where no GPU is usable skips
// where a real GPU is; on the stand-in it instead reruns itself in a child
// process whose stand-in driver reports no device (VGGO_STANDIN_DEVICES=0),
// so that the fallback path runs there too.
package standintest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Name is what the stand-in calls its device (cuDeviceGetName), part of
// every description of a stand-in GPU.
const Name = "vggo CPU stand-in"

// IsStandin says whether a GPU's description is the stand-in's.
func IsStandin(description string) bool { return strings.Contains(description, Name) }

// RunWithoutDevices reruns the test t (its whole top-level test) in a child
// test process where the stand-in driver loads but cuInit reports
// CUDA_ERROR_NO_DEVICE, and fails t unless the child passes it without
// skipping. The child's output is logged.
func RunWithoutDevices(t *testing.T) {
	t.Helper()
	name := strings.SplitN(t.Name(), "/", 2)[0] // an identifier: no regexp metacharacters
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "VGGO_STANDIN_DEVICES=0")
	out, err := cmd.CombinedOutput()
	t.Logf("%s rerun with VGGO_STANDIN_DEVICES=0 (the stand-in driver with no device):\n%s", name, out)
	if err != nil {
		t.Fatalf("the rerun failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: "+name+" ") || strings.Contains(string(out), "--- SKIP: "+name+" ") {
		t.Fatalf("the rerun did not pass %s", name)
	}
}

// MainWithLeakCheck runs the tests of m with the stand-in's leak report
// (VGGO_STANDIN_LEAKS) going to a temporary file, and fails the run when
// the report is not empty at the end: every backend a test opened and
// closed must have freed all it got (device memory, pinned memory, streams,
// events, modules, cuBLAS and cuDNN handles and descriptors), since the
// stand-in reports what is alive when the primary context is released to
// zero. On a real GPU nothing writes the file. A test that leaks on purpose
// sets its own VGGO_STANDIN_LEAKS (t.Setenv) before its backend opens.
// Use it as TestMain's body: os.Exit(standintest.MainWithLeakCheck(m)).
func MainWithLeakCheck(m *testing.M) int {
	dir, err := os.MkdirTemp("", "vggo-leaks-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "standintest:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "leaks.txt")
	if err := os.Setenv("VGGO_STANDIN_LEAKS", path); err != nil {
		fmt.Fprintln(os.Stderr, "standintest:", err)
		return 2
	}
	code := m.Run()
	report, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		fmt.Fprintln(os.Stderr, "standintest: reading the leak report:", err)
		return 2
	case len(report) > 0:
		fmt.Fprintf(os.Stderr, "FAIL: the stand-in found objects alive when a closed backend released its context:\n%s", report)
		return 1
	}
	return code
}

// Dir is the directory of the built stand-in libraries: $VGGO_STANDIN_DIR
// (set by `make test`), else .cache/standin at the root of the module the
// test runs in. It skips t, saying how to build them, when they are missing.
func Dir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("VGGO_STANDIN_DIR")
	if d == "" {
		d = filepath.Join(moduleRoot(), ".cache", "standin")
	}
	for _, lib := range []string{"libcuda.so.1", "libnvrtc.so.13"} {
		if _, err := os.Stat(filepath.Join(d, lib)); err != nil {
			t.Skipf("the CPU stand-in is not built (%s missing): run `make standin`, or `make test`", filepath.Join(d, lib))
		}
	}
	return d
}

// moduleRoot is the nearest directory at or above the working directory
// that holds a go.mod ("." when there is none).
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}
