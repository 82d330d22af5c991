//go:build !cgo

package cpu

// haveDirect1 says this build has no direct single-channel convolution: a
// build without cgo runs the first layer through im2col + sgemm.
const haveDirect1 = false

func conv1Forward(xp []float32, wp int, w, b, y []float32, k, r, s, p, q int, relu, avx512 bool) {
	panic("cpu: conv1Forward without cgo")
}

func conv1BackwardFilter(xp []float32, wp int, dy []float32, acc []float64, k, r, s, p, q int, avx512 bool) {
	panic("cpu: conv1BackwardFilter without cgo")
}
