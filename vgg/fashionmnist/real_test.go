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

	// The loader serves the real set at d2l's VGG size.
	l, err := NewLoader(test.Subset(300), LoaderConfig{BatchSize: 128, Size: 224})
	require.NoError(t, err)
	require.True(t, l.Next())
	b := l.Batch()
	assert.Equal(t, [4]int{128, 1, 224, 224}, b.Shape())
	assert.Equal(t, float32(9), b.Labels[0])
	var lo, hi float32 = 1, 0
	for _, v := range b.Images {
		lo, hi = min(lo, v), max(hi, v)
	}
	assert.Equal(t, float32(0), lo)
	assert.Equal(t, float32(1), hi)
}
