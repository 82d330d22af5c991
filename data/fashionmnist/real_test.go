package fashionmnist

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealDataset reads the files the Debian package dataset-fashion-mnist
// installs, and skips when they are absent.
func TestRealDataset(t *testing.T) {
	train, test, err := Load(DefaultDir)
	if errors.Is(err, ErrNotFound) {
		t.Skipf("Fashion-MNIST is not installed, skipping: %v", err)
	}
	require.NoError(t, err)

	tests := []struct {
		name      string
		set       *Set
		n         int
		first     uint8
		lastLabel uint8
	}{
		{"train", train, 60000, 9, 5},
		{"t10k", test, 10000, 9, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.set
			require.Equal(t, tc.n, s.N)
			require.Equal(t, 28, s.Rows)
			require.Equal(t, 28, s.Cols)
			require.Len(t, s.Images, tc.n*28*28)
			require.Len(t, s.Labels, tc.n)
			assert.Equal(t, tc.first, s.Labels[0], "first label (%s)", ClassName(s.Labels[0]))
			assert.Equal(t, tc.lastLabel, s.Labels[tc.n-1], "last label")
			var counts [NumClasses]int
			for _, l := range s.Labels {
				require.Less(t, l, uint8(NumClasses))
				counts[l]++
			}
			for c, k := range counts {
				assert.Equal(t, tc.n/NumClasses, k, "class %d (%s) is balanced", c, ClassName(uint8(c)))
			}
		})
	}

	// The Dataset serves the real set at d2l's VGG size.
	d, err := NewDataset(test.Subset(300), 224, false, 1)
	require.NoError(t, err)
	x, labels := make([]float32, 128*224*224), make([]float32, 128)
	n, err := d.Batch(0, 0, 128, x, labels)
	require.NoError(t, err)
	assert.Equal(t, 128, n)
	assert.Equal(t, []int{1, 224, 224}, d.SampleShape())
	assert.Equal(t, float32(9), labels[0])
	var lo, hi float32 = 1, 0
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	assert.Equal(t, float32(0), lo)
	assert.Equal(t, float32(1), hi)
}
