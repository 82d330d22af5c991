//go:build cgo

package cpu

// #include "direct.h"
import "C"

import "unsafe"

// haveDirect1 says this build has the direct single-channel convolution.
const haveDirect1 = true

// conv1Forward is vggo_conv1_fwd: xp (P+R-1, wp) padded image, w (K,R,S),
// b (K), y (K,P,Q); avx512 picks the AVX-512 version for 3x3 filters.
func conv1Forward(xp []float32, wp int, w, b, y []float32, k, r, s, p, q int, relu, avx512 bool) {
	re := C.int(0)
	if relu {
		re = 1
	}
	if avx512 && r == 3 && s == 3 {
		C.vggo_conv1_fwd3x3_512(fptr(xp), C.int(wp), fptr(w), fptr(b), fptr(y), C.int(k), C.int(p), C.int(q), re)
		return
	}
	C.vggo_conv1_fwd(fptr(xp), C.int(wp), fptr(w), fptr(b), fptr(y), C.int(k), C.int(r), C.int(s), C.int(p), C.int(q), re)
}

// conv1BackwardFilter is vggo_conv1_bwd_filter: acc (K·R·S + K) += the
// filter and bias gradients of one image; avx512 as for conv1Forward.
func conv1BackwardFilter(xp []float32, wp int, dy []float32, acc []float64, k, r, s, p, q int, avx512 bool) {
	a := (*C.double)(unsafe.Pointer(&acc[0]))
	if avx512 && r == 3 && s == 3 {
		C.vggo_conv1_bwd_filter3x3_512(fptr(xp), C.int(wp), fptr(dy), a, C.int(k), C.int(p), C.int(q))
		return
	}
	C.vggo_conv1_bwd_filter(fptr(xp), C.int(wp), fptr(dy), a, C.int(k), C.int(r), C.int(s), C.int(p), C.int(q))
}
