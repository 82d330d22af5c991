//go:build linux && cgo

package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
)

// TestNewWithoutDriver checks, on a machine without the NVIDIA driver, that
// New fails with an error that names libcuda and where it was looked for.
func TestNewWithoutDriver(t *testing.T) {
	b, err := New(0, WithLibraryOptions(cu.WithGetenv(func(string) string { return "" })))
	if err == nil {
		require.NoError(t, b.Close())
		t.Skip("a usable GPU is present: the missing-driver path cannot be exercised here")
	}
	var le *cu.LibraryError
	require.ErrorAs(t, err, &le, "%v", err)
	assert.Equal(t, "libcuda.so.1", le.Name)
	r := Reason(err)
	assert.Contains(t, r, "cannot load libcuda.so.1")
	assert.Contains(t, r, "system search")
	assert.Contains(t, r, "install the NVIDIA driver")
	assert.Contains(t, r, "use the CPU backend")
	assert.NotContains(t, r, "-device", "the library names no command-line flag")
}

func TestNewRejectsNegativeOrdinal(t *testing.T) {
	_, err := New(-1)
	assert.ErrorContains(t, err, "negative")
}

func TestCUDAMajors(t *testing.T) {
	assert.Equal(t, []int{13, 12}, cudaMajors(13000))
	assert.Equal(t, []int{13, 12}, cudaMajors(13020))
	assert.Equal(t, []int{12}, cudaMajors(12080))
}
