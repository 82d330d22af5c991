//go:build linux && cgo

package cuda

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompileWithRealNVRTC compiles a small kernel with NVIDIA's NVRTC for
// Hopper: a CUBIN, PTX for the asked target with the entry point, no log.
func TestCompileWithRealNVRTC(t *testing.T) {
	n, err := LoadNVRTC(WithLibraryPath(pipDir(t)), WithGetenv(noEnv))
	require.NoError(t, err)
	defer n.Close()

	archs, err := n.SupportedArchs()
	require.NoError(t, err)
	assert.Contains(t, archs, 90)
	assert.IsIncreasing(t, archs)

	src := `extern "C" __global__ void scale(float *x, float a, int n) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) x[i] *= a;
}`
	c, err := n.Compile(src, "scale.cu", "--gpu-architecture=sm_90")
	require.NoError(t, err)
	assert.Empty(t, c.Log)
	assert.NotEmpty(t, c.CUBIN)
	assert.Equal(t, c.CUBIN, c.Image())
	assert.Contains(t, string(c.PTX), ".target sm_90")
	assert.Regexp(t, regexp.MustCompile(`\.entry\s+scale\s*\(`), string(c.PTX))

	// A virtual architecture gives PTX only, and Image falls back to it.
	v, err := n.Compile(src, "scale.cu", "--gpu-architecture=compute_90")
	require.NoError(t, err)
	assert.Empty(t, v.CUBIN)
	assert.Equal(t, v.PTX, v.Image())
}

func TestCompileErrorCarriesLog(t *testing.T) {
	n, err := LoadNVRTC(WithLibraryPath(pipDir(t)), WithGetenv(noEnv))
	require.NoError(t, err)
	defer n.Close()
	_, err = n.Compile(`extern "C" __global__ void k() { undeclared(); }`, "bad.cu", "--gpu-architecture=sm_90")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "NVRTC_ERROR_COMPILATION", e.Name)
	assert.Contains(t, e.Msg, "bad.cu")
	assert.Contains(t, e.Msg, "undeclared")
}
