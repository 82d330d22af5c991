package cpu

import (
	"math"

	"github.com/vggo/vggo/kernels"
)

// chunkFloats is the piece size of elementwise ops: big enough that handing
// out a piece costs nothing next to it, small enough to balance the workers.
const chunkFloats = 64 << 10

type ewKind int

const (
	ewReLU ewKind = iota
	ewReLUBackward
	ewDropout
	ewDropoutBackward
	ewSGD
)

// elementwiseTask runs one elementwise op over chunks of its tensors.
type elementwiseTask struct {
	kind      ewKind
	a, b, c   []float32
	rate, f   float32
	seed      uint64
	n, chunks int
}

func (b *Backend) elementwise(t elementwiseTask) {
	t.chunks = (t.n + chunkFloats - 1) / chunkFloats
	b.ew = t
	b.pool.run(&b.ew, t.chunks)
	b.ew = elementwiseTask{}
}

func (t *elementwiseTask) do(_, i int) {
	lo, hi := i*chunkFloats, min((i+1)*chunkFloats, t.n)
	switch t.kind {
	case ewReLU: // a = x, c = y
		reluRange(t.a[lo:hi], t.c[lo:hi])
	case ewReLUBackward: // a = y, b = dy, c = dx
		reluBackwardRange(t.a[lo:hi], t.b[lo:hi], t.c[lo:hi])
	case ewDropout: // a = x, b = mask, c = y, f = scale
		dropoutRange(t.a[lo:hi], t.b[lo:hi], t.c[lo:hi], t.seed, lo, t.rate, t.f)
	case ewDropoutBackward: // a = dy, b = mask, c = dx
		dy, mask, dx := t.a[lo:hi], t.b[lo:hi], t.c[lo:hi]
		mask = mask[:len(dy)]
		dx = dx[:len(dy)]
		for j, v := range dy {
			dx[j] = v * mask[j]
		}
	case ewSGD: // c = w, a = dw, f = lr
		w, dw := t.c[lo:hi], t.a[lo:hi]
		dw = dw[:len(w)]
		for j := range w {
			w[j] -= t.f * dw[j]
		}
	}
}

// ReLUForward implements kernels.Ops: y = max(0, x). x and y have one shape,
// any rank, and may be the same tensor.
func (b *Backend) ReLUForward(x, y kernels.Tensor) error {
	const op = "ReLUForward"
	if err := kernels.CheckSame(op, []string{"x", "y"}, x, y); err != nil {
		return err
	}
	xd, yd, err := views2(op, "x", "y", x, y)
	if err != nil {
		return err
	}
	b.elementwise(elementwiseTask{kind: ewReLU, a: xd, c: yd, n: len(xd)})
	return nil
}

// ReLUBackward implements kernels.Ops: dx = dy where y > 0, else 0. y, dy,
// dx have one shape, any rank; dx may be dy.
func (b *Backend) ReLUBackward(y, dy, dx kernels.Tensor) error {
	const op = "ReLUBackward"
	if err := kernels.CheckSame(op, []string{"y", "dy", "dx"}, y, dy, dx); err != nil {
		return err
	}
	yd, dyd, dxd, err := views3(op, "y", "dy", "dx", y, dy, dx)
	if err != nil {
		return err
	}
	b.elementwise(elementwiseTask{kind: ewReLUBackward, a: yd, b: dyd, c: dxd, n: len(yd)})
	return nil
}

// DropoutForward implements kernels.Ops: mask[i] = 1/(1-rate) (in float32)
// where kernels.DropKeep(seed, i, rate), else 0, and y = x*mask, bit for bit
// as kernels/ref. x, mask, y have one shape; y may be x.
func (b *Backend) DropoutForward(x, mask, y kernels.Tensor, rate float32, seed uint64) error {
	const op = "DropoutForward"
	if err := kernels.CheckRate(op, rate); err != nil {
		return err
	}
	if err := kernels.CheckSame(op, []string{"x", "mask", "y"}, x, mask, y); err != nil {
		return err
	}
	xd, md, yd, err := views3(op, "x", "mask", "y", x, mask, y)
	if err != nil {
		return err
	}
	b.elementwise(elementwiseTask{kind: ewDropout, a: xd, b: md, c: yd, rate: rate, f: 1 / (1 - rate), seed: seed, n: len(xd)})
	return nil
}

// DropoutBackward implements kernels.Ops: dx = dy*mask. dy, mask, dx have
// one shape; dx may be dy.
func (b *Backend) DropoutBackward(dy, mask, dx kernels.Tensor) error {
	const op = "DropoutBackward"
	if err := kernels.CheckSame(op, []string{"dy", "mask", "dx"}, dy, mask, dx); err != nil {
		return err
	}
	dyd, md, dxd, err := views3(op, "dy", "mask", "dx", dy, mask, dx)
	if err != nil {
		return err
	}
	b.elementwise(elementwiseTask{kind: ewDropoutBackward, a: dyd, b: md, c: dxd, n: len(dyd)})
	return nil
}

// SGDUpdate implements kernels.Ops: w -= lr*dw in float32. w and dw have one
// shape, any rank.
func (b *Backend) SGDUpdate(w, dw kernels.Tensor, lr float32) error {
	const op = "SGDUpdate"
	if err := kernels.CheckSame(op, []string{"w", "dw"}, w, dw); err != nil {
		return err
	}
	wd, dwd, err := views2(op, "w", "dw", w, dw)
	if err != nil {
		return err
	}
	b.elementwise(elementwiseTask{kind: ewSGD, a: dwd, c: wd, f: lr, n: len(wd)})
	return nil
}

// dropoutRange draws the mask of elements lo.. (kernels.DropKeep, bit for
// bit) and applies it: mask = keep ? scale : 0, y = x*mask. Without a
// branch: a random keep/drop branch mispredicts half the time. The test
// u >= rate of DropKeep, with u = k·2^-24 for a 24-bit integer k, is
// k >= ceil(rate·2^24) (rate·2^24 is exact in float32), so it runs on
// integers and becomes a sign mask.
func dropoutRange(x, mask, y []float32, seed uint64, lo int, rate, scale float32) {
	thr := int32(math.Ceil(float64(rate) * (1 << 24)))
	bits := math.Float32bits(scale)
	mask = mask[:len(x)]
	y = y[:len(x)]
	for j := range x {
		k := int32(kernels.DropBits(seed, lo+j))
		drop := uint32((k - thr) >> 31) // all ones when k < thr
		m := math.Float32frombits(bits &^ drop)
		mask[j] = m
		y[j] = x[j] * m
	}
}
