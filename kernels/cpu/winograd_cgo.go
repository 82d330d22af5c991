//go:build cgo

package cpu

// #include "cpu.h"
// #include "winograd.h"
import "C"

// haveWinograd says this build has the Winograd transforms.
const haveWinograd = true

// hasAVX512 reports whether the CPU has AVX-512F.
func hasAVX512() bool { return C.vggo_avx512() != 0 }

func winoInput(x, v []float32, c, h, w, tH, tW, r0, r1 int, tmp []float32, avx bool) {
	C.vggo_wino_in(fptr(x), fptr(v), C.int(c), C.int(h), C.int(w), C.int(tH), C.int(tW), C.int(r0), C.int(r1), fptr(tmp), cbool(avx))
}

func winoOutput(m, y, bias []float32, k, p, q, tH, tW, r0, r1 int, relu bool, tmp []float32, avx bool) {
	var b *C.float
	if bias != nil {
		b = fptr(bias)
	}
	C.vggo_wino_out(fptr(m), fptr(y), b, C.int(k), C.int(p), C.int(q), C.int(tH), C.int(tW), C.int(r0), C.int(r1), cbool(relu), fptr(tmp), cbool(avx))
}

func winoDy(dy, z []float32, k, p, q, tH, tW, r0, r1 int, tmp []float32, avx bool) {
	C.vggo_wino_dy(fptr(dy), fptr(z), C.int(k), C.int(p), C.int(q), C.int(tH), C.int(tW), C.int(r0), C.int(r1), fptr(tmp), cbool(avx))
}

func winoFilter(w, u []float32, k, c int, flip bool) {
	C.vggo_wino_filter(fptr(w), fptr(u), C.int(k), C.int(c), cbool(flip))
}

func winoFilterGrad(s, dw []float32, k, c int) {
	C.vggo_wino_filter_grad(fptr(s), fptr(dw), C.int(k), C.int(c))
}
