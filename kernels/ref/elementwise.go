package ref

import "github.com/vggo/vggo/kernels"

// ReLUForward implements kernels.Ops: y[i] = x[i] if x[i] > 0, else 0.
// x and y have one shape, any rank, and may be the same tensor.
func (*Backend) ReLUForward(x, y kernels.Tensor) error {
	const op = "ReLUForward"
	names := []string{"x", "y"}
	if err := kernels.CheckSame(op, names, x, y); err != nil {
		return err
	}
	v, err := views(op, names, x, y)
	if err != nil {
		return err
	}
	xd, yd := v[0], v[1]
	for i, xi := range xd {
		if xi > 0 {
			yd[i] = xi
		} else {
			yd[i] = 0
		}
	}
	return nil
}

// ReLUBackward implements kernels.Ops: dx[i] = dy[i] if y[i] > 0, else 0.
// y, dy, dx have one shape, any rank; dx may be dy.
func (*Backend) ReLUBackward(y, dy, dx kernels.Tensor) error {
	const op = "ReLUBackward"
	names := []string{"y", "dy", "dx"}
	if err := kernels.CheckSame(op, names, y, dy, dx); err != nil {
		return err
	}
	v, err := views(op, names, y, dy, dx)
	if err != nil {
		return err
	}
	yd, dyd, dxd := v[0], v[1], v[2]
	for i, yi := range yd {
		if yi > 0 {
			dxd[i] = dyd[i]
		} else {
			dxd[i] = 0
		}
	}
	return nil
}

// DropoutForward implements kernels.Ops:
//
//	mask[i] = 1/(1-rate) if kernels.DropKeep(seed, i, rate), else 0
//	y[i]    = x[i] * mask[i]
//
// with i the flat (row-major) index. The scale 1/(1-rate) is computed in
// float32 arithmetic (1 - rate, then 1 / that, each rounded to float32) and
// y[i] is one float32 product, so a backend doing the same matches bit for
// bit. x, mask, y have one shape, any rank; y may be x. 0 <= rate < 1.
func (*Backend) DropoutForward(x, mask, y kernels.Tensor, rate float32, seed uint64) error {
	const op = "DropoutForward"
	if err := kernels.CheckRate(op, rate); err != nil {
		return err
	}
	names := []string{"x", "mask", "y"}
	if err := kernels.CheckSame(op, names, x, mask, y); err != nil {
		return err
	}
	v, err := views(op, names, x, mask, y)
	if err != nil {
		return err
	}
	xd, md, yd := v[0], v[1], v[2]
	scale := 1 / (1 - rate)
	for i := range xd {
		var m float32
		if kernels.DropKeep(seed, i, rate) {
			m = scale
		}
		md[i] = m
		yd[i] = xd[i] * m
	}
	return nil
}

// DropoutBackward implements kernels.Ops: dx[i] = dy[i] * mask[i].
// dy, mask, dx have one shape, any rank; dx may be dy.
func (*Backend) DropoutBackward(dy, mask, dx kernels.Tensor) error {
	const op = "DropoutBackward"
	names := []string{"dy", "mask", "dx"}
	if err := kernels.CheckSame(op, names, dy, mask, dx); err != nil {
		return err
	}
	v, err := views(op, names, dy, mask, dx)
	if err != nil {
		return err
	}
	dyd, md, dxd := v[0], v[1], v[2]
	for i := range dyd {
		dxd[i] = dyd[i] * md[i]
	}
	return nil
}

// SGDUpdate implements kernels.Ops: w[i] -= lr * dw[i], computed in float64
// and rounded once. w and dw have one shape, any rank.
func (*Backend) SGDUpdate(w, dw kernels.Tensor, lr float32) error {
	const op = "SGDUpdate"
	names := []string{"w", "dw"}
	if err := kernels.CheckSame(op, names, w, dw); err != nil {
		return err
	}
	v, err := views(op, names, w, dw)
	if err != nil {
		return err
	}
	wd, dwd := v[0], v[1]
	for i := range wd {
		wd[i] = float32(float64(wd[i]) - float64(lr)*float64(dwd[i]))
	}
	return nil
}
