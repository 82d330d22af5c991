package fashionmnist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vggo/vggo/kernels/ref"
)

func TestRawBatchIsBatchBeforeResize(t *testing.T) {
	set := &Set{Images: make([]uint8, 10*28*28), Labels: make([]uint8, 10), N: 10, Rows: 28, Cols: 28}
	for i := range set.Images {
		set.Images[i] = uint8(i * 7)
	}
	for i := range set.Labels {
		set.Labels[i] = uint8(i % NumClasses)
	}
	d, err := NewDataset(set, 32, true, 9)
	require.NoError(t, err)
	h, w := d.RawShape()
	assert.Equal(t, [2]int{28, 28}, [2]int{h, w})
	rz, err := ref.NewResizer(28, 28, 32, 32)
	require.NoError(t, err)
	for _, tc := range []struct{ epoch, i, bs, n int }{{0, 0, 4, 4}, {1, 2, 4, 2}, {2, 1, 3, 3}} {
		x, labels := make([]float32, tc.bs*32*32), make([]float32, tc.bs)
		n, err := d.Batch(tc.epoch, tc.i, tc.bs, x, labels)
		require.NoError(t, err)
		img, rawLabels := make([]uint8, tc.bs*28*28), make([]float32, tc.bs)
		rn, sh, sw, err := d.RawBatch(tc.epoch, tc.i, tc.bs, img, rawLabels)
		require.NoError(t, err)
		assert.Equal(t, []int{tc.n, tc.n, 28, 28}, []int{n, rn, sh, sw})
		resized := make([]float32, n*32*32)
		rz.ResizeBatch(resized, img[:n*28*28])
		assert.Equal(t, x[:n*32*32], resized)
		assert.Equal(t, labels[:n], rawLabels[:n])
	}
	_, _, _, err = d.RawBatch(0, 5, 4, make([]uint8, 4*784), make([]float32, 4))
	assert.ErrorContains(t, err, "outside")
	_, _, _, err = d.RawBatch(0, 0, 4, make([]uint8, 784), make([]float32, 4))
	assert.ErrorContains(t, err, "buffers")
}
