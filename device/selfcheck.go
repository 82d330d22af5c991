package device

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// selfCheckTol bounds |got-want| / (1+|want|) in SelfCheck: loose enough for
// TF32 tensor-core math (about 1e-3 relative per product), far below what a
// wrong library, layout or algorithm produces (errors of order 1).
const selfCheckTol = 2e-2

// SelfCheck runs a small convolution with bias and ReLU (x (2,3,9,9),
// w (4,3,3,3), padding 1) and a dense layer (x (5,20), w (6,20)) on o and on
// the reference backend, and reports the first output that differs by more
// than selfCheckTol. It is how GPU decides that a GPU which loaded is also
// usable.
func SelfCheck(o kernels.Ops) error {
	r := ref.New()
	rng := rand.New(rand.NewPCG(42, 7))
	draw := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.Float64()*2 - 1)
		}
		return v
	}
	cx, cw, cb := draw(2*3*9*9), draw(4*3*3*3), draw(4)
	dx, dw, db := draw(5*20), draw(6*20), draw(6)
	run := func(o kernels.Ops) (conv, dense []float32, err error) {
		var live []kernels.Tensor
		defer func() {
			for _, t := range live {
				_ = o.Free(t)
			}
		}()
		in := func(v []float32, shape ...int) kernels.Tensor {
			if err != nil {
				return nil
			}
			var t kernels.Tensor
			if t, err = o.Alloc(shape...); err != nil {
				return nil
			}
			live = append(live, t)
			if v != nil {
				err = o.CopyIn(t, v)
			}
			return t
		}
		x, w, b, y := in(cx, 2, 3, 9, 9), in(cw, 4, 3, 3, 3), in(cb, 4), in(nil, 2, 4, 9, 9)
		fx, fw, fb, fy := in(dx, 5, 20), in(dw, 6, 20), in(db, 6), in(nil, 5, 6)
		if err != nil {
			return nil, nil, err
		}
		if err = o.Conv2DForward(x, w, b, y, kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, ReLU: true}); err != nil {
			return nil, nil, fmt.Errorf("Conv2DForward: %w", err)
		}
		if err = o.DenseForward(fx, fw, fb, fy); err != nil {
			return nil, nil, fmt.Errorf("DenseForward: %w", err)
		}
		conv, dense = make([]float32, y.Len()), make([]float32, fy.Len())
		if err = o.CopyOut(conv, y); err != nil {
			return nil, nil, err
		}
		err = o.CopyOut(dense, fy)
		return conv, dense, err
	}
	wantC, wantD, err := run(r)
	if err != nil {
		return fmt.Errorf("reference backend: %w", err)
	}
	gotC, gotD, err := run(o)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name      string
		got, want []float32
	}{{"convolution", gotC, wantC}, {"GEMM", gotD, wantD}} {
		for i, w := range c.want {
			g := c.got[i]
			if d := math.Abs(float64(g - w)); !(d <= selfCheckTol*(1+math.Abs(float64(w)))) {
				return fmt.Errorf("%s output %d is %v, the reference backend gives %v", c.name, i, g, w)
			}
		}
	}
	return nil
}
