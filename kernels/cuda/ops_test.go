package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vggo/vggo/kernels"
)

func TestCheckLoadImages(t *testing.T) {
	o := &owner{}
	mk := func(shape ...int) *Tensor {
		return &Tensor{shape: shape, n: kernels.Numel(shape), mem: &memory{owner: o}}
	}
	img, lab := make([]uint8, 2*28*28), make([]float32, 2)
	assert.NoError(t, kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2)))
	for name, err := range map[string]error{
		"short images": kernels.CheckLoadImages(img[:10], lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2)),
		"x batch":      kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(3, 1, 224, 224), mk(2)),
		"x channels":   kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 3, 224, 224), mk(2)),
		"lab":          kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2, 1)),
		"zero n":       kernels.CheckLoadImages(img, lab, 0, 28, 28, mk(2, 1, 224, 224), mk(2)),
	} {
		assert.ErrorIs(t, err, kernels.ErrShape, name)
	}
}
