package cuda

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestBiasBackwardGrid(t *testing.T) {
	for _, tc := range []struct {
		k, block int
		err      string
	}{
		{1, 1, ""}, {512, 256, ""}, {10, 1024, ""}, {4096, 2, ""},
		{0, 256, "0 channels"}, {-1, 256, "channels"}, {1 << 31, 256, "channels"},
		{8, 0, "power of two"}, {8, 384, "384 threads"}, {8, 2048, "up to 1024"}, {8, 3, "power of two"},
	} {
		grid, threads, err := biasBackwardGrid(tc.k, tc.block)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "k %d block %d", tc.k, tc.block)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, [2]uint32{uint32(tc.k), uint32(tc.block)}, [2]uint32{grid, threads})
	}
	_, _, err := biasBackwardGrid(64, biasBackwardBlock)
	assert.NoError(t, err, "the block size the backend launches with")
}

func TestXentGrid(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want uint32
	}{{0, 1}, {1, 1}, {128, 1}, {129, 2}, {1000, 8}, {xentMaxBlocks * xentBlock, xentMaxBlocks}, {1 << 20, xentMaxBlocks}} {
		assert.Equal(t, tc.want, xentGrid(tc.n), "n %d", tc.n)
	}
	assert.Contains(t, Source(), fmt.Sprintf("#define VGG_XENT_BLOCK %d\n", xentBlock), "softmax.cu's block size is xentBlock")
	assert.Equal(t, [3]float64{1 + 4, 2 + 5, 3 + 6}, sumXent([]float64{1, 2, 3, 4, 5, 6}))
}
