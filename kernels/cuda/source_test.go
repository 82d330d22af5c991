package cuda

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vggo/vggo/kernels"
)

func TestCUDASourceHasEveryKernel(t *testing.T) {
	src := Source()
	for _, k := range KernelNames() {
		assert.Regexp(t, regexp.MustCompile(`extern "C" __global__ void `+k+`\(`), src, "kernel %s", k)
	}
}

// TestDropUniformMatchesCUDA compiles the device function vgg_drop_uniform
// from dropout.cu as host C++ (its arithmetic is plain 64-bit integer math
// and one exact float scaling) and checks that it returns the same bits as
// DropUniform.
func TestDropUniformMatchesCUDA(t *testing.T) {
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ is not installed; the NVRTC test still compiles dropout.cu")
	}
	src, err := os.ReadFile("dropout.cu")
	require.NoError(t, err)
	fn := regexp.MustCompile(`(?s)__device__ __forceinline__ float vgg_drop_uniform.*?\n}\n`).Find(src)
	require.NotNil(t, fn, "vgg_drop_uniform not found in dropout.cu")

	seeds := []uint64{0, 1, 42, 0xDEADBEEFCAFEF00D, ^uint64(0)}
	var prog strings.Builder
	prog.WriteString("#include <stdio.h>\n#include <string.h>\n#define __device__\n#define __forceinline__ inline\n")
	prog.Write(fn)
	prog.WriteString("int main(void) {\n")
	var want strings.Builder
	for _, s := range seeds {
		for _, i := range []int{0, 1, 2, 1000, 123456789} {
			fmt.Fprintf(&prog, "{ float u = vgg_drop_uniform(%dULL, %dLL); unsigned b; memcpy(&b, &u, 4); printf(\"%%08x\\n\", b); }\n", s, i)
			fmt.Fprintf(&want, "%08x\n", math.Float32bits(kernels.DropUniform(s, i)))
		}
	}
	prog.WriteString("return 0; }\n")

	dir := t.TempDir()
	cfile, bin := filepath.Join(dir, "drop.cc"), filepath.Join(dir, "drop")
	require.NoError(t, os.WriteFile(cfile, []byte(prog.String()), 0o644))
	out, err := exec.Command(cxx, "-O2", "-ffp-contract=off", "-o", bin, cfile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	got, err := exec.Command(bin).Output()
	require.NoError(t, err)
	assert.Equal(t, want.String(), string(got))
}
