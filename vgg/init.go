package vgg

import (
	"math"
	"math/rand/v2"
)

// Initializer fills dst with initial weights for a layer whose fan-in and
// fan-out are given, drawing from rng.
type Initializer func(rng *rand.Rand, dst []float32, fanIn, fanOut int)

// Xavier returns MXNet's init.Xavier() with its defaults (uniform, factor
// "avg", magnitude 3): weights uniform in [-s, s] with
// s = sqrt(3 / ((fanIn+fanOut)/2)). Biases start at zero, as in Gluon.
func Xavier() Initializer {
	return XavierMagnitude(3)
}

// XavierMagnitude is Xavier with another magnitude (3 is MXNet's default;
// 6 gives Glorot & Bengio's uniform bound sqrt(6/(fanIn+fanOut))).
func XavierMagnitude(magnitude float64) Initializer {
	return func(rng *rand.Rand, dst []float32, fanIn, fanOut int) {
		s := math.Sqrt(magnitude / (float64(fanIn+fanOut) / 2))
		for i := range dst {
			dst[i] = float32((rng.Float64()*2 - 1) * s)
		}
	}
}
