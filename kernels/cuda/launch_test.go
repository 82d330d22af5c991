package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGridFor(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		sms  int
		want uint32
	}{
		{1, 132, 1}, {256, 132, 1}, {257, 132, 2}, {1 << 30, 132, 132 * blocksPerSM}, {1000, 0, 4}, {0, 10, 1},
	} {
		assert.Equal(t, tc.want, gridFor(tc.n, tc.sms), "n=%d sms=%d", tc.n, tc.sms)
	}
}
