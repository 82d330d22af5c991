//go:build cgo

package cpu

// #include "simd.h"
import "C"

import "github.com/vggo/vggo/kernels"

func reluRange(x, y []float32) {
	if len(x) > 0 {
		C.vggo_relu(fptr(x), fptr(y), C.size_t(len(x)))
	}
}

func reluBackwardRange(y, dy, dx []float32) {
	if len(y) > 0 {
		C.vggo_relu_bwd(fptr(y), fptr(dy), fptr(dx), C.size_t(len(y)))
	}
}

// biasReLURows adds bias[k] to row k of y (K rows of n) and clamps at 0
// when relu.
func biasReLURows(y, bias []float32, n int, relu bool) {
	re := C.int(0)
	if relu {
		re = 1
	}
	C.vggo_bias_relu(fptr(y), fptr(bias), C.int(len(bias)), C.size_t(n), re)
}

func pool2x2Planes(x, y []float32, planes int, d kernels.PoolDims) {
	C.vggo_pool2x2(fptr(x), fptr(y), C.int(planes), C.int(d.H), C.int(d.W), C.int(d.P), C.int(d.Q))
}

func unpool2x2Planes(x, dy, dx []float32, planes int, d kernels.PoolDims) {
	C.vggo_unpool2x2(fptr(x), fptr(dy), fptr(dx), C.int(planes), C.int(d.H), C.int(d.W), C.int(d.P), C.int(d.Q))
}

func im2col(x, col []float32, ld int, d kernels.ConvDims, p kernels.Conv) {
	C.vggo_im2col(fptr(x), fptr(col), C.size_t(ld), C.int(d.C), C.int(d.H), C.int(d.W), C.int(d.R), C.int(d.S), C.int(d.P), C.int(d.Q),
		C.int(p.StrideH), C.int(p.StrideW), C.int(p.PadH), C.int(p.PadW))
}

func col2im(dcol, dx []float32, ld int, d kernels.ConvDims, p kernels.Conv) {
	C.vggo_col2im(fptr(dcol), fptr(dx), C.size_t(ld), C.int(d.C), C.int(d.H), C.int(d.W), C.int(d.R), C.int(d.S), C.int(d.P), C.int(d.Q),
		C.int(p.StrideH), C.int(p.StrideW), C.int(p.PadH), C.int(p.PadW))
}

func im2colSmall(x, col []float32, ld int, d kernels.ConvDims, p kernels.Conv, pad []float32) {
	C.vggo_im2col_small(fptr(x), fptr(col), C.size_t(ld), C.int(d.C), C.int(d.H), C.int(d.W), C.int(d.R), C.int(d.S), C.int(d.P), C.int(d.Q),
		C.int(p.PadH), C.int(p.PadW), fptr(pad))
}

func col2imSmall(dcol, dx []float32, ld int, d kernels.ConvDims, p kernels.Conv, pad []float32) {
	C.vggo_col2im_small(fptr(dcol), fptr(dx), C.size_t(ld), C.int(d.C), C.int(d.H), C.int(d.W), C.int(d.R), C.int(d.S), C.int(d.P), C.int(d.Q),
		C.int(p.PadH), C.int(p.PadW), fptr(pad))
}
