//go:build linux && cgo

package cuda

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
)

// TestKernelsCompileWithRealNVRTC builds every kernels/*.cu with NVIDIA's
// NVRTC for Hopper and Ampere: no warnings, a CUBIN, and every kernel the
// backend looks up present as an entry point.
func TestKernelsCompileWithRealNVRTC(t *testing.T) {
	n, err := LoadNVRTC(WithLibraryPath(pipDir(t)), WithGetenv(noEnv))
	require.NoError(t, err)
	defer n.Close()

	for _, cc := range []int{90, 80} {
		t.Run(fmt.Sprintf("sm_%d", cc), func(t *testing.T) {
			c, err := n.Kernels(cc)
			require.NoError(t, err)
			assert.Empty(t, c.Log, "NVRTC warnings")
			assert.NotEmpty(t, c.CUBIN)
			assert.Contains(t, string(c.PTX), fmt.Sprintf(".target sm_%d", cc))
			for _, k := range kernels.CUDAKernels() {
				assert.Regexp(t, regexp.MustCompile(`\.entry\s+`+k+`\s*\(`), string(c.PTX), "kernel %s", k)
			}
			again, err := n.Kernels(cc)
			require.NoError(t, err)
			assert.Same(t, &c.CUBIN[0], &again.CUBIN[0], "compiled once per architecture")
		})
	}
}

func TestCompileErrorCarriesLog(t *testing.T) {
	n, err := LoadNVRTC(WithLibraryPath(pipDir(t)), WithGetenv(noEnv))
	require.NoError(t, err)
	defer n.Close()
	_, err = n.Compile(`extern "C" __global__ void k() { undeclared(); }`, "bad.cu", KernelOptions("sm_90")...)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "NVRTC_ERROR_COMPILATION", e.Name)
	assert.Contains(t, e.Msg, "undeclared")
}
