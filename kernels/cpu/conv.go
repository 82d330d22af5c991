package cpu

import "github.com/vggo/vggo/kernels"

// Conv2DForward implements kernels.Ops. A single-channel stride-1 input (the
// first layer) runs a direct convolution per image (see useDirect1);
// otherwise, per group of images (one image unless they are small, see
// groupSize), y(K,P·Q) = w(K,C·R·S) · im2col(x)(C·R·S,P·Q), then bias and
// ReLU in one pass over each image's output while it is in cache (splitting
// the sgemm into cache-sized column tiles measured slower: with the few
// output channels of VGG-11/4 it starves the sgemm). Groups are spread over
// the workers; a 1x1 stride-1 convolution without padding skips im2col.
// x is (N,C,H,W), w is (K,C,R,S), b is (K), y is (N,K,P,Q).
func (b *Backend) Conv2DForward(x, w, bias, y kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DForward"
	d, err := kernels.CheckConv(op, x, w, bias, y, p)
	if err != nil {
		return err
	}
	if bias == nil {
		return &kernels.ShapeError{Op: op, Msg: "b is nil"}
	}
	xd, wd, bd, yd, err := views4(op, "x", "w", "b", "y", x, w, bias, y)
	if err != nil {
		return err
	}
	if useWinograd(d, p) {
		b.winoConv(xd, yd, wd, bd, d.N, d.H, d.W, d.K, d.C, p.ReLU, false)
		return nil
	}
	g := groupSize(d, p, b.pool.n)
	b.fwd = convForwardTask{b: b, d: d, p: p, x: xd, w: wd, bias: bd, y: yd, g: g}
	b.pool.run(&b.fwd, (d.N+g-1)/g)
	b.fwd = convForwardTask{}
	return nil
}

type convForwardTask struct {
	b             *Backend
	d             kernels.ConvDims
	p             kernels.Conv
	x, w, bias, y []float32
	g             int // images per sgemm
}

// do runs images [j·g, (j+1)·g).
func (t *convForwardTask) do(wk, j int) {
	d := t.d
	crs, pq, chw, kpq := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W, d.K*d.P*d.Q
	n0, n1 := j*t.g, min(d.N, (j+1)*t.g)
	if useDirect1(d, t.p) {
		for n := n0; n < n1; n++ {
			xp := buf(t.b.scratch, wk, padFloats(d, t.p))
			wp := padPlane(t.x[n*chw:(n+1)*chw], xp, d, t.p)
			conv1Forward(xp, wp, t.w, t.bias, t.y[n*kpq:(n+1)*kpq], d.K, d.R, d.S, d.P, d.Q, t.p.ReLU, t.b.avx512)
		}
		return
	}
	g := n1 - n0
	ld := g * pq
	col := t.b.cols(wk, t.x[n0*chw:n1*chw], g, d, t.p)
	out := t.y[n0*kpq : n1*kpq]
	if g > 1 {
		out = bufUpTo(t.b.scratch2, wk, d.K*ld, d.K*t.g*pq)
	}
	t.b.gemm.sgemm(false, false, d.K, ld, crs, t.w, crs, col, ld, 0, out, ld)
	if g > 1 {
		scatterCols(t.y[n0*kpq:n1*kpq], out, d.K, pq, g)
	}
	for n := n0; n < n1; n++ {
		biasReLURows(t.y[n*kpq:(n+1)*kpq], t.bias, pq, t.p.ReLU)
	}
}

// groupCols is about how many output columns (images × P·Q) one sgemm of a
// convolution gets: the small images of the last blocks are put side by
// side so the sgemm is not a thin sliver (at 32x32 the last block's images
// are 2x2).
const groupCols = 1024

// groupSize is how many images one sgemm covers: enough for groupCols
// columns, but few enough that every worker gets two groups or more.
func groupSize(d kernels.ConvDims, p kernels.Conv, workers int) int {
	if useDirect1(d, p) {
		return 1
	}
	return max(1, min(groupCols/(d.P*d.Q), d.N/(2*workers)))
}

// cols returns the im2col matrix (C·R·S, g·P·Q) of the g images x (each
// (C,H,W)), side by side, in worker wk's scratch; for a 1x1 stride-1
// convolution of one image it is x itself.
func (b *Backend) cols(wk int, x []float32, g int, d kernels.ConvDims, p kernels.Conv) []float32 {
	crs, pq, chw := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W
	gmax := groupSize(d, p, b.pool.n)
	if directCol(d, p) {
		if g == 1 {
			return x
		}
		col := bufUpTo(b.scratch, wk, crs*g*pq, crs*gmax*pq)
		gatherCols(col, x, d.C, pq, g)
		return col
	}
	col := bufUpTo(b.scratch, wk, crs*g*pq, crs*gmax*pq)
	if smallCols(d, p) {
		pad := buf(b.scratch3, wk, padFloats(d, p)*d.C)
		for i := range g {
			im2colSmall(x[i*chw:(i+1)*chw], col[i*pq:], g*pq, d, p, pad)
		}
		return col
	}
	for i := range g {
		im2col(x[i*chw:(i+1)*chw], col[i*pq:], g*pq, d, p)
	}
	return col
}

// smallCols reports whether im2col and col2im take their small-image path:
// stride 1 and at most 64 output pixels (8x8), where copying rows of a few
// floats one by one is mostly loop overhead.
func smallCols(d kernels.ConvDims, p kernels.Conv) bool {
	return p.StrideH == 1 && p.StrideW == 1 && d.P*d.Q <= 64 && !directCol(d, p)
}

// gatherCols puts g images of src, each (rows, n), side by side into dst
// (rows, g·n).
func gatherCols(dst, src []float32, rows, n, g int) {
	ld := g * n
	for i := range g {
		img := src[i*rows*n : (i+1)*rows*n]
		for r := 0; r < rows; r++ {
			copy(dst[r*ld+i*n:r*ld+(i+1)*n], img[r*n:(r+1)*n])
		}
	}
}

// scatterCols is the inverse of gatherCols: src (rows, g·n) into g images
// of dst, each (rows, n).
func scatterCols(dst, src []float32, rows, n, g int) {
	ld := g * n
	for i := range g {
		img := dst[i*rows*n : (i+1)*rows*n]
		for r := 0; r < rows; r++ {
			copy(img[r*n:(r+1)*n], src[r*ld+i*n:r*ld+(i+1)*n])
		}
	}
}

// directCol reports whether the im2col matrix of an image is the image
// itself: a 1x1 filter, stride 1, no padding.
func directCol(d kernels.ConvDims, p kernels.Conv) bool {
	return d.R == 1 && d.S == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0
}

// validRange is the range [lo, hi) of output columns q whose input column
// q*stride - pad + s lies in [0, w), for an output of width q.
func validRange(q, stride, pad, s, w int) (lo, hi int) {
	if off := pad - s; off > 0 {
		lo = (off + stride - 1) / stride
	}
	if last := w - 1 + pad - s; last >= 0 {
		hi = last/stride + 1
	}
	hi = min(hi, q)
	lo = min(lo, hi)
	return lo, hi
}

// add computes dst += src elementwise; len(src) >= len(dst).
func add(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// Conv2DBackwardData implements kernels.Ops: per image (or group of small
// images side by side), dcol(C·R·S,P·Q) = wᵀ · dy(K,P·Q), then col2im into
// dx (a 1x1 stride-1 convolution of one image writes dx directly). p.ReLU is ignored.
// dy is (N,K,P,Q), w is (K,C,R,S), dx is (N,C,H,W).
func (b *Backend) Conv2DBackwardData(dy, w, dx kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardData"
	d, err := kernels.CheckConv(op, dx, w, nil, dy, p)
	if err != nil {
		return err
	}
	dyd, wd, dxd, err := views3(op, "dy", "w", "dx", dy, w, dx)
	if err != nil {
		return err
	}
	if useWinograd(d, p) {
		b.winoConv(dyd, dxd, wd, nil, d.N, d.H, d.W, d.K, d.C, false, true)
		return nil
	}
	g := groupSize(d, p, b.pool.n)
	b.bwdD = convDataTask{b: b, d: d, p: p, dy: dyd, w: wd, dx: dxd, g: g}
	b.pool.run(&b.bwdD, (d.N+g-1)/g)
	b.bwdD = convDataTask{}
	return nil
}

type convDataTask struct {
	b         *Backend
	d         kernels.ConvDims
	p         kernels.Conv
	dy, w, dx []float32
	g         int // images per sgemm
}

// do runs images [j·g, (j+1)·g).
func (t *convDataTask) do(wk, j int) {
	d := t.d
	crs, pq, chw, kpq := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W, d.K*d.P*d.Q
	n0, n1 := j*t.g, min(d.N, (j+1)*t.g)
	g := n1 - n0
	ld := g * pq
	dyg := t.dy[n0*kpq : n1*kpq]
	if g > 1 {
		dyg = bufUpTo(t.b.scratch2, wk, d.K*ld, d.K*t.g*pq)
		gatherCols(dyg, t.dy[n0*kpq:n1*kpq], d.K, pq, g)
	}
	dx := t.dx[n0*chw : n1*chw]
	if directCol(d, t.p) && g == 1 {
		t.b.gemm.sgemm(true, false, crs, ld, d.K, t.w, crs, dyg, ld, 0, dx, ld)
		return
	}
	dcol := bufUpTo(t.b.scratch, wk, crs*ld, crs*t.g*pq)
	t.b.gemm.sgemm(true, false, crs, ld, d.K, t.w, crs, dyg, ld, 0, dcol, ld)
	if directCol(d, t.p) {
		scatterCols(dx, dcol, d.C, pq, g)
		return
	}
	if smallCols(d, t.p) {
		pad := buf(t.b.scratch3, wk, padFloats(d, t.p)*d.C)
		for i := range g {
			col2imSmall(dcol[i*pq:], dx[i*chw:(i+1)*chw], ld, d, t.p, pad)
		}
		return
	}
	for i := range g {
		col2im(dcol[i*pq:], dx[i*chw:(i+1)*chw], ld, d, t.p)
	}
}

// Conv2DBackwardFilter implements kernels.Ops (the Winograd path splits
// tile rows instead, see winoFilterGrad): the images are split into
// piecesPerWorker contiguous ranges per worker; each range sums
// dy(K,P·Q) · im2col(x)ᵀ and the row sums of dy into its own buffer, and the
// buffers are added in a fixed order, so results do not depend on
// scheduling. p.ReLU is ignored.
// x is (N,C,H,W), dy is (N,K,P,Q), dw is (K,C,R,S), db is (K).
func (b *Backend) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardFilter"
	d, err := kernels.CheckConv(op, x, dw, db, dy, p)
	if err != nil {
		return err
	}
	if db == nil {
		return &kernels.ShapeError{Op: op, Msg: "db is nil"}
	}
	xd, dyd, dwd, dbd, err := views4(op, "x", "dy", "dw", "db", x, dy, dw, db)
	if err != nil {
		return err
	}
	if useWinograd(d, p) {
		b.winoFilterGrad(xd, dyd, dwd, dbd, d.N, d.H, d.W, d.K, d.C)
		return nil
	}
	parts := min(piecesPerWorker*b.pool.n, d.N)
	b.bwdF = convFilterTask{b: b, d: d, p: p, x: xd, dy: dyd, parts: parts, g: groupSize(d, p, b.pool.n)}
	b.pool.run(&b.bwdF, parts)
	b.bwdF = convFilterTask{}
	kcrs := len(dwd)
	for i := range parts {
		acc := b.accs[i]
		if i == 0 {
			copy(dwd, acc[:kcrs])
			copy(dbd, acc[kcrs:kcrs+d.K])
			continue
		}
		add(dwd, acc[:kcrs])
		add(dbd, acc[kcrs:kcrs+d.K])
	}
	return nil
}

type convFilterTask struct {
	b     *Backend
	d     kernels.ConvDims
	p     kernels.Conv
	x, dy []float32
	parts int
	g     int // images per sgemm
}

func (t *convFilterTask) do(wk, i int) {
	d := t.d
	crs, pq, chw, kpq := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W, d.K*d.P*d.Q
	kcrs := d.K * crs
	acc := buf(t.b.accs, i, kcrs+d.K)
	dwAcc, dbAcc := acc[:kcrs], acc[kcrs:]
	lo, hi := span(d.N, t.parts, i)
	if useDirect1(d, t.p) {
		acc64 := buf64(t.b.accs64, i, kcrs+d.K)
		clear(acc64)
		for n := lo; n < hi; n++ {
			xp := buf(t.b.scratch, wk, padFloats(d, t.p))
			wp := padPlane(t.x[n*chw:(n+1)*chw], xp, d, t.p)
			conv1BackwardFilter(xp, wp, t.dy[n*kpq:(n+1)*kpq], acc64, d.K, d.R, d.S, d.P, d.Q, t.b.avx512)
		}
		for j, v := range acc64 {
			acc[j] = float32(v)
		}
		return
	}
	for n0 := lo; n0 < hi; n0 += t.g {
		n1 := min(hi, n0+t.g)
		g := n1 - n0
		ld := g * pq
		col := t.b.cols(wk, t.x[n0*chw:n1*chw], g, d, t.p)
		dyg := t.dy[n0*kpq : n1*kpq]
		if g > 1 {
			dyg = bufUpTo(t.b.scratch2, wk, d.K*ld, d.K*t.g*pq)
			gatherCols(dyg, t.dy[n0*kpq:n1*kpq], d.K, pq, g)
		}
		var beta float32 = 1
		if n0 == lo {
			beta = 0
			clear(dbAcc)
		}
		t.b.gemm.sgemm(false, true, d.K, crs, ld, dyg, ld, col, ld, beta, dwAcc, crs)
		for n := n0; n < n1; n++ {
			dyn := t.dy[n*kpq : (n+1)*kpq]
			for k := 0; k < d.K; k++ {
				dbAcc[k] += rowSum(dyn[k*pq : (k+1)*pq])
			}
		}
	}
}

// rowSum sums v in float64 with four partial sums and rounds once.
func rowSum(v []float32) float32 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i])
		s1 += float64(v[i+1])
		s2 += float64(v[i+2])
		s3 += float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i])
	}
	return float32((s0 + s1) + (s2 + s3))
}
