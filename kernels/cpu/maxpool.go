package cpu

import "github.com/vggo/vggo/kernels"

// poolTask runs max pooling, forward or backward, over pieces of whole
// (n,c) planes of about chunkFloats input elements.
type poolTask struct {
	d                   kernels.PoolDims
	p                   kernels.Pool
	backward            bool
	x, dy, out          []float32 // out is y (forward) or dx (backward)
	planes, per, pieces int
}

func (t *poolTask) split(planes int) {
	t.planes = planes
	t.per = max(1, chunkFloats/(t.d.H*t.d.W))
	t.pieces = (planes + t.per - 1) / t.per
}

func (t *poolTask) do(_, i int) {
	d, p := t.d, t.p
	hw, pq := d.H*d.W, d.P*d.Q
	lo, hi := i*t.per, min((i+1)*t.per, t.planes)
	if p.WindowH == 2 && p.WindowW == 2 && p.StrideH == 2 && p.StrideW == 2 {
		if t.backward {
			unpool2x2Planes(t.x[lo*hw:hi*hw], t.dy[lo*pq:hi*pq], t.out[lo*hw:hi*hw], hi-lo, d)
		} else {
			pool2x2Planes(t.x[lo*hw:hi*hw], t.out[lo*pq:hi*pq], hi-lo, d)
		}
		return
	}
	for j := lo; j < hi; j++ {
		t.plane(j)
	}
}

// MaxPoolForward implements kernels.Ops: y[n,c,p,q] is the maximum of
// window (p,q) of x, with a fast path for 2x2 windows of stride 2.
// x is (N,C,H,W), y is (N,C,P,Q).
func (b *Backend) MaxPoolForward(x, y kernels.Tensor, p kernels.Pool) error {
	const op = "MaxPoolForward"
	d, err := kernels.CheckPool(op, x, y, nil, nil, p)
	if err != nil {
		return err
	}
	xd, yd, err := views2(op, "x", "y", x, y)
	if err != nil {
		return err
	}
	b.mp = poolTask{d: d, p: p, x: xd, out: yd}
	b.mp.split(d.N * d.C)
	b.pool.run(&b.mp, b.mp.pieces)
	b.mp = poolTask{}
	return nil
}

// MaxPoolBackward implements kernels.Ops: each dy goes to the first maximum
// of its window in x (row-major), dx is zero elsewhere, and overlapping
// windows add. When windows do not overlap (stride >= window) each element
// of dx is written exactly once, with no zero-fill pass.
// x, dx are (N,C,H,W); y, dy are (N,C,P,Q).
func (b *Backend) MaxPoolBackward(x, y, dy, dx kernels.Tensor, p kernels.Pool) error {
	const op = "MaxPoolBackward"
	d, err := kernels.CheckPool(op, x, y, dy, dx, p)
	if err != nil {
		return err
	}
	xd, _, dyd, dxd, err := views4(op, "x", "y", "dy", "dx", x, y, dy, dx)
	if err != nil {
		return err
	}
	b.mp = poolTask{d: d, p: p, backward: true, x: xd, dy: dyd, out: dxd}
	b.mp.split(d.N * d.C)
	b.pool.run(&b.mp, b.mp.pieces)
	b.mp = poolTask{}
	return nil
}

// plane pools plane i with any window (the general path).
func (t *poolTask) plane(i int) {
	d, p := t.d, t.p
	hw, pq := d.H*d.W, d.P*d.Q
	x := t.x[i*hw : (i+1)*hw]
	if !t.backward {
		y := t.out[i*pq : (i+1)*pq]
		for oh := 0; oh < d.P; oh++ {
			for ow := 0; ow < d.Q; ow++ {
				y[oh*d.Q+ow] = x[firstMax(x, d, oh, ow, p)]
			}
		}
		return
	}
	dy := t.dy[i*pq : (i+1)*pq]
	dx := t.out[i*hw : (i+1)*hw]
	if p.StrideH >= p.WindowH && p.StrideW >= p.WindowW {
		unpoolDisjoint(x, dy, dx, d, p)
		return
	}
	clear(dx)
	for oh := 0; oh < d.P; oh++ {
		for ow := 0; ow < d.Q; ow++ {
			dx[firstMax(x, d, oh, ow, p)] += dy[oh*d.Q+ow]
		}
	}
}

// unpoolDisjoint is the backward pass over one plane for windows that do
// not overlap: every element of dx is written once, by its window (the
// gradient or 0) or, outside every window, as 0.
func unpoolDisjoint(x, dy, dx []float32, d kernels.PoolDims, p kernels.Pool) {
	covered := (d.Q-1)*p.StrideW + p.WindowW // columns inside some window
	for oh := 0; oh < d.P; oh++ {
		h0 := oh * p.StrideH
		// Rows between this window row and the next are outside every window.
		for h := h0 + p.WindowH; h < min(h0+p.StrideH, d.H); h++ {
			clear(dx[h*d.W : (h+1)*d.W])
		}
		for i := 0; i < p.WindowH; i++ {
			row := dx[(h0+i)*d.W : (h0+i+1)*d.W]
			clear(row[covered:])
			for ow := 0; ow < d.Q; ow++ {
				w0 := ow * p.StrideW
				clear(row[w0:min(w0+p.StrideW, d.W)])
			}
		}
		for ow := 0; ow < d.Q; ow++ {
			dx[firstMax(x, d, oh, ow, p)] = dy[oh*d.Q+ow]
		}
	}
	for h := (d.P-1)*p.StrideH + p.WindowH; h < d.H; h++ {
		clear(dx[h*d.W : (h+1)*d.W])
	}
}

// firstMax is the index in the plane x of the first maximum of window
// (oh, ow), scanning the window row by row.
func firstMax(x []float32, d kernels.PoolDims, oh, ow int, p kernels.Pool) int {
	best := oh*p.StrideH*d.W + ow*p.StrideW
	for i := 0; i < p.WindowH; i++ {
		base := (oh*p.StrideH+i)*d.W + ow*p.StrideW
		for j := 0; j < p.WindowW; j++ {
			if x[base+j] > x[best] {
				best = base + j
			}
		}
	}
	return best
}
