package ref

import "github.com/vggo/vggo/kernels"

// MaxPoolForward implements kernels.Ops:
//
//	y[n,c,p,q] = max_{i<WindowH, j<WindowW} x[n,c,p*StrideH+i, q*StrideW+j]
//
// x is (N,C,H,W), y is (N,C,P,Q).
func (*Backend) MaxPoolForward(x, y kernels.Tensor, p kernels.Pool) error {
	const op = "MaxPoolForward"
	d, err := kernels.CheckPool(op, x, y, nil, nil, p)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"x", "y"}, x, y)
	if err != nil {
		return err
	}
	xd, yd := v[0], v[1]
	for n := 0; n < d.N; n++ {
		for c := 0; c < d.C; c++ {
			for oh := 0; oh < d.P; oh++ {
				for ow := 0; ow < d.Q; ow++ {
					yd[((n*d.C+c)*d.P+oh)*d.Q+ow] = xd[firstMax(xd, d, n, c, oh, ow, p)]
				}
			}
		}
	}
	return nil
}

// MaxPoolBackward implements kernels.Ops: each dy[n,c,p,q] is added to dx at
// the first maximum of its window in x, scanning the window row by row; dx
// is zero where no window routes. Overlapping windows add (in float64, then
// rounded once). x, dx are (N,C,H,W); y, dy are (N,C,P,Q). y is validated
// but not read: the maxima are found in x.
func (*Backend) MaxPoolBackward(x, y, dy, dx kernels.Tensor, p kernels.Pool) error {
	const op = "MaxPoolBackward"
	d, err := kernels.CheckPool(op, x, y, dy, dx, p)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"x", "y", "dy", "dx"}, x, y, dy, dx)
	if err != nil {
		return err
	}
	xd, dyd, dxd := v[0], v[2], v[3]
	acc := make([]float64, len(dxd))
	for n := 0; n < d.N; n++ {
		for c := 0; c < d.C; c++ {
			for oh := 0; oh < d.P; oh++ {
				for ow := 0; ow < d.Q; ow++ {
					acc[firstMax(xd, d, n, c, oh, ow, p)] += float64(dyd[((n*d.C+c)*d.P+oh)*d.Q+ow])
				}
			}
		}
	}
	for i, a := range acc {
		dxd[i] = float32(a)
	}
	return nil
}

// firstMax is the flat index into x of the first maximum of window (oh, ow)
// of image n, channel c, scanning the window in row-major order.
func firstMax(xd []float32, d kernels.PoolDims, n, c, oh, ow int, p kernels.Pool) int {
	best := -1
	for i := 0; i < p.WindowH; i++ {
		for j := 0; j < p.WindowW; j++ {
			idx := ((n*d.C+c)*d.H+oh*p.StrideH+i)*d.W + ow*p.StrideW + j
			if best < 0 || xd[idx] > xd[best] {
				best = idx
			}
		}
	}
	return best
}
