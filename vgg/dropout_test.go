package vgg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// dropoutMasks runs a freshly built dropout layer steps times on (1,n) ones
// and returns each step's mask.
func dropoutMasks(t *testing.T, rate float32, seed uint64, n, steps int) [][]float32 {
	t.Helper()
	ops := ref.New()
	l := NewDropout(rate)
	require.NoError(t, l.Build(&Builder{Ops: ops, Seed: seed}, []int{1, n}, true))
	x, err := ops.Alloc(1, n)
	require.NoError(t, err)
	ones := make([]float32, n)
	for i := range ones {
		ones[i] = 1
	}
	require.NoError(t, ops.CopyIn(x, ones))
	var masks [][]float32
	for range steps {
		_, err := l.Forward(x, true)
		require.NoError(t, err)
		m := make([]float32, n)
		require.NoError(t, ops.CopyOut(m, l.mask))
		masks = append(masks, m)
	}
	return masks
}

// TestDropoutMasksOfConsecutiveStepsAreUnrelated checks that step s+1's mask
// is not step s's shifted by one element (as it was when the step entered
// the seed linearly, with DropUniform's own constant), nor equal to it, and
// that the masks are reproducible from the seed.
func TestDropoutMasksOfConsecutiveStepsAreUnrelated(t *testing.T) {
	const n, steps = 8192, 4
	for _, c := range []struct {
		name string
		rate float32
		seed uint64
	}{
		{"half", 0.5, 1},
		{"fifth", 0.2, 42},
		{"seed zero", 0.5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			masks := dropoutMasks(t, c.rate, c.seed, n, steps)
			p := float64(c.rate)
			chance := p*p + (1-p)*(1-p) // two independent keep/drop draws agree
			for s := 0; s+1 < steps; s++ {
				shifted, same := 0, 0
				for i := 0; i+1 < n; i++ {
					if masks[s+1][i] == masks[s][i+1] {
						shifted++
					}
					if masks[s+1][i] == masks[s][i] {
						same++
					}
				}
				assert.InDelta(t, chance, float64(shifted)/float64(n-1), 0.04, "step %d's mask vs step %d's shifted by one", s+2, s+1)
				assert.InDelta(t, chance, float64(same)/float64(n-1), 0.04, "step %d's mask vs step %d's", s+2, s+1)
			}
			assert.Equal(t, masks, dropoutMasks(t, c.rate, c.seed, n, steps), "same seed, same masks")
		})
	}
}

// TestStepSeed checks that StepSeed is a deterministic, non-linear mix:
// consecutive steps' seeds do not differ by a constant.
func TestStepSeed(t *testing.T) {
	for _, seed := range []uint64{0, 1, 0x9E3779B97F4A7C15, ^uint64(0)} {
		assert.Equal(t, kernels.StepSeed(seed, 7), kernels.StepSeed(seed, 7))
		d1 := kernels.StepSeed(seed, 2) - kernels.StepSeed(seed, 1)
		d2 := kernels.StepSeed(seed, 3) - kernels.StepSeed(seed, 2)
		assert.NotEqual(t, d1, d2, "seed %#x: steps enter linearly", seed)
		assert.NotEqual(t, kernels.StepSeed(seed, 1), kernels.StepSeed(seed+1, 1))
	}
}
