//go:build linux && cgo

package cuda

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
)

// nvidiaPip is the directory of NVIDIA's wheels that `make test` installs
// and names in VGGO_NVIDIA_PIP; without it the test skips, saying so.
func nvidiaPip(t *testing.T) string {
	d := os.Getenv("VGGO_NVIDIA_PIP")
	if _, err := os.Stat(d); d == "" || err != nil {
		t.Skipf("NVIDIA's wheels are not installed (VGGO_NVIDIA_PIP=%q): run `make test` or `make cuda-deps`", d)
	}
	return d
}

func TestKernelArch(t *testing.T) {
	tests := []struct {
		cc        int
		supported []int
		want      string
	}{
		{90, []int{75, 80, 86, 89, 90, 100, 120}, "sm_90"},
		{80, []int{75, 80, 90}, "sm_80"},
		{130, []int{75, 80, 90, 120}, "compute_120"},
		{90, nil, "sm_90"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, kernelArch(tc.cc, tc.supported), "cc %d, supported %v", tc.cc, tc.supported)
	}
}

// TestKernelsCompileWithRealNVRTC builds every kernel source with NVIDIA's
// NVRTC for Hopper and Ampere: no warnings, a CUBIN, every kernel the
// backend looks up present as an entry point, and a KernelCache that
// compiles each architecture once.
func TestKernelsCompileWithRealNVRTC(t *testing.T) {
	rtc, err := cu.LoadNVRTC(cu.WithLibraryPath(nvidiaPip(t)), cu.WithGetenv(func(string) string { return "" }))
	require.NoError(t, err)
	defer rtc.Close()

	cache := NewKernelCache()
	for _, cc := range []int{90, 80} {
		t.Run(fmt.Sprintf("sm_%d", cc), func(t *testing.T) {
			c, err := compileKernels(rtc, cc)
			require.NoError(t, err)
			assert.Empty(t, c.Log, "NVRTC warnings")
			assert.NotEmpty(t, c.CUBIN)
			assert.Contains(t, string(c.PTX), fmt.Sprintf(".target sm_%d", cc))
			for _, k := range KernelNames() {
				assert.Regexp(t, regexp.MustCompile(`\.entry\s+`+k+`\s*\(`), string(c.PTX), "kernel %s", k)
			}

			key, calls := newKernelKey(cc, rtc.Path(), Source()), 0
			compile := func() ([]byte, error) {
				calls++
				c, err := compileKernels(rtc, cc)
				return c.Image(), err
			}
			first, err := cache.load(key, compile)
			require.NoError(t, err)
			again, err := cache.load(key, compile)
			require.NoError(t, err)
			assert.Equal(t, 1, calls, "compiled once per architecture")
			assert.Same(t, &first[0], &again[0])
			assert.Equal(t, c.CUBIN, first)
		})
	}
}
