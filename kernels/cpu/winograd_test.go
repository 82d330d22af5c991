package cpu

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// BenchmarkWinogradParts times, on one core, the three parts of a Winograd
// convolution of a whole batch on the VGG-11/4 shapes at 224 (and 96): the
// input transform, the 36 sgemms and the output transform, so the cost of
// the transforms can be weighed against the sgemms they save.
func BenchmarkWinogradParts(b *testing.B) {
	be, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	for _, s := range []struct{ n, c, k, h int }{{128, 16, 32, 112}, {128, 64, 64, 56}, {128, 128, 128, 14}, {128, 128, 128, 12}} {
		g := newWinoGeom(s.n, s.h, s.h, s.c, s.k)
		x := make([]float32, s.n*s.c*s.h*s.h)
		y := make([]float32, s.n*s.k*s.h*s.h)
		T := g.chunkRows * g.tW
		v := make([]float32, 36*s.c*T)
		m := make([]float32, 36*s.k*T)
		u := make([]float32, 36*s.k*s.c)
		tmp := make([]float32, g.tmpFloats)
		chunks := func(f func(r0, r1 int)) {
			for r0 := 0; r0 < g.rows; r0 += g.chunkRows {
				f(r0, min(g.rows, r0+g.chunkRows))
			}
		}
		name := fmt.Sprintf("c%d_k%d_%dx%d", s.c, s.k, s.h, s.h)
		b.Run("input/"+name, func(b *testing.B) {
			for range b.N {
				chunks(func(r0, r1 int) { winoInput(x, v, s.c, s.h, s.h, g.tH, g.tW, r0, r1, tmp, be.avx512) })
			}
		})
		b.Run("sgemm/"+name, func(b *testing.B) {
			for range b.N {
				chunks(func(r0, r1 int) {
					T := (r1 - r0) * g.tW
					for xi := range 36 {
						be.gemm.sgemm(false, false, s.k, T, s.c, u[xi*s.k*s.c:], s.c, v[xi*s.c*T:], T, 0, m[xi*s.k*T:], T)
					}
				})
			}
		})
		b.Run("output/"+name, func(b *testing.B) {
			for range b.N {
				chunks(func(r0, r1 int) { winoOutput(m, y, nil, s.k, s.h, s.h, g.tH, g.tW, r0, r1, true, tmp, be.avx512) })
			}
		})
	}
}
