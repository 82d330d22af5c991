package cpu

import "github.com/vggo/vggo/kernels"

// useDirect1 reports whether a convolution takes the direct single-channel
// path (the first layer on grey-scale images): C = 1, stride 1, in a build
// with cgo.
func useDirect1(d kernels.ConvDims, p kernels.Conv) bool {
	return haveDirect1 && d.C == 1 && p.StrideH == 1 && p.StrideW == 1
}

// padPlane copies the plane x (H,W) into xp (H+2·PadH, W+2·PadW) with a zero
// border and returns the padded row length.
func padPlane(x, xp []float32, d kernels.ConvDims, p kernels.Conv) int {
	wp := d.W + 2*p.PadW
	clear(xp[:p.PadH*wp])
	for h := 0; h < d.H; h++ {
		row := xp[(h+p.PadH)*wp : (h+p.PadH+1)*wp]
		clear(row[:p.PadW])
		copy(row[p.PadW:], x[h*d.W:(h+1)*d.W])
		clear(row[p.PadW+d.W:])
	}
	clear(xp[(d.H+p.PadH)*wp : (d.H+2*p.PadH)*wp])
	return wp
}

// padFloats is the size of padPlane's output.
func padFloats(d kernels.ConvDims, p kernels.Conv) int {
	return (d.H + 2*p.PadH) * (d.W + 2*p.PadW)
}

// buf64 is buf for float64 buffers.
func buf64(bufs [][]float64, w, n int) []float64 {
	if cap(bufs[w]) < n {
		bufs[w] = make([]float64, n)
	}
	return bufs[w][:n]
}
