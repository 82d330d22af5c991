package cpu

import (
	"fmt"
	"testing"
)

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
