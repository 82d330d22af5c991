//go:build !cgo

package cpu

// haveWinograd says this build has no Winograd transforms: a build without
// cgo runs every convolution through im2col + sgemm.
const haveWinograd = false

func hasAVX512() bool { return false }

func winoInput(x, v []float32, c, h, w, tH, tW, r0, r1 int, tmp []float32, avx bool) {
	panic("cpu: winoInput without cgo")
}

func winoOutput(m, y, bias []float32, k, p, q, tH, tW, r0, r1 int, relu bool, tmp []float32, avx bool) {
	panic("cpu: winoOutput without cgo")
}

func winoDy(dy, z []float32, k, p, q, tH, tW, r0, r1 int, tmp []float32, avx bool) {
	panic("cpu: winoDy without cgo")
}

func winoFilter(w, u []float32, k, c int, flip bool) {
	panic("cpu: winoFilter without cgo")
}

func winoFilterGrad(s, dw []float32, k, c int) {
	panic("cpu: winoFilterGrad without cgo")
}
