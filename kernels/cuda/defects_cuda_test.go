//go:build cuda

package cuda

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defect is a deliberate bug, applied to a copy of the module as one exact
// textual replacement, and the GPU test that must catch it.
type defect struct {
	name string
	// file is relative to the module root; old must occur in it exactly
	// once, so that the defect cannot silently stop applying.
	file, old, new string
	// pkg and test are the package and the test (a -run pattern) that must
	// fail with the defect.
	pkg, test string
	// env is added to the test's environment (VGGO_STANDIN_VERBOSE=1 puts
	// the stand-in's reason for an error in the output).
	env []string
	// symptom must occur in the failing test's output.
	symptom *regexp.Regexp
}

// defects are the bugs the CPU stand-in GPU must make a test catch.
var defects = []defect{
	{
		name: "GEMM with a transposed operand",
		file: "kernels/cuda/ops.go",
		old:  "b.blas.Sgemm(b.bh, cu.OpT, cu.OpN, d.Out, d.N, d.In,",
		new:  "b.blas.Sgemm(b.bh, cu.OpN, cu.OpN, d.Out, d.N, d.In,",
		pkg:  "./kernels/cuda", test: "^TestConformance$/^FP32Find$",
		symptom: regexp.MustCompile(`--- FAIL: TestConformance/FP32Find/DenseForward`),
	},
	{
		name: "CONVOLUTION instead of CROSS_CORRELATION",
		file: "internal/cuda/cudnn.go",
		old:  "C.int(strideH), C.int(strideW), 1, 1, CrossCorrelation, DataFloat)",
		new:  "C.int(strideH), C.int(strideW), 1, 1, C.VG_CUDNN_CONVOLUTION, DataFloat)",
		pkg:  "./kernels/cuda", test: "^TestConformance$/^FP32Find$",
		symptom: regexp.MustCompile(`--- FAIL: TestConformance/FP32Find/Conv2DForward`),
	},
	{
		name: "an op without its context switch",
		file: "kernels/cuda/backend.go",
		old:  "\tif err := b.drv.CtxSetCurrent(b.ctx); err != nil {\n\t\truntime.UnlockOSThread()\n",
		new:  "\tif err := error(nil); err != nil {\n\t\truntime.UnlockOSThread()\n",
		pkg:  "./kernels/cuda", test: "^TestOpsMakeTheirContextCurrent$",
		symptom: regexp.MustCompile(`cuMemAlloc_v2 failed: CUDA_ERROR_INVALID_CONTEXT \(201\)`),
	},
	{
		name: "a read-back without synchronising",
		file: "kernels/cuda/memory.go",
		old:  "\tif err := b.drv.MemcpyDtoHAsync(b.out.p, cu.DevicePtr(d.mem.ptr), bytes, b.stream); err != nil {\n\t\treturn err\n\t}\n\tif err := b.syncStream(); err != nil {\n",
		new:  "\tif err := b.drv.MemcpyDtoHAsync(b.out.p, cu.DevicePtr(d.mem.ptr), bytes, b.stream); err != nil {\n\t\treturn err\n\t}\n\tif err := error(nil); err != nil {\n",
		pkg:  "./kernels/cuda", test: "^TestCopyOutWaitsForTheDevice$",
		symptom: regexp.MustCompile(`read-back 0`),
	},
	{
		name: "a cuDNN workspace one byte short",
		file: "kernels/cuda/memory.go",
		old:  "\tsize := roundUp(bytes, 1<<20)\n",
		new:  "\tsize := bytes - 1\n",
		pkg:  "./kernels/cuda", test: "^TestConformance$/^FP32Find$", env: []string{"VGGO_STANDIN_VERBOSE=1"},
		symptom: regexp.MustCompile(`vggo standin cudnn: cudnnConvolution\w+: .* algorithm \d+ needs \d+ bytes of workspace, got \d+`),
	},
	{
		name: "vgg_bias_backward without its first __syncthreads",
		file: "kernels/cuda/elementwise.cu",
		old:  "\tpart[threadIdx.x] = s;\n\t__syncthreads();\n",
		new:  "\tpart[threadIdx.x] = s;\n",
		pkg:  "./kernels/cuda", test: "^TestStandinRunsTheProjectKernels$",
		symptom: regexp.MustCompile(`--- FAIL: TestStandinRunsTheProjectKernels/vgg_bias_backward`),
	},
}

// copyModule copies the module's files (git's tracked and untracked but not
// ignored ones: no build outputs, no .cache) under dst.
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("the defect tests copy the module with git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the working tree, or not a plain file
		}
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dst, rel), b, fi.Mode().Perm()))
	}
}

// goTest runs go test -tags cuda -count=1 -run test pkg in the module copy
// dir, with this process's environment (the stand-in's, and the shared
// build cache).
func goTest(dir, pkg, test string, env ...string) (string, error) {
	cmd := exec.Command("go", "test", "-tags", "cuda", "-count=1", "-run", test, pkg)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOFLAGS="), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// failures is the first lines of go test's output that say what failed.
func failures(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if len(keep) == 8 {
			break
		}
		if strings.Contains(l, "--- FAIL") || strings.Contains(l, "vggo standin cudnn: ") || strings.Contains(l, "Error:") || strings.Contains(l, "Messages:") ||
			strings.Contains(l, "failed:") || strings.Contains(l, "expected:") || strings.Contains(l, "actual  :") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, "\n")
}

// TestStandinCatchesDefects applies each defect to a copy of the module and
// runs the GPU test that must catch it on the stand-in: it must fail, with
// the defect's symptom. The unchanged copy passes the same tests first.
func TestStandinCatchesDefects(t *testing.T) {
	if os.Getenv("VGGO_STANDIN_DIR") == "" {
		t.Skip("the defect tests run on the CPU stand-in GPU: set VGGO_STANDIN_DIR and VGGO_CUDA_PATH to its directory (make standin; make test does it)")
	}
	if testing.Short() {
		t.Skip("the defect tests take minutes: not in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("the defect tests need the go command: %v", err)
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	copyModule(t, root, dir)

	start := time.Now()
	controlled := map[string]bool{}
	for _, d := range defects {
		if key := d.pkg + " " + d.test; !controlled[key] {
			controlled[key] = true
			out, err := goTest(dir, d.pkg, d.test)
			require.NoError(t, err, "the unchanged module fails %s, which must catch a defect:\n%s", d.test, failures(out))
		}
	}
	t.Logf("control: the unchanged copy passes the %d test runs (%v)", len(controlled), time.Since(start).Round(time.Second))

	for _, d := range defects {
		t.Run(d.name, func(t *testing.T) {
			start := time.Now()
			path := filepath.Join(dir, d.file)
			orig, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, 1, bytes.Count(orig, []byte(d.old)), "%s must hold the defect's original text exactly once", d.file)
			require.NoError(t, os.WriteFile(path, bytes.Replace(orig, []byte(d.old), []byte(d.new), 1), 0o644))
			defer func() { require.NoError(t, os.WriteFile(path, orig, 0o644)) }()
			out, err := goTest(dir, d.pkg, d.test, d.env...)
			fail := failures(out)
			t.Logf("%s caught by %s in %v:\n%s", d.name, d.test, time.Since(start).Round(time.Second), fail)
			require.Error(t, err, "the defect went unnoticed:\n%s", out)
			assert.Regexp(t, d.symptom, out)
		})
	}
}
