package cpu

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
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

// TestWinogradAllocatesNothing checks that a worker's scratch is sized for
// the largest chunk of a convolution from its first chunk on: a worker whose
// first chunk is the short last one must not allocate when it later takes a
// full one (the pool hands chunks out in whatever order the workers come).
func TestWinogradAllocatesNothing(t *testing.T) {
	if !haveWinograd {
		t.Skip("no Winograd path in a build without cgo")
	}
	b, err := New()
	require.NoError(t, err)
	defer b.Close()
	const n, c, k, side = 40, 8, 8, 12
	g := newWinoGeom(n, side, side, c, k)
	require.True(t, g.chunkCount >= 2 && g.rows%g.chunkRows != 0, "the case must span chunks, the last one short")
	x, y := make([]float32, n*c*side*side), make([]float32, n*k*side*side)
	u, bias := make([]float32, 36*k*c), make([]float32, k)
	last := g.chunkCount - 1
	conv := &winoConvTask{b: b, g: g, in: x, out: y, u: u, bias: bias, relu: true, cin: c, cout: k}
	conv.do(0, last)
	assert.Zero(t, mallocs(func() { conv.do(0, 0) }), "forward or data gradient")

	// The filter gradient's pieces (17 or 18 tile rows each here) each sum
	// into their own buffer: allocate those on another worker first.
	const parts = 7
	b2, err := New()
	require.NoError(t, err)
	defer b2.Close()
	if b2.Workers() < 2 {
		t.Skip("the filter-gradient half needs two workers (GOMAXPROCS >= 2)")
	}
	filter := &winoFilterTask{b: b2, g: g, x: x, dy: y, c: c, k: k, parts: parts}
	for i := range parts {
		filter.do(1, i)
	}
	small, large := 0, 0
	for i := range parts {
		lo, hi := span(g.rows, parts, i)
		if s0, s1 := span(g.rows, parts, small); hi-lo < s1-s0 {
			small = i
		}
		if l0, l1 := span(g.rows, parts, large); hi-lo > l1-l0 {
			large = i
		}
	}
	require.NotEqual(t, small, large)
	filter.do(0, small)
	assert.Zero(t, mallocs(func() { filter.do(0, large) }), "filter gradient")
}

// mallocs counts the heap allocations of one call of f (testing.AllocsPerRun
// would not see them: it calls f once before it counts).
func mallocs(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}

func mustAlloc(t *testing.T, b *Backend, shape ...int) kernels.Tensor {
	t.Helper()
	x, err := b.Alloc(shape...)
	require.NoError(t, err)
	return x
}
