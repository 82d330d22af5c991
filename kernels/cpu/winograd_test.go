package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/kerneltest"
)

// TestWinogradPortablePath runs the conformance suite with the Winograd
// transforms' plain row passes, which machines without AVX-512 take (on
// one with it, TestConformance covers the AVX-512 passes).
func TestWinogradPortablePath(t *testing.T) {
	if !haveWinograd {
		t.Skip("no Winograd path in a build without cgo")
	}
	kerneltest.Run(t, func() kernels.Ops {
		b, err := New()
		require.NoError(t, err)
		b.avx512 = false
		return b
	})
}
