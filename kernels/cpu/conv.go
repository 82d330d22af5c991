package cpu

import "github.com/vggo/vggo/kernels"

// Conv2DForward implements kernels.Ops. A single-channel stride-1 input (the
// first layer) runs a direct convolution per image (see useDirect1);
// otherwise, per image, y(K,P·Q) = w(K,C·R·S) · im2col(x)(C·R·S,P·Q), then
// bias and ReLU in one pass over the image's output while it is in cache
// (splitting the sgemm into cache-sized column tiles measured slower: with
// the few output channels of VGG-11/4 it starves the sgemm). Images are spread over the workers; a 1x1 stride-1
// convolution without padding skips im2col.
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
	b.fwd = convForwardTask{b: b, d: d, p: p, x: xd, w: wd, bias: bd, y: yd}
	b.pool.run(&b.fwd, d.N)
	b.fwd = convForwardTask{}
	return nil
}

type convForwardTask struct {
	b             *Backend
	d             kernels.ConvDims
	p             kernels.Conv
	x, w, bias, y []float32
}

func (t *convForwardTask) do(wk, n int) {
	d := t.d
	crs, pq, chw := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W
	xn := t.x[n*chw : (n+1)*chw]
	yn := t.y[n*d.K*pq : (n+1)*d.K*pq]
	if useDirect1(d, t.p) {
		xp := buf(t.b.scratch, wk, padFloats(d, t.p))
		wp := padPlane(xn, xp, d, t.p)
		conv1Forward(xp, wp, t.w, t.bias, yn, d.K, d.R, d.S, d.P, d.Q, t.p.ReLU)
		return
	}
	col := xn
	if !directCol(d, t.p) {
		col = buf(t.b.scratch, wk, crs*pq)
		im2col(xn, col, d, t.p)
	}
	t.b.gemm.sgemm(false, false, d.K, pq, crs, t.w, crs, col, pq, 0, yn, pq)
	biasReLURows(yn, t.bias, pq, t.p.ReLU)
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

// Conv2DBackwardData implements kernels.Ops: per image,
// dcol(C·R·S,P·Q) = wᵀ · dy(K,P·Q), then col2im into dx (a 1x1 stride-1
// convolution writes dx directly). p.ReLU is ignored.
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
	b.bwdD = convDataTask{b: b, d: d, p: p, dy: dyd, w: wd, dx: dxd}
	b.pool.run(&b.bwdD, d.N)
	b.bwdD = convDataTask{}
	return nil
}

type convDataTask struct {
	b         *Backend
	d         kernels.ConvDims
	p         kernels.Conv
	dy, w, dx []float32
}

func (t *convDataTask) do(wk, n int) {
	d := t.d
	crs, pq, chw := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W
	dyn := t.dy[n*d.K*pq : (n+1)*d.K*pq]
	dxn := t.dx[n*chw : (n+1)*chw]
	if directCol(d, t.p) {
		t.b.gemm.sgemm(true, false, crs, pq, d.K, t.w, crs, dyn, pq, 0, dxn, pq)
		return
	}
	dcol := buf(t.b.scratch, wk, crs*pq)
	t.b.gemm.sgemm(true, false, crs, pq, d.K, t.w, crs, dyn, pq, 0, dcol, pq)
	col2im(dcol, dxn, d, t.p)
}

// Conv2DBackwardFilter implements kernels.Ops: the images are split into
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
	parts := min(piecesPerWorker*b.pool.n, d.N)
	b.bwdF = convFilterTask{b: b, d: d, p: p, x: xd, dy: dyd, parts: parts}
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
}

func (t *convFilterTask) do(wk, i int) {
	d := t.d
	crs, pq, chw := d.C*d.R*d.S, d.P*d.Q, d.C*d.H*d.W
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
			conv1BackwardFilter(xp, wp, t.dy[n*d.K*pq:(n+1)*d.K*pq], acc64, d.K, d.R, d.S, d.P, d.Q)
		}
		for j, v := range acc64 {
			acc[j] = float32(v)
		}
		return
	}
	for n := lo; n < hi; n++ {
		xn := t.x[n*chw : (n+1)*chw]
		dyn := t.dy[n*d.K*pq : (n+1)*d.K*pq]
		col := xn
		if !directCol(d, t.p) {
			col = buf(t.b.scratch, wk, crs*pq)
			im2col(xn, col, d, t.p)
		}
		var beta float32 = 1
		if n == lo {
			beta = 0
		}
		t.b.gemm.sgemm(false, true, d.K, crs, pq, dyn, pq, col, pq, beta, dwAcc, crs)
		for k := 0; k < d.K; k++ {
			s := rowSum(dyn[k*pq : (k+1)*pq])
			if n == lo {
				dbAcc[k] = s
			} else {
				dbAcc[k] += s
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
