package cpu

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// gemmBench runs one sgemm shape on every worker at once, as the
// convolutions do (one image per worker).
type gemmBench struct {
	b                      *Backend
	transA, transB         bool
	m, n, k, lda, ldb, ldc int
	a, bm                  []float32
	c                      [][]float32
}

func (g *gemmBench) do(w, _ int) {
	g.b.gemm.sgemm(g.transA, g.transB, g.m, g.n, g.k, g.a, g.lda, g.bm, g.ldb, 0, g.c[w], g.ldc)
}

// BenchmarkSGEMM is the sgemm ceiling of each convolution of VGG-11/4 at
// 224: the per-image sgemm shapes of forward (K x PQ x CRS), backward data
// (CRS x PQ x K) and backward filter (K x CRS x PQ), run on all workers
// concurrently, without im2col or any other pass. fwd_t is the transposed
// forward product yᵀ = colᵀ·wᵀ (PQ x K x CRS), an alternative layout that
// would need a transposing pass over the output.
func BenchmarkSGEMM(b *testing.B) {
	layers := []struct{ c, k, side int }{{16, 32, 112}, {32, 64, 56}, {64, 64, 56}, {64, 128, 28}, {128, 128, 28}, {128, 128, 14}}
	for _, l := range layers {
		crs, pq := l.c*9, l.side*l.side
		for _, s := range []struct {
			name           string
			transA, transB bool
			m, n, k        int
			lda, ldb, ldc  int
		}{
			{"fwd", false, false, l.k, pq, crs, crs, pq, pq},
			{"fwd_t", true, true, pq, l.k, crs, pq, crs, l.k},
			{"bwd_data", true, false, crs, pq, l.k, crs, pq, pq},
			{"bwd_filter", false, true, l.k, crs, pq, pq, pq, crs},
		} {
			b.Run(fmt.Sprintf("%s/c%d_k%d_%d", s.name, l.c, l.k, l.side), func(b *testing.B) {
				be, err := New()
				require.NoError(b, err)
				defer be.Close()
				g := &gemmBench{b: be, transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, lda: s.lda, ldb: s.ldb, ldc: s.ldc,
					a: make([]float32, s.m*s.k), bm: make([]float32, s.k*s.n)}
				for range be.Workers() {
					g.c = append(g.c, make([]float32, s.m*s.n))
				}
				for i := range g.a {
					g.a[i] = float32(i%7) * 0.1
				}
				for i := range g.bm {
					g.bm[i] = float32(i%5) * 0.1
				}
				for b.Loop() {
					be.pool.run(g, be.Workers())
				}
				flop := 2 * float64(s.m*s.n*s.k) * float64(be.Workers())
				b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
