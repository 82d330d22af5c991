package cpu

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
)

// TestDropoutRangeIsDropKeep checks the branchless mask against
// kernels.DropKeep at rates on and beside the 2^-24 grid, where an
// off-by-one threshold would show.
func TestDropoutRangeIsDropKeep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rates := []float32{0, 0.5, 0.3, 0.1, 0.9, 1.0 / (1 << 24), 0.999999, 0.25 + 1.0/(1<<25)}
	for range 20 {
		rates = append(rates, rng.Float32()*0.99)
	}
	const n = 4096
	x, mask, y := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	for _, rate := range rates {
		seed := rng.Uint64()
		lo := rng.IntN(1 << 20)
		scale := 1 / (1 - rate)
		dropoutRange(x, mask, y, seed, lo, rate, scale)
		for i := range x {
			want := float32(0)
			if kernels.DropKeep(seed, lo+i, rate) {
				want = scale
			}
			require.Equal(t, want, mask[i], "rate %v, element %d", rate, lo+i)
			require.Equal(t, x[i]*want, y[i])
		}
	}
}
