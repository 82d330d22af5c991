package device_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
)

// TestCPU checks that the CPU device runs the fast backend and says which
// sgemm it uses, for both values of VGGO_BLAS that always work.
func TestCPU(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"go", "pure-Go sgemm"},
		{"", "cpu: "},
	} {
		t.Run("VGGO_BLAS="+tc.env, func(t *testing.T) {
			t.Setenv("VGGO_BLAS", tc.env)
			d := device.CPU()
			defer d.Close()
			require.Equal(t, "cpu", d.Ops().Name())
			assert.Contains(t, d.Description(), tc.want)
			assert.Empty(t, d.Reason())
		})
	}
	t.Run("unknown VGGO_BLAS falls back to ref", func(t *testing.T) {
		t.Setenv("VGGO_BLAS", "mkl")
		d := device.CPU()
		defer d.Close()
		assert.Equal(t, "ref", d.Ops().Name())
		assert.Contains(t, d.Reason(), "VGGO_BLAS")
	})
}
