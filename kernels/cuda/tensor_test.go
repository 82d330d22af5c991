package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
)

func TestTensorOwnershipViewsAndFree(t *testing.T) {
	a, b := &owner{}, &owner{}
	m := &memory{ptr: 0x1000, bytes: 24 * 4, owner: a}
	base := &Tensor{shape: []int{2, 3, 4}, n: 24, mem: m}

	v, err := a.reshape(base, []int{4, 6})
	require.NoError(t, err)
	assert.Equal(t, []int{4, 6}, v.Shape())
	p, err := a.ptr("ReLUForward", "x", v)
	require.NoError(t, err)
	assert.Equal(t, uint64(0x1000), p, "a view shares its tensor's memory")

	_, err = a.reshape(base, []int{5, 5})
	assert.ErrorIs(t, err, kernels.ErrShape)
	_, err = a.reshape(base, []int{})
	assert.ErrorIs(t, err, kernels.ErrShape)

	_, err = b.ptr("SGDUpdate", "w", base)
	assert.ErrorContains(t, err, "another cuda backend")
	_, err = a.ptr("SGDUpdate", "w", kernels.Tensor(nil))
	assert.ErrorContains(t, err, "w is nil")
	var typedNil *Tensor
	_, err = a.ptr("SGDUpdate", "w", typedNil)
	assert.ErrorContains(t, err, "nil *cuda.Tensor")
	assert.Nil(t, typedNil.Shape())
	assert.Zero(t, typedNil.Len())
	host, _ := kernels.NewHostTensor(2, 3)
	_, err = a.ptr("CopyOut", "src", host)
	assert.ErrorContains(t, err, "not a cuda tensor")
	q, err := a.optPtr("DenseBackward", "dx", nil)
	assert.NoError(t, err)
	assert.Zero(t, q)

	v.freed = true // Free of a view
	_, err = a.ptr("ReLUForward", "x", v)
	assert.ErrorContains(t, err, "was freed")
	_, err = a.ptr("ReLUForward", "x", base)
	assert.NoError(t, err, "freeing a view leaves its tensor usable")

	v2, err := a.reshape(base, []int{24})
	require.NoError(t, err)
	m.freed = true // Free of the tensor
	_, err = a.ptr("CopyOut", "src", v2)
	assert.ErrorContains(t, err, "was freed", "freeing a tensor invalidates its views")
	assert.Equal(t, "cuda.Tensor(24,)", v2.String())
}
