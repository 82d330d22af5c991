package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/kerneltest"
)

// TestPortablePaths runs the conformance suite without the AVX-512 code
// (the Winograd transforms' row passes, the direct 3x3 first layer), as on
// machines without AVX-512; on one with it, TestConformance covers that
// code.
func TestPortablePaths(t *testing.T) {
	if !haveWinograd {
		t.Skip("a build without cgo has no AVX-512 code")
	}
	kerneltest.Run(t, func() kernels.Ops {
		b, err := New()
		require.NoError(t, err)
		b.avx512 = false
		return b
	})
}
