//go:build !cgo

package cpu

import "github.com/vggo/vggo/kernels"

// The Go twins of the C loops in simd.c, for builds without cgo.

func reluRange(x, y []float32) {
	y = y[:len(x)]
	for j, v := range x {
		if v > 0 {
			y[j] = v
		} else {
			y[j] = 0
		}
	}
}

func reluBackwardRange(y, dy, dx []float32) {
	dy = dy[:len(y)]
	dx = dx[:len(y)]
	for j, v := range y {
		if v > 0 {
			dx[j] = dy[j]
		} else {
			dx[j] = 0
		}
	}
}

// biasReLURows adds bias[k] to row k of y (K rows of n) and clamps at 0
// when relu.
func biasReLURows(y, bias []float32, n int, relu bool) {
	for k, b := range bias {
		row := y[k*n : (k+1)*n]
		if relu {
			for i, v := range row {
				v += b
				if v < 0 {
					v = 0
				}
				row[i] = v
			}
			continue
		}
		for i := range row {
			row[i] += b
		}
	}
}

func pool2x2Planes(x, y []float32, planes int, d kernels.PoolDims) {
	hw, pq := d.H*d.W, d.P*d.Q
	for i := range planes {
		pool2x2(x[i*hw:(i+1)*hw], y[i*pq:(i+1)*pq], d)
	}
}

func unpool2x2Planes(x, dy, dx []float32, planes int, d kernels.PoolDims) {
	hw, pq := d.H*d.W, d.P*d.Q
	for i := range planes {
		unpool2x2(x[i*hw:(i+1)*hw], dy[i*pq:(i+1)*pq], dx[i*hw:(i+1)*hw], d)
	}
}

// im2col writes the columns of one image x (C,H,W) into col (C·R·S, P·Q),
// whose rows are ld apart:
// col[(c,r,s), (p,q)] = x[c, p*StrideH-PadH+r, q*StrideW-PadW+s], 0 outside.
func im2col(x, col []float32, ld int, d kernels.ConvDims, p kernels.Conv) {
	pq, hw := d.P*d.Q, d.H*d.W
	for c := 0; c < d.C; c++ {
		xc := x[c*hw : (c+1)*hw]
		for r := 0; r < d.R; r++ {
			for s := 0; s < d.S; s++ {
				row := col[((c*d.R+r)*d.S+s)*ld:][:pq]
				lo, hi := validRange(d.Q, p.StrideW, p.PadW, s, d.W)
				for oh := 0; oh < d.P; oh++ {
					dst := row[oh*d.Q : (oh+1)*d.Q]
					ih := oh*p.StrideH - p.PadH + r
					if ih < 0 || ih >= d.H {
						clear(dst)
						continue
					}
					src := xc[ih*d.W : (ih+1)*d.W]
					clear(dst[:lo])
					clear(dst[hi:])
					if p.StrideW == 1 {
						copy(dst[lo:hi], src[lo-p.PadW+s:])
						continue
					}
					for ow := lo; ow < hi; ow++ {
						dst[ow] = src[ow*p.StrideW-p.PadW+s]
					}
				}
			}
		}
	}
}

// col2im sums the columns dcol (C·R·S, P·Q, rows ld apart) of one image
// back into dx (C,H,W), the adjoint of im2col. dx is overwritten: for a stride-1 "same"
// convolution the centre tap covers every pixel once and is copied, so dx
// needs no zero-fill; otherwise each channel is cleared first.
func col2im(dcol, dx []float32, ld int, d kernels.ConvDims, p kernels.Conv) {
	pq, hw := d.P*d.Q, d.H*d.W
	centre := p.StrideH == 1 && p.StrideW == 1 && d.P == d.H && d.Q == d.W && p.PadH < d.R && p.PadW < d.S
	for c := 0; c < d.C; c++ {
		dxc := dx[c*hw : (c+1)*hw]
		if centre {
			copy(dxc, dcol[((c*d.R+p.PadH)*d.S+p.PadW)*ld:][:pq])
		} else {
			clear(dxc)
		}
		for r := 0; r < d.R; r++ {
			for s := 0; s < d.S; s++ {
				if centre && r == p.PadH && s == p.PadW {
					continue
				}
				row := dcol[((c*d.R+r)*d.S+s)*ld:][:pq]
				lo, hi := validRange(d.Q, p.StrideW, p.PadW, s, d.W)
				for oh := 0; oh < d.P; oh++ {
					ih := oh*p.StrideH - p.PadH + r
					if ih < 0 || ih >= d.H {
						continue
					}
					dst := dxc[ih*d.W : (ih+1)*d.W]
					src := row[oh*d.Q : (oh+1)*d.Q]
					if p.StrideW == 1 {
						add(dst[lo-p.PadW+s:hi-p.PadW+s], src[lo:hi])
						continue
					}
					for ow := lo; ow < hi; ow++ {
						dst[ow*p.StrideW-p.PadW+s] += src[ow]
					}
				}
			}
		}
	}
}

// pool2x2 is the 2x2 stride-2 forward pass over one plane.
func pool2x2(x, y []float32, d kernels.PoolDims) {
	for oh := 0; oh < d.P; oh++ {
		r0 := x[2*oh*d.W : 2*oh*d.W+2*d.Q]
		r1 := x[(2*oh+1)*d.W : (2*oh+1)*d.W+2*d.Q]
		out := y[oh*d.Q : (oh+1)*d.Q]
		for ow := range out {
			m := r0[2*ow]
			if v := r0[2*ow+1]; v > m {
				m = v
			}
			if v := r1[2*ow]; v > m {
				m = v
			}
			if v := r1[2*ow+1]; v > m {
				m = v
			}
			out[ow] = m
		}
	}
}

// unpool2x2 is the 2x2 stride-2 backward pass over one plane: each element
// of dx is stored once.
func unpool2x2(x, dy, dx []float32, d kernels.PoolDims) {
	for oh := 0; oh < d.P; oh++ {
		r0 := x[2*oh*d.W : 2*oh*d.W+2*d.Q]
		r1 := x[(2*oh+1)*d.W : (2*oh+1)*d.W+2*d.Q]
		d0 := dx[2*oh*d.W : (2*oh+1)*d.W]
		d1 := dx[(2*oh+1)*d.W : (2*oh+2)*d.W]
		g := dy[oh*d.Q : (oh+1)*d.Q]
		for ow, v := range g {
			a, b, c, e := r0[2*ow], r0[2*ow+1], r1[2*ow], r1[2*ow+1]
			var g0, g1, g2, g3 float32
			m, at := a, 0
			if b > m {
				m, at = b, 1
			}
			if c > m {
				m, at = c, 2
			}
			if e > m {
				at = 3
			}
			switch at {
			case 0:
				g0 = v
			case 1:
				g1 = v
			case 2:
				g2 = v
			default:
				g3 = v
			}
			d0[2*ow], d0[2*ow+1], d1[2*ow], d1[2*ow+1] = g0, g1, g2, g3
		}
		if d.W > 2*d.Q {
			clear(d0[2*d.Q:])
			clear(d1[2*d.Q:])
		}
	}
	if d.H > 2*d.P {
		clear(dx[2*d.P*d.W:])
	}
}

// im2colSmall is im2col for the small images of smallCols; pad is scratch
// that the C version uses (this one does not).
func im2colSmall(x, col []float32, ld int, d kernels.ConvDims, p kernels.Conv, pad []float32) {
	im2col(x, col, ld, d, p)
}

// col2imSmall is col2im for the small images of smallCols.
func col2imSmall(dcol, dx []float32, ld int, d kernels.ConvDims, p kernels.Conv, pad []float32) {
	col2im(dcol, dx, ld, d, p)
}
