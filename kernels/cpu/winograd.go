package cpu

import "github.com/vggo/vggo/kernels"

// Winograd F(4x4,3x3) runs the 3x3, stride-1, padding-1 convolutions of VGG
// (all but the first) with 4 times fewer multiplications than im2col +
// sgemm: each 4x4 block of outputs (a tile) comes from a 6x6 block of input,
//
//	y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// with the transforms (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016) built on the interpolation points 0, 1, -1, 1/2,
// -2 and ∞, which in float32 err about half as much as the usual 0, ±1, ±2:
//
//	Bᵀ = [1 -3/2 -2 3/2 1 0; 0 -1 1/2 5/2 1 0; 0 1 -5/2 1/2 1 0;
//	      0 -2 -1 2 1 0; 0 1/2 -1 -1/2 1 0; 0 1 -3/2 -2 3/2 1]
//	G  = [1 0 0; 1/3 1/3 1/3; -1/3 1/3 -1/3; -16/15 -8/15 -4/15; 1/15 -2/15 4/15; 0 0 1]
//	Aᵀ = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0; 0 1 -1 1/8 -8 1]
//
// Summed over input channels, the elementwise product becomes 36 sgemms,
// one per element xi of the 6x6 transformed tile:
//
//	M[xi] (K, T) = U[xi] (K, C) · V[xi] (C, T)
//
// over a chunk of T tiles, U the transformed filters and V the transformed
// input tiles. The data gradient is the same convolution of dy with the
// filters turned by 180 degrees and K and C swapped. The filter gradient is
// its adjoint: dw = Gᵀ [ Σ_tiles (A e Aᵀ) ⊙ (Bᵀ d B) ] G, e the 4x4 tile of
// dy, i.e. 36 sgemms S[xi] (K, C) += Z[xi] (K, T) · V[xi] (C, T)ᵀ.
//
// In float32 the transforms cost some accuracy: on the conformance suite's
// O(1) data the worst error is 1/4 to 1/2 of the Conv2D bounds of
// kerneltest's table (the points 0, ±1, ±2 reached 1/2 to 1).
//
// Chunks are whole rows of tiles (tile row r is row r%tH of image r/tH) so
// the transforms run along contiguous memory.

// A chunk holds about winoBytes of transformed tiles (V and M, or V and Z),
// so they stay in the core's L2 cache between the transforms and the
// sgemms; but at least winoMinTiles tiles, so the sgemms are not slivers,
// and at most winoMaxTiles, both rounded down to whole tile rows, and at
// least one tile row (which is more than winoBytes for wide images with
// many channels: 56 tiles of 64+64 channels at 224). At 224 the
// convolutions ran 1.2 times faster than with chunks of 256 tiles whatever
// the channels (then 4.7 MB at 128 channels).
const (
	winoBytes    = 512 << 10
	winoMinTiles = 16
	winoMaxTiles = 512
)

// winoMinChannels is the fewest input and output channels that take the
// Winograd path: with fewer, the 36 sgemms are too thin to pay for the
// transforms.
const winoMinChannels = 8

// winoMinSide is the smallest image side that takes the Winograd path. At
// 6x6 the tiles cover 8x8 (1.8 times the work) and the transforms of such
// short rows cost more than they save: im2col + sgemm measured about 1.3
// times faster there (the 6x6 block at 96x96).
const winoMinSide = 8

// useWinograd reports whether a convolution runs as Winograd F(4x4,3x3): a
// 3x3 filter with stride 1 and padding 1 on images of winoMinSide or more
// a side, with winoMinChannels or more channels on both sides.
func useWinograd(d kernels.ConvDims, p kernels.Conv) bool {
	return haveWinograd && d.R == 3 && d.S == 3 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 1 && p.PadW == 1 &&
		d.H >= winoMinSide && d.W >= winoMinSide && d.C >= winoMinChannels && d.K >= winoMinChannels
}

// winoGeom is the tiling of an (N, ·, H, W) batch.
type winoGeom struct {
	h, w       int
	tH, tW     int // tiles down and across an image
	rows       int // tile rows in all: n·tH
	chunkRows  int // tile rows per chunk
	tmpFloats  int // per-worker scratch of the transforms
	maxTiles   int // tiles in the largest chunk
	chunkCount int
}

func newWinoGeom(n, h, w, cin, cout int) winoGeom {
	g := winoGeom{h: h, w: w, tH: (h + 3) / 4, tW: (w + 3) / 4}
	g.rows = n * g.tH
	tiles := winoBytes / (36 * 4 * (cin + cout))
	tiles = max(winoMinTiles, min(winoMaxTiles, tiles))
	g.chunkRows = max(1, tiles/g.tW)
	g.chunkCount = (g.rows + g.chunkRows - 1) / g.chunkRows
	g.maxTiles = g.chunkRows * g.tW
	g.tmpFloats = 12 * (4*((g.tW+15)/16*16) + 16)
	return g
}

// winoConvTask is a Winograd convolution of in (N,Cin,H,W) into out
// (N,Cout,H,W) with transformed filters u (36, Cout, Cin): the forward
// convolution (with bias and ReLU) or the data gradient (without).
type winoConvTask struct {
	b          *Backend
	g          winoGeom
	in, out, u []float32
	bias       []float32
	relu       bool
	cin, cout  int
}

// do runs chunk j.
func (t *winoConvTask) do(wk, j int) {
	g := t.g
	r0 := j * g.chunkRows
	r1 := min(g.rows, r0+g.chunkRows)
	T := (r1 - r0) * g.tW
	v := bufUpTo(t.b.scratch, wk, 36*t.cin*T, 36*t.cin*g.maxTiles)
	m := bufUpTo(t.b.scratch2, wk, 36*t.cout*T, 36*t.cout*g.maxTiles)
	tmp := buf(t.b.scratch3, wk, g.tmpFloats)
	winoInput(t.in, v, t.cin, g.h, g.w, g.tH, g.tW, r0, r1, tmp, t.b.avx512)
	uk, vk, mk := t.cout*t.cin, t.cin*T, t.cout*T
	for xi := range 36 {
		t.b.gemm.sgemm(false, false, t.cout, T, t.cin, t.u[xi*uk:(xi+1)*uk], t.cin, v[xi*vk:(xi+1)*vk], T, 0, m[xi*mk:(xi+1)*mk], T)
	}
	winoOutput(m, t.out, t.bias, t.cout, g.h, g.w, g.tH, g.tW, r0, r1, t.relu, tmp, t.b.avx512)
}

// winoConv runs t over all chunks, after transforming the filters w
// (K,C,3,3) into the backend's buffer (flipped for the data gradient).
func (b *Backend) winoConv(in, out, w, bias []float32, n, h, wd, k, c int, relu, flip bool) {
	cin, cout := c, k
	if flip {
		cin, cout = k, c
	}
	b.winoU = grow(b.winoU, 36*k*c)
	winoFilter(w, b.winoU, k, c, flip)
	g := newWinoGeom(n, h, wd, cin, cout)
	b.wino = winoConvTask{b: b, g: g, in: in, out: out, u: b.winoU, bias: bias, relu: relu, cin: cin, cout: cout}
	b.pool.run(&b.wino, g.chunkCount)
	b.wino = winoConvTask{}
}

// winoAccBytes bounds the filter gradient's per-piece sums (36·K·C floats
// each, 4 times im2col's): with 512 channels a piece holds 38 MB, so such
// layers get one piece per worker rather than piecesPerWorker.
const winoAccBytes = 64 << 20

// winoFilterTask sums the transformed filter gradients of one piece of the
// tile rows into its own buffer: S (36, K, C) then db (K).
type winoFilterTask struct {
	b     *Backend
	g     winoGeom
	x, dy []float32
	c, k  int
	parts int
}

func (t *winoFilterTask) do(wk, i int) {
	g := t.g
	kc := t.k * t.c
	acc := buf(t.b.accs, i, 36*kc+t.k)
	s, db := acc[:36*kc], acc[36*kc:]
	clear(db)
	lo, hi := span(g.rows, t.parts, i)
	if lo == hi {
		clear(s)
		return
	}
	tmp := buf(t.b.scratch3, wk, g.tmpFloats)
	pq := g.h * g.w
	for r0 := lo; r0 < hi; r0 += g.chunkRows {
		r1 := min(hi, r0+g.chunkRows)
		T := (r1 - r0) * g.tW
		v := bufUpTo(t.b.scratch, wk, 36*t.c*T, 36*t.c*g.maxTiles)
		z := bufUpTo(t.b.scratch2, wk, 36*t.k*T, 36*t.k*g.maxTiles)
		winoInput(t.x, v, t.c, g.h, g.w, g.tH, g.tW, r0, r1, tmp, t.b.avx512)
		winoDy(t.dy, z, t.k, g.h, g.w, g.tH, g.tW, r0, r1, tmp, t.b.avx512)
		var beta float32 = 1
		if r0 == lo {
			beta = 0
		}
		vk, zk := t.c*T, t.k*T
		for xi := range 36 {
			t.b.gemm.sgemm(false, true, t.k, t.c, T, z[xi*zk:(xi+1)*zk], T, v[xi*vk:(xi+1)*vk], T, beta, s[xi*kc:(xi+1)*kc], t.c)
		}
		for r := r0; r < r1; r++ {
			n, th := r/g.tH, r%g.tH
			h0, h1 := 4*th, min(g.h, 4*th+4)
			for k := range t.k {
				plane := t.dy[(n*t.k+k)*pq : (n*t.k+k+1)*pq]
				db[k] += rowSum(plane[h0*g.w : h1*g.w])
			}
		}
	}
}

// winoFilterGrad computes dw (K,C,3,3) and db (K) of x (N,C,H,W) and dy
// (N,K,H,W): the pieces' sums are added in a fixed order, then transformed
// back.
func (b *Backend) winoFilterGrad(x, dy, dw, db []float32, n, h, w, k, c int) {
	g := newWinoGeom(n, h, w, c, k)
	parts := min(piecesPerWorker*b.pool.n, g.rows, max(b.pool.n, winoAccBytes/(4*(36*k*c+k))))
	b.winoF = winoFilterTask{b: b, g: g, x: x, dy: dy, c: c, k: k, parts: parts}
	b.pool.run(&b.winoF, parts)
	b.winoF = winoFilterTask{}
	kc := k * c
	b.winoU = grow(b.winoU, 36*kc)
	s := b.winoU[:36*kc]
	for i := range parts {
		acc := b.accs[i]
		if i == 0 {
			copy(s, acc[:36*kc])
			copy(db, acc[36*kc:36*kc+k])
			continue
		}
		add(s, acc[:36*kc])
		add(db, acc[36*kc:36*kc+k])
	}
	winoFilterGrad(s, dw, k, c)
}

// grow returns v with at least n elements, reallocated only when too small.
func grow(v []float32, n int) []float32 {
	if cap(v) < n {
		return make([]float32, n)
	}
	return v[:n]
}
