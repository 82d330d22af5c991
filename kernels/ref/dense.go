package ref

import "github.com/vggo/vggo/kernels"

// DenseForward implements kernels.Ops:
//
//	y[n,o] = b[o] + Σ_i x[n,i] * w[o,i]
//
// x is (N,In), w is (Out,In), b is (Out), y is (N,Out).
func (*Backend) DenseForward(x, w, b, y kernels.Tensor) error {
	const op = "DenseForward"
	d, err := kernels.CheckDense(op, x, w, b, y)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"x", "w", "b", "y"}, x, w, b, y)
	if err != nil {
		return err
	}
	xd, wd, bd, yd := v[0], v[1], v[2], v[3]
	for n := 0; n < d.N; n++ {
		for o := 0; o < d.Out; o++ {
			sum := float64(bd[o])
			for i := 0; i < d.In; i++ {
				sum += float64(xd[n*d.In+i]) * float64(wd[o*d.In+i])
			}
			yd[n*d.Out+o] = float32(sum)
		}
	}
	return nil
}

// DenseBackward implements kernels.Ops:
//
//	dx[n,i] = Σ_o dy[n,o] * w[o,i]   (skipped when dx is nil)
//	dw[o,i] = Σ_n dy[n,o] * x[n,i]
//	db[o]   = Σ_n dy[n,o]
//
// x is (N,In), w is (Out,In), dy is (N,Out), dx is (N,In) or nil, dw is
// (Out,In), db is (Out).
func (*Backend) DenseBackward(x, w, dy, dx, dw, db kernels.Tensor) error {
	const op = "DenseBackward"
	d, err := kernels.CheckDense(op, x, w, db, dy)
	if err != nil {
		return err
	}
	if err := kernels.CheckSame(op, []string{"w", "dw"}, w, dw); err != nil {
		return err
	}
	v, err := views(op, []string{"x", "w", "dy", "dw", "db"}, x, w, dy, dw, db)
	if err != nil {
		return err
	}
	xd, wd, dyd, dwd, dbd := v[0], v[1], v[2], v[3], v[4]
	var dxd []float32
	if dx != nil {
		if err := kernels.CheckSame(op, []string{"x", "dx"}, x, dx); err != nil {
			return err
		}
		if dxd, err = kernels.HostView(op, "dx", dx); err != nil {
			return err
		}
	}
	if dxd != nil {
		for n := 0; n < d.N; n++ {
			for i := 0; i < d.In; i++ {
				sum := 0.0
				for o := 0; o < d.Out; o++ {
					sum += float64(dyd[n*d.Out+o]) * float64(wd[o*d.In+i])
				}
				dxd[n*d.In+i] = float32(sum)
			}
		}
	}
	for o := 0; o < d.Out; o++ {
		for i := 0; i < d.In; i++ {
			sum := 0.0
			for n := 0; n < d.N; n++ {
				sum += float64(dyd[n*d.Out+o]) * float64(xd[n*d.In+i])
			}
			dwd[o*d.In+i] = float32(sum)
		}
	}
	for o := 0; o < d.Out; o++ {
		sum := 0.0
		for n := 0; n < d.N; n++ {
			sum += float64(dyd[n*d.Out+o])
		}
		dbd[o] = float32(sum)
	}
	return nil
}
