package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/kerneltest"
)

// TestPortablePaths runs the conformance suite without the AVX-512
// intrinsics (the Winograd transforms' row passes, the direct 3x3 first
// layer): the plain loops that machines without AVX-512 run instead. (The
// compiler picks the widest clone of those loops this CPU has, so on an
// AVX-512 machine their AVX2 and default clones are not run.)
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

func mustAlloc(t *testing.T, b *Backend, shape ...int) kernels.Tensor {
	t.Helper()
	x, err := b.Alloc(shape...)
	require.NoError(t, err)
	return x
}
