package ref

import "github.com/vggo/vggo/kernels"

// Conv2DForward implements kernels.Ops:
//
//	y[n,k,p,q] = b[k] + Σ_{c,r,s} x[n,c,p*StrideH-PadH+r, q*StrideW-PadW+s] * w[k,c,r,s]
//
// with x read as 0 outside the image, then max(0, ·) when p.ReLU.
// x is (N,C,H,W), w is (K,C,R,S), b is (K), y is (N,K,P,Q).
func (*Backend) Conv2DForward(x, w, b, y kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DForward"
	d, err := kernels.CheckConv(op, x, w, b, y, p)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"x", "w", "b", "y"}, x, w, b, y)
	if err != nil {
		return err
	}
	xd, wd, bd, yd := v[0], v[1], v[2], v[3]
	for n := 0; n < d.N; n++ {
		for k := 0; k < d.K; k++ {
			for oh := 0; oh < d.P; oh++ {
				for ow := 0; ow < d.Q; ow++ {
					sum := float64(bd[k])
					for c := 0; c < d.C; c++ {
						for r := 0; r < d.R; r++ {
							for s := 0; s < d.S; s++ {
								ih := oh*p.StrideH - p.PadH + r
								iw := ow*p.StrideW - p.PadW + s
								if ih < 0 || ih >= d.H || iw < 0 || iw >= d.W {
									continue
								}
								sum += float64(xd[((n*d.C+c)*d.H+ih)*d.W+iw]) * float64(wd[((k*d.C+c)*d.R+r)*d.S+s])
							}
						}
					}
					if p.ReLU && sum < 0 {
						sum = 0
					}
					yd[((n*d.K+k)*d.P+oh)*d.Q+ow] = float32(sum)
				}
			}
		}
	}
	return nil
}

// Conv2DBackwardData implements kernels.Ops: the gradient of the convolution
// (without bias or ReLU; p.ReLU is ignored) with respect to its input,
//
//	dx[n,c,h,w] = Σ_{k,r,s} dy[n,k,p,q] * w[k,c,r,s]
//
// over the (p,q) with p*StrideH-PadH+r = h and q*StrideW-PadW+s = w.
// dy is (N,K,P,Q), w is (K,C,R,S), dx is (N,C,H,W).
func (*Backend) Conv2DBackwardData(dy, w, dx kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardData"
	d, err := kernels.CheckConv(op, dx, w, nil, dy, p)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"dy", "w", "dx"}, dy, w, dx)
	if err != nil {
		return err
	}
	dyd, wd, dxd := v[0], v[1], v[2]
	for n := 0; n < d.N; n++ {
		for c := 0; c < d.C; c++ {
			for ih := 0; ih < d.H; ih++ {
				for iw := 0; iw < d.W; iw++ {
					sum := 0.0
					for k := 0; k < d.K; k++ {
						for r := 0; r < d.R; r++ {
							for s := 0; s < d.S; s++ {
								th, tw := ih+p.PadH-r, iw+p.PadW-s
								if th < 0 || tw < 0 || th%p.StrideH != 0 || tw%p.StrideW != 0 {
									continue
								}
								oh, ow := th/p.StrideH, tw/p.StrideW
								if oh >= d.P || ow >= d.Q {
									continue
								}
								sum += float64(dyd[((n*d.K+k)*d.P+oh)*d.Q+ow]) * float64(wd[((k*d.C+c)*d.R+r)*d.S+s])
							}
						}
					}
					dxd[((n*d.C+c)*d.H+ih)*d.W+iw] = float32(sum)
				}
			}
		}
	}
	return nil
}

// Conv2DBackwardFilter implements kernels.Ops: the gradients of the
// convolution with respect to its filter and bias (p.ReLU is ignored),
//
//	dw[k,c,r,s] = Σ_{n,p,q} x[n,c,p*StrideH-PadH+r, q*StrideW-PadW+s] * dy[n,k,p,q]
//	db[k]       = Σ_{n,p,q} dy[n,k,p,q]
//
// x is (N,C,H,W), dy is (N,K,P,Q), dw is (K,C,R,S), db is (K).
func (*Backend) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardFilter"
	d, err := kernels.CheckConv(op, x, dw, db, dy, p)
	if err != nil {
		return err
	}
	v, err := views(op, []string{"x", "dy", "dw", "db"}, x, dy, dw, db)
	if err != nil {
		return err
	}
	xd, dyd, dwd, dbd := v[0], v[1], v[2], v[3]
	for k := 0; k < d.K; k++ {
		for c := 0; c < d.C; c++ {
			for r := 0; r < d.R; r++ {
				for s := 0; s < d.S; s++ {
					sum := 0.0
					for n := 0; n < d.N; n++ {
						for oh := 0; oh < d.P; oh++ {
							for ow := 0; ow < d.Q; ow++ {
								ih := oh*p.StrideH - p.PadH + r
								iw := ow*p.StrideW - p.PadW + s
								if ih < 0 || ih >= d.H || iw < 0 || iw >= d.W {
									continue
								}
								sum += float64(xd[((n*d.C+c)*d.H+ih)*d.W+iw]) * float64(dyd[((n*d.K+k)*d.P+oh)*d.Q+ow])
							}
						}
					}
					dwd[((k*d.C+c)*d.R+r)*d.S+s] = float32(sum)
				}
			}
		}
	}
	for k := 0; k < d.K; k++ {
		sum := 0.0
		for n := 0; n < d.N; n++ {
			for oh := 0; oh < d.P; oh++ {
				for ow := 0; ow < d.Q; ow++ {
					sum += float64(dyd[((n*d.K+k)*d.P+oh)*d.Q+ow])
				}
			}
		}
		dbd[k] = float32(sum)
	}
	return nil
}
