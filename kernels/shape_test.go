package kernels_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
	"github.com/vggo/vggo/kernels/ref"
)

func TestNumelOverflow(t *testing.T) {
	for _, c := range []struct {
		name  string
		shape []int
		want  int
	}{
		{"plain", []int{2, 3, 4}, 24},
		{"empty", nil, 1},
		{"zero dim", []int{3, 0}, 0},
		{"negative dim", []int{-1, 4}, 0},
		{"overflows", []int{3, 1 << 62}, 0},
		{"wraps to a small number", []int{1<<62 + 1, 4}, 0},
		{"max int", []int{math.MaxInt}, math.MaxInt},
		{"max int times two", []int{math.MaxInt, 2}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, kernels.Numel(c.shape))
		})
	}
}

func TestCheckAllocRejectsHugeShapes(t *testing.T) {
	for _, c := range []struct {
		name  string
		shape []int
		err   string // "" for no error
	}{
		{"fine", []int{128, 1, 224, 224}, ""},
		{"at the cap", []int{kernels.MaxElements}, ""},
		{"above the cap", []int{kernels.MaxElements + 1}, "more than"},
		{"overflows", []int{3, 1 << 62}, "more than"},
		{"wraps to a small number", []int{1<<62 + 1, 4}, "(4611686018427387905, 4) has more than"},
		{"non-positive", []int{3, 0}, "non-positive"},
		{"empty", []int{}, "empty shape"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := kernels.CheckAlloc("Alloc", c.shape)
			if c.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, kernels.ErrShape)
			assert.ErrorContains(t, err, c.err)
		})
	}
}

// TestHostBackendsRejectHugeShapes checks that Alloc and Reshape of the host
// backends return an error, never panic or lie about the shape, for shapes
// whose element count overflows.
func TestHostBackendsRejectHugeShapes(t *testing.T) {
	for _, o := range []kernels.Ops{ref.New(), cpu.NewGo()} {
		for _, shape := range [][]int{{3, 1 << 62}, {1<<62 + 1, 4}, {1 << 40, 1 << 40}} {
			t.Run(o.Name()+kernels.ShapeString(shape), func(t *testing.T) {
				var x kernels.Tensor
				var err error
				require.NotPanics(t, func() { x, err = o.Alloc(shape...) })
				assert.ErrorContains(t, err, "more than", "got %v", x)
				small, err := o.Alloc(4)
				require.NoError(t, err)
				_, err = o.Reshape(small, shape...)
				assert.ErrorIs(t, err, kernels.ErrShape)
			})
		}
	}
}
