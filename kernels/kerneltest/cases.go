package kerneltest

import (
	"fmt"
	"math"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// groups is the whole suite, one group per op, in the order Run runs them.
func groups() []group {
	return []group{
		{"Memory", memoryCases()},
		{"Conv2DForward", convForwardCases()},
		{"Conv2DBackwardData", convBackwardDataCases()},
		{"Conv2DBackwardFilter", convBackwardFilterCases()},
		{"MaxPoolForward", poolForwardCases()},
		{"MaxPoolBackward", poolBackwardCases()},
		{"ReLUForward", reluForwardCases()},
		{"ReLUBackward", reluBackwardCases()},
		{"DenseForward", denseForwardCases()},
		{"DenseBackward", denseBackwardCases()},
		{"DropoutForward", dropoutForwardCases()},
		{"DropoutBackward", dropoutBackwardCases()},
		{"SoftmaxCrossEntropy", softmaxCases()},
		{"SGDUpdate", sgdCases()},
	}
}

// invalid is an error case that must return an error wrapping
// kernels.ErrShape.
func invalid(name string, fail func(s *session) error) testCase {
	return testCase{name: name, fail: fail}
}

// rejected is an error case where any error will do: the tensor was freed
// or belongs to another backend, which each backend detects its own way.
func rejected(name string, fail func(s *session) error) testCase {
	return testCase{name: name, fail: fail, anyErr: true}
}

// foreign is a tensor that no backend made.
type foreign struct{ shape []int }

func (f foreign) Shape() []int { return f.shape }
func (f foreign) Len() int     { return numel(f.shape) }

// ---- memory ----

func memoryCases() []testCase {
	return []testCase{
		{name: "alloc_is_zeroed", run: func(s *session) []value {
			return []value{s.read("data", s.alloc(3, 5, 7))}
		}},
		{name: "roundtrip_special_values", run: func(s *session) []value {
			v := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.MaxFloat32, -math.SmallestNonzeroFloat32,
				1e-40, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
			return []value{s.read("data", s.tensor(v, 2, 5))}
		}},
		{name: "roundtrip_random_2x16x14x14", run: func(s *session) []value {
			return []value{s.read("data", s.rand(1, 2, 16, 14, 14))}
		}},
		{name: "reshape_shares_memory", run: func(s *session) []value {
			iota := make([]float32, 24)
			for i := range iota {
				iota[i] = float32(i)
			}
			t := s.tensor(iota, 2, 3, 4)
			if s.err != nil {
				return nil
			}
			v, err := s.o.Reshape(t, 4, 6)
			s.call("Reshape", err)
			if s.err != nil {
				return nil
			}
			s.call("CopyIn to the view", s.o.CopyIn(v, s.uniform(24, 1)))
			s.call("ReLUForward on the view", s.o.ReLUForward(v, v))
			return []value{s.read("data", t), s.read("view", v)}
		}},
		invalid("err_alloc_empty_shape", func(s *session) error {
			_, err := s.o.Alloc()
			return err
		}),
		invalid("err_alloc_zero_dim", func(s *session) error {
			_, err := s.o.Alloc(2, 0, 3)
			return err
		}),
		invalid("err_alloc_negative_dim", func(s *session) error {
			_, err := s.o.Alloc(2, -1)
			return err
		}),
		invalid("err_reshape_count", func(s *session) error {
			_, err := s.o.Reshape(s.alloc(2, 3, 4), 5, 5)
			return err
		}),
		invalid("err_copyin_length", func(s *session) error {
			return s.o.CopyIn(s.alloc(2, 3), make([]float32, 5))
		}),
		invalid("err_copyout_length", func(s *session) error {
			return s.o.CopyOut(make([]float32, 7), s.alloc(2, 3))
		}),
		rejected("err_copyout_after_free", func(s *session) error {
			t := s.alloc(2, 3)
			s.free(t)
			return s.o.CopyOut(make([]float32, 6), t)
		}),
		rejected("err_free_foreign", func(s *session) error {
			return s.o.Free(foreign{[]int{2, 3}})
		}),
	}
}

// ---- convolution ----

// convShape is one convolution geometry: x (N,C,H,W), w (K,C,R,S).
type convShape struct {
	name                string
	n, c, h, w, k, r, s int
	p                   kernels.Conv
}

func convShapes() []convShape {
	pad := func(sh, sw, ph, pw int) kernels.Conv {
		return kernels.Conv{StrideH: sh, StrideW: sw, PadH: ph, PadW: pw}
	}
	return []convShape{
		// The VGG hot case and the first layer of a grey-scale VGG.
		{"vgg_c16_k32_14x14_n2_3x3_pad1", 2, 16, 14, 14, 32, 3, 3, pad(1, 1, 1, 1)},
		{"first_c1_k16_16x16_n2_3x3_pad1", 2, 1, 16, 16, 16, 3, 3, pad(1, 1, 1, 1)},
		// Winograd-sized ones (3x3, stride 1, pad 1, 8+ channels): partial
		// tiles at the bottom and right, K != C, and 64 channels summed.
		{"wino_c9_k11_13x10_n3_3x3_pad1", 3, 9, 13, 10, 11, 3, 3, pad(1, 1, 1, 1)},
		{"wino_c64_k8_9x8_n1_3x3_pad1", 1, 64, 9, 8, 8, 3, 3, pad(1, 1, 1, 1)},
		// Awkward ones.
		{"c3_k5_3x5_n1_3x3_pad1", 1, 3, 3, 5, 5, 3, 3, pad(1, 1, 1, 1)},
		{"c7_k13_10x9_3x3_stride2_pad0_untiled", 2, 7, 10, 9, 13, 3, 3, pad(2, 2, 0, 0)},
		{"c5_k3_7x6_n3_5x5_pad2", 3, 5, 7, 6, 3, 5, 5, pad(1, 1, 2, 2)},
		{"c13_k7_5x6_1x1", 2, 13, 5, 6, 7, 1, 1, pad(1, 1, 0, 0)},
		{"c3_k4_11x10_5x5_stride2_pad2", 2, 3, 11, 10, 4, 5, 5, pad(2, 2, 2, 2)},
		{"c5_k6_8x7_3x1_stride2x1_pad1x0", 2, 5, 8, 7, 6, 3, 1, pad(2, 1, 1, 0)},
		{"c3_k3_8x7_n1_1x1_stride3", 1, 3, 8, 7, 3, 1, 1, pad(3, 3, 0, 0)},
		{"c1_k1_3x5_n1_filter_is_image", 1, 1, 3, 5, 1, 3, 5, pad(1, 1, 0, 0)},
	}
}

// out is the output size (P,Q) of the geometry.
func (cs convShape) out() (int, int) {
	p, q, err := kernels.ConvOut(cs.h, cs.w, cs.r, cs.s, cs.p)
	if err != nil {
		panic(fmt.Sprintf("kerneltest: bad conv case %s: %v", cs.name, err))
	}
	return p, q
}

// filter draws w with variance 1/fan-in, so outputs are O(1).
func (cs convShape) filter(s *session) kernels.Tensor {
	return s.rand(math.Sqrt(3/float64(cs.c*cs.r*cs.s)), cs.k, cs.c, cs.r, cs.s)
}

func convForward(cs convShape, relu bool) func(s *session) []value {
	return func(s *session) []value {
		p := cs.p
		p.ReLU = relu
		P, Q := cs.out()
		x := s.rand(1, cs.n, cs.c, cs.h, cs.w)
		w := cs.filter(s)
		b := s.rand(0.5, cs.k)
		y := s.output(cs.n, cs.k, P, Q)
		s.call("Conv2DForward", s.o.Conv2DForward(x, w, b, y, p))
		return []value{s.read("y", y)}
	}
}

func convForwardCases() []testCase {
	var cases []testCase
	for i, cs := range convShapes() {
		cases = append(cases, testCase{name: cs.name, run: convForward(cs, false)})
		if i < 3 {
			cases = append(cases, testCase{name: cs.name + "_relu", run: convForward(cs, true)})
		}
	}
	// Small valid tensors for the error cases: x (1,3,5,5), w (4,3,3,3), pad 1.
	valid := func(s *session) (x, w, b, y kernels.Tensor) {
		return s.rand(1, 1, 3, 5, 5), s.rand(1, 4, 3, 3, 3), s.rand(1, 4), s.alloc(1, 4, 5, 5)
	}
	p := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	return append(cases,
		invalid("err_channels", func(s *session) error {
			x, _, b, y := valid(s)
			return s.o.Conv2DForward(x, s.alloc(4, 2, 3, 3), b, y, p)
		}),
		invalid("err_y_shape", func(s *session) error {
			x, w, b, _ := valid(s)
			return s.o.Conv2DForward(x, w, b, s.alloc(1, 4, 3, 3), p)
		}),
		invalid("err_bias_length", func(s *session) error {
			x, w, _, y := valid(s)
			return s.o.Conv2DForward(x, w, s.alloc(5), y, p)
		}),
		invalid("err_x_rank3", func(s *session) error {
			_, w, b, y := valid(s)
			return s.o.Conv2DForward(s.alloc(3, 5, 5), w, b, y, p)
		}),
		invalid("err_filter_larger_than_input", func(s *session) error {
			return s.o.Conv2DForward(s.alloc(1, 1, 2, 2), s.alloc(1, 1, 3, 3), s.alloc(1), s.alloc(1, 1, 1, 1), kernels.Conv{StrideH: 1, StrideW: 1})
		}),
		invalid("err_stride_zero", func(s *session) error {
			x, w, b, y := valid(s)
			return s.o.Conv2DForward(x, w, b, y, kernels.Conv{StrideH: 0, StrideW: 1, PadH: 1, PadW: 1})
		}),
		invalid("err_negative_pad", func(s *session) error {
			x, w, b, y := valid(s)
			return s.o.Conv2DForward(x, w, b, y, kernels.Conv{StrideH: 1, StrideW: 1, PadH: -1, PadW: 1})
		}),
		invalid("err_nil_x", func(s *session) error {
			_, w, b, y := valid(s)
			return s.o.Conv2DForward(nil, w, b, y, p)
		}),
		invalid("err_nil_b", func(s *session) error {
			x, w, _, y := valid(s)
			return s.o.Conv2DForward(x, w, nil, y, p)
		}),
		rejected("err_foreign_x", func(s *session) error {
			_, w, b, y := valid(s)
			return s.o.Conv2DForward(foreign{[]int{1, 3, 5, 5}}, w, b, y, p)
		}),
		rejected("err_freed_w", func(s *session) error {
			x, w, b, y := valid(s)
			s.free(w)
			return s.o.Conv2DForward(x, w, b, y, p)
		}),
	)
}

func convBackwardData(cs convShape, relu bool) func(s *session) []value {
	return func(s *session) []value {
		p := cs.p
		p.ReLU = relu
		P, Q := cs.out()
		dy := s.rand(1, cs.n, cs.k, P, Q)
		w := cs.filter(s)
		dx := s.output(cs.n, cs.c, cs.h, cs.w)
		s.call("Conv2DBackwardData", s.o.Conv2DBackwardData(dy, w, dx, p))
		return []value{s.read("dx", dx)}
	}
}

func convBackwardDataCases() []testCase {
	var cases []testCase
	for i, cs := range convShapes() {
		cases = append(cases, testCase{name: cs.name, run: convBackwardData(cs, false)})
		if i == 0 {
			// The gradient is that of conv(x, w) alone: the ReLU flag is ignored.
			cases = append(cases, testCase{name: cs.name + "_relu_flag_ignored", run: convBackwardData(cs, true)})
		}
	}
	valid := func(s *session) (dy, w, dx kernels.Tensor) {
		return s.rand(1, 1, 4, 5, 5), s.rand(1, 4, 3, 3, 3), s.alloc(1, 3, 5, 5)
	}
	p := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	return append(cases,
		invalid("err_dx_shape", func(s *session) error {
			dy, w, _ := valid(s)
			return s.o.Conv2DBackwardData(dy, w, s.alloc(1, 3, 6, 5), p)
		}),
		invalid("err_dy_shape", func(s *session) error {
			_, w, dx := valid(s)
			return s.o.Conv2DBackwardData(s.alloc(1, 5, 5, 5), w, dx, p)
		}),
		invalid("err_channels", func(s *session) error {
			dy, _, dx := valid(s)
			return s.o.Conv2DBackwardData(dy, s.alloc(4, 2, 3, 3), dx, p)
		}),
		invalid("err_nil_w", func(s *session) error {
			dy, _, dx := valid(s)
			return s.o.Conv2DBackwardData(dy, nil, dx, p)
		}),
	)
}

func convBackwardFilter(cs convShape) func(s *session) []value {
	return func(s *session) []value {
		P, Q := cs.out()
		x := s.rand(1, cs.n, cs.c, cs.h, cs.w)
		dy := s.rand(1, cs.n, cs.k, P, Q)
		dw := s.output(cs.k, cs.c, cs.r, cs.s)
		db := s.output(cs.k)
		s.call("Conv2DBackwardFilter", s.o.Conv2DBackwardFilter(x, dy, dw, db, cs.p))
		return []value{s.read("dw", dw), s.read("db", db)}
	}
}

func convBackwardFilterCases() []testCase {
	var cases []testCase
	for _, cs := range convShapes() {
		cases = append(cases, testCase{name: cs.name, run: convBackwardFilter(cs)})
	}
	valid := func(s *session) (x, dy, dw, db kernels.Tensor) {
		return s.rand(1, 1, 3, 5, 5), s.rand(1, 1, 4, 5, 5), s.alloc(4, 3, 3, 3), s.alloc(4)
	}
	p := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	return append(cases,
		invalid("err_dw_shape", func(s *session) error {
			x, dy, _, db := valid(s)
			return s.o.Conv2DBackwardFilter(x, dy, s.alloc(4, 3, 3, 2), db, p)
		}),
		invalid("err_db_length", func(s *session) error {
			x, dy, dw, _ := valid(s)
			return s.o.Conv2DBackwardFilter(x, dy, dw, s.alloc(3), p)
		}),
		invalid("err_dy_shape", func(s *session) error {
			x, _, dw, db := valid(s)
			return s.o.Conv2DBackwardFilter(x, s.alloc(2, 4, 5, 5), dw, db, p)
		}),
		invalid("err_nil_db", func(s *session) error {
			x, dy, dw, _ := valid(s)
			return s.o.Conv2DBackwardFilter(x, dy, dw, nil, p)
		}),
	)
}

// ---- max pooling ----

// poolShape is one pooling geometry on x (N,C,H,W); ties draws x from three
// levels so that windows hold several maxima.
type poolShape struct {
	name       string
	n, c, h, w int
	p          kernels.Pool
	ties       bool
}

func poolShapes() []poolShape {
	win := func(wh, ww, sh, sw int) kernels.Pool {
		return kernels.Pool{WindowH: wh, WindowW: ww, StrideH: sh, StrideW: sw}
	}
	return []poolShape{
		{"vgg_c16_14x14_n2_2x2_stride2", 2, 16, 14, 14, win(2, 2, 2, 2), false},
		{"c3_7x7_2x2_stride2_untiled", 2, 3, 7, 7, win(2, 2, 2, 2), false},
		{"c5_9x9_3x3_stride2_overlapping", 2, 5, 9, 9, win(3, 3, 2, 2), false},
		{"c7_8x7_n1_3x3_stride2_overlapping_untiled", 1, 7, 8, 7, win(3, 3, 2, 2), false},
		{"c3_6x7_3x2_stride1x2", 2, 3, 6, 7, win(3, 2, 1, 2), false},
		{"c1_3x5_n1_2x2_stride1", 1, 1, 3, 5, win(2, 2, 1, 1), false},
		{"c13_10x11_3x3_stride3_untiled", 2, 13, 10, 11, win(3, 3, 3, 3), false},
		{"c13_5x5_global", 2, 13, 5, 5, win(5, 5, 5, 5), false},
		{"c5_5x6_1x1_stride2", 1, 5, 5, 6, win(1, 1, 2, 2), false},
		{"ties_vgg_c16_14x14_n2_2x2_stride2", 2, 16, 14, 14, win(2, 2, 2, 2), true},
		{"ties_c5_9x9_3x3_stride2_overlapping", 2, 5, 9, 9, win(3, 3, 2, 2), true},
		{"ties_c3_6x7_3x2_stride1x2", 2, 3, 6, 7, win(3, 2, 1, 2), true},
	}
}

func (ps poolShape) input(s *session) []float32 {
	if ps.ties {
		return s.levels(ps.n*ps.c*ps.h*ps.w, 3)
	}
	return s.uniform(ps.n*ps.c*ps.h*ps.w, 1)
}

func (ps poolShape) out() (int, int) {
	p, q, err := kernels.PoolOut(ps.h, ps.w, ps.p)
	if err != nil {
		panic(fmt.Sprintf("kerneltest: bad pool case %s: %v", ps.name, err))
	}
	return p, q
}

func poolForwardCases() []testCase {
	var cases []testCase
	for _, ps := range poolShapes() {
		cases = append(cases, testCase{name: ps.name, run: func(s *session) []value {
			P, Q := ps.out()
			x := s.tensor(ps.input(s), ps.n, ps.c, ps.h, ps.w)
			y := s.output(ps.n, ps.c, P, Q)
			s.call("MaxPoolForward", s.o.MaxPoolForward(x, y, ps.p))
			return []value{s.read("y", y)}
		}})
	}
	p := kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}
	return append(cases,
		invalid("err_y_shape", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 2), p)
		}),
		invalid("err_y_channels", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(1, 2, 6, 6), s.alloc(1, 3, 3, 3), p)
		}),
		invalid("err_window_larger_than_input", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(1, 2, 1, 6), s.alloc(1, 2, 1, 3), p)
		}),
		invalid("err_stride_zero", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 3), kernels.Pool{WindowH: 2, WindowW: 2, StrideW: 2})
		}),
		invalid("err_x_rank2", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(6, 6), s.alloc(1, 2, 3, 3), p)
		}),
		invalid("err_nil_y", func(s *session) error {
			return s.o.MaxPoolForward(s.alloc(1, 2, 6, 6), nil, p)
		}),
	)
}

// refPool is ref's max pool of x, as host data: MaxPoolBackward's y input,
// made independently of the backend under test.
func refPool(x []float32, ps poolShape) []float32 {
	P, Q := ps.out()
	xt := hostTensor(x, ps.n, ps.c, ps.h, ps.w)
	yt := hostTensor(nil, ps.n, ps.c, P, Q)
	if err := ref.New().MaxPoolForward(xt, yt, ps.p); err != nil {
		panic(fmt.Sprintf("kerneltest: ref.MaxPoolForward: %v", err))
	}
	return yt.Data()
}

// hostTensor is a host tensor holding a copy of data (zeros when nil).
func hostTensor(data []float32, shape ...int) *kernels.HostTensor {
	t, err := kernels.NewHostTensor(shape...)
	if err != nil {
		panic(fmt.Sprintf("kerneltest: %v", err))
	}
	copy(t.Data(), data)
	return t
}

func poolBackwardCases() []testCase {
	var cases []testCase
	for _, ps := range poolShapes() {
		cases = append(cases, testCase{name: ps.name, run: func(s *session) []value {
			P, Q := ps.out()
			xd := ps.input(s)
			x := s.tensor(xd, ps.n, ps.c, ps.h, ps.w)
			y := s.tensor(refPool(xd, ps), ps.n, ps.c, P, Q)
			dy := s.rand(1, ps.n, ps.c, P, Q)
			dx := s.output(ps.n, ps.c, ps.h, ps.w)
			s.call("MaxPoolBackward", s.o.MaxPoolBackward(x, y, dy, dx, ps.p))
			return []value{s.read("dx", dx)}
		}})
	}
	p := kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}
	return append(cases,
		invalid("err_dx_shape", func(s *session) error {
			return s.o.MaxPoolBackward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 3), s.alloc(1, 2, 3, 3), s.alloc(1, 2, 6, 5), p)
		}),
		invalid("err_dy_shape", func(s *session) error {
			return s.o.MaxPoolBackward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 3), s.alloc(1, 2, 3, 2), s.alloc(1, 2, 6, 6), p)
		}),
		invalid("err_nil_dx", func(s *session) error {
			return s.o.MaxPoolBackward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 3), s.alloc(1, 2, 3, 3), nil, p)
		}),
		invalid("err_nil_dy", func(s *session) error {
			return s.o.MaxPoolBackward(s.alloc(1, 2, 6, 6), s.alloc(1, 2, 3, 3), nil, s.alloc(1, 2, 6, 6), p)
		}),
	)
}

// ---- ReLU ----

// elementwiseShapes are the shapes of the elementwise ops: any rank.
func elementwiseShapes() [][]int {
	return [][]int{{2, 16, 14, 14}, {1, 1, 3, 5}, {3, 7}, {13}}
}

func shapeName(shape []int) string {
	name := ""
	for i, d := range shape {
		if i > 0 {
			name += "x"
		}
		name += fmt.Sprint(d)
	}
	return name
}

// withZeros draws n values uniform in [-1,1) of which about one in eight is
// exactly 0, the boundary of ReLU.
func withZeros(s *session, n int) []float32 {
	v := s.uniform(n, 1)
	for i := range v {
		if s.rng.IntN(8) == 0 {
			v[i] = 0
		}
	}
	return v
}

func reluForwardCases() []testCase {
	var cases []testCase
	for _, sh := range elementwiseShapes() {
		cases = append(cases, testCase{name: shapeName(sh), run: func(s *session) []value {
			x := s.tensor(withZeros(s, numel(sh)), sh...)
			y := s.output(sh...)
			s.call("ReLUForward", s.o.ReLUForward(x, y))
			return []value{s.read("y", y)}
		}})
	}
	sh := []int{2, 16, 14, 14}
	return append(cases,
		testCase{name: "in_place_" + shapeName(sh), run: func(s *session) []value {
			x := s.tensor(withZeros(s, numel(sh)), sh...)
			s.call("ReLUForward", s.o.ReLUForward(x, x))
			return []value{s.read("y", x)}
		}},
		invalid("err_shape_same_count", func(s *session) error {
			return s.o.ReLUForward(s.alloc(2, 3), s.alloc(3, 2))
		}),
		invalid("err_nil_x", func(s *session) error {
			return s.o.ReLUForward(nil, s.alloc(2, 3))
		}),
		rejected("err_freed_x", func(s *session) error {
			x := s.alloc(2, 3)
			s.free(x)
			return s.o.ReLUForward(x, s.alloc(2, 3))
		}),
		rejected("err_foreign_y", func(s *session) error {
			return s.o.ReLUForward(s.alloc(2, 3), foreign{[]int{2, 3}})
		}),
	)
}

func reluBackwardCases() []testCase {
	run := func(sh []int, inPlace bool) func(s *session) []value {
		return func(s *session) []value {
			yd := withZeros(s, numel(sh))
			for i, v := range yd {
				yd[i] = max(v, 0)
			}
			y := s.tensor(yd, sh...)
			dy := s.rand(1, sh...)
			dx := dy
			if !inPlace {
				dx = s.output(sh...)
			}
			s.call("ReLUBackward", s.o.ReLUBackward(y, dy, dx))
			return []value{s.read("dx", dx)}
		}
	}
	var cases []testCase
	for _, sh := range elementwiseShapes() {
		cases = append(cases, testCase{name: shapeName(sh), run: run(sh, false)})
	}
	return append(cases,
		testCase{name: "in_place_2x16x14x14", run: run([]int{2, 16, 14, 14}, true)},
		invalid("err_dy_shape", func(s *session) error {
			return s.o.ReLUBackward(s.alloc(2, 3), s.alloc(2, 4), s.alloc(2, 3))
		}),
		invalid("err_dx_shape", func(s *session) error {
			return s.o.ReLUBackward(s.alloc(2, 3), s.alloc(2, 3), s.alloc(6))
		}),
		invalid("err_nil_y", func(s *session) error {
			return s.o.ReLUBackward(nil, s.alloc(2, 3), s.alloc(2, 3))
		}),
	)
}

// ---- dense ----

// denseShape is one dense layer: x (N,In), w (Out,In).
type denseShape struct {
	name         string
	n, in, outer int
}

func denseShapes() []denseShape {
	return []denseShape{
		{"fc_n4_in300_out200", 4, 300, 200},
		{"classifier_n3_in13_out10", 3, 13, 10},
		{"n1_in7_out3", 1, 7, 3},
		{"n5_in64_out1", 5, 64, 1},
	}
}

func (ds denseShape) weights(s *session) kernels.Tensor {
	return s.rand(math.Sqrt(3/float64(ds.in)), ds.outer, ds.in)
}

func denseForwardCases() []testCase {
	var cases []testCase
	for _, ds := range denseShapes() {
		cases = append(cases, testCase{name: ds.name, run: func(s *session) []value {
			x := s.rand(1, ds.n, ds.in)
			w := ds.weights(s)
			b := s.rand(0.5, ds.outer)
			y := s.output(ds.n, ds.outer)
			s.call("DenseForward", s.o.DenseForward(x, w, b, y))
			return []value{s.read("y", y)}
		}})
	}
	return append(cases,
		invalid("err_in_features", func(s *session) error {
			return s.o.DenseForward(s.alloc(2, 5), s.alloc(3, 4), s.alloc(3), s.alloc(2, 3))
		}),
		invalid("err_y_shape", func(s *session) error {
			return s.o.DenseForward(s.alloc(2, 5), s.alloc(3, 5), s.alloc(3), s.alloc(3, 2))
		}),
		invalid("err_bias_length", func(s *session) error {
			return s.o.DenseForward(s.alloc(2, 5), s.alloc(3, 5), s.alloc(5), s.alloc(2, 3))
		}),
		invalid("err_x_rank4", func(s *session) error {
			return s.o.DenseForward(s.alloc(2, 5, 1, 1), s.alloc(3, 5), s.alloc(3), s.alloc(2, 3))
		}),
		invalid("err_nil_w", func(s *session) error {
			return s.o.DenseForward(s.alloc(2, 5), nil, s.alloc(3), s.alloc(2, 3))
		}),
	)
}

func denseBackwardCases() []testCase {
	run := func(ds denseShape, withDx bool) func(s *session) []value {
		return func(s *session) []value {
			x := s.rand(1, ds.n, ds.in)
			w := ds.weights(s)
			dy := s.rand(1, ds.n, ds.outer)
			var dx kernels.Tensor
			if withDx {
				dx = s.output(ds.n, ds.in)
			}
			dw := s.output(ds.outer, ds.in)
			db := s.output(ds.outer)
			s.call("DenseBackward", s.o.DenseBackward(x, w, dy, dx, dw, db))
			vals := []value{s.read("dw", dw), s.read("db", db)}
			if withDx {
				vals = append(vals, s.read("dx", dx))
			}
			return vals
		}
	}
	var cases []testCase
	for _, ds := range denseShapes() {
		cases = append(cases, testCase{name: ds.name, run: run(ds, true)})
	}
	valid := func(s *session) (x, w, dy, dx, dw, db kernels.Tensor) {
		return s.rand(1, 2, 5), s.rand(1, 3, 5), s.rand(1, 2, 3), s.alloc(2, 5), s.alloc(3, 5), s.alloc(3)
	}
	return append(cases,
		testCase{name: "nil_dx_" + denseShapes()[1].name, run: run(denseShapes()[1], false)},
		invalid("err_dw_shape", func(s *session) error {
			x, w, dy, dx, _, db := valid(s)
			return s.o.DenseBackward(x, w, dy, dx, s.alloc(5, 3), db)
		}),
		invalid("err_dx_shape", func(s *session) error {
			x, w, dy, _, dw, db := valid(s)
			return s.o.DenseBackward(x, w, dy, s.alloc(2, 4), dw, db)
		}),
		invalid("err_db_length", func(s *session) error {
			x, w, dy, dx, dw, _ := valid(s)
			return s.o.DenseBackward(x, w, dy, dx, dw, s.alloc(2))
		}),
		invalid("err_dy_shape", func(s *session) error {
			x, w, _, dx, dw, db := valid(s)
			return s.o.DenseBackward(x, w, s.alloc(3, 3), dx, dw, db)
		}),
		invalid("err_nil_dw", func(s *session) error {
			x, w, dy, dx, _, db := valid(s)
			return s.o.DenseBackward(x, w, dy, dx, nil, db)
		}),
	)
}

// ---- dropout ----

// dropoutShape is one dropout call on a tensor of the given shape.
type dropoutShape struct {
	name  string
	shape []int
	rate  float32
	seed  uint64
}

func dropoutShapes() []dropoutShape {
	return []dropoutShape{
		{"n2_f300_rate0.5", []int{2, 300}, 0.5, 1},
		{"nchw_1x1x3x5_rate0.3", []int{1, 1, 3, 5}, 0.3, 7},
		{"n4_f50_rate0_keeps_all", []int{4, 50}, 0, 3},
		{"nchw_2x16x14x14_rate0.9", []int{2, 16, 14, 14}, 0.9, 42},
		{"n3_f13_rate0.25_max_seed", []int{3, 13}, 0.25, math.MaxUint64},
		{"n2_f4096_rate0.7", []int{2, 4096}, 0.7, 0xC0FFEE},
	}
}

// refMask is ref's dropout mask, as host data: DropoutBackward's mask input.
func refMask(d dropoutShape) []float32 {
	x := hostTensor(nil, d.shape...)
	m := hostTensor(nil, d.shape...)
	if err := ref.New().DropoutForward(x, m, x, d.rate, d.seed); err != nil {
		panic(fmt.Sprintf("kerneltest: ref.DropoutForward: %v", err))
	}
	return m.Data()
}

func dropoutForwardCases() []testCase {
	run := func(d dropoutShape, inPlace bool) func(s *session) []value {
		return func(s *session) []value {
			x := s.rand(1, d.shape...)
			mask := s.output(d.shape...)
			y := x
			if !inPlace {
				y = s.output(d.shape...)
			}
			s.call("DropoutForward", s.o.DropoutForward(x, mask, y, d.rate, d.seed))
			return []value{s.read("mask", mask), s.read("y", y)}
		}
	}
	var cases []testCase
	for _, d := range dropoutShapes() {
		cases = append(cases, testCase{name: d.name, run: run(d, false)})
	}
	valid := func(s *session) (x, mask, y kernels.Tensor) {
		return s.rand(1, 2, 6), s.alloc(2, 6), s.alloc(2, 6)
	}
	bad := func(rate float32) func(s *session) error {
		return func(s *session) error {
			x, mask, y := valid(s)
			return s.o.DropoutForward(x, mask, y, rate, 1)
		}
	}
	return append(cases,
		testCase{name: "in_place_" + dropoutShapes()[0].name, run: run(dropoutShapes()[0], true)},
		invalid("err_rate_1", bad(1)),
		invalid("err_rate_negative", bad(-0.1)),
		invalid("err_rate_nan", bad(float32(math.NaN()))),
		invalid("err_mask_shape", func(s *session) error {
			x, _, y := valid(s)
			return s.o.DropoutForward(x, s.alloc(6, 2), y, 0.5, 1)
		}),
		invalid("err_nil_mask", func(s *session) error {
			x, _, y := valid(s)
			return s.o.DropoutForward(x, nil, y, 0.5, 1)
		}),
	)
}

func dropoutBackwardCases() []testCase {
	run := func(d dropoutShape, inPlace bool) func(s *session) []value {
		return func(s *session) []value {
			dy := s.rand(1, d.shape...)
			mask := s.tensor(refMask(d), d.shape...)
			dx := dy
			if !inPlace {
				dx = s.output(d.shape...)
			}
			s.call("DropoutBackward", s.o.DropoutBackward(dy, mask, dx))
			return []value{s.read("dx", dx)}
		}
	}
	var cases []testCase
	for _, d := range dropoutShapes() {
		cases = append(cases, testCase{name: d.name, run: run(d, false)})
	}
	return append(cases,
		testCase{name: "in_place_" + dropoutShapes()[0].name, run: run(dropoutShapes()[0], true)},
		invalid("err_mask_shape", func(s *session) error {
			return s.o.DropoutBackward(s.alloc(2, 6), s.alloc(2, 5), s.alloc(2, 6))
		}),
		invalid("err_nil_dy", func(s *session) error {
			return s.o.DropoutBackward(nil, s.alloc(2, 6), s.alloc(2, 6))
		}),
	)
}

// ---- softmax cross-entropy ----

// softmaxShape is one SoftmaxCrossEntropy call on logits (N,K) uniform in
// [-scale, scale), or from two levels with ties.
type softmaxShape struct {
	name     string
	n, k     int
	scale    float64
	ties     bool
	dlogits  bool
	allEqual bool
}

func softmaxShapes() []softmaxShape {
	return []softmaxShape{
		{name: "n4_k10", n: 4, k: 10, scale: 3, dlogits: true},
		{name: "n1_k3", n: 1, k: 3, scale: 3, dlogits: true},
		{name: "n5_k1000", n: 5, k: 1000, scale: 3, dlogits: true},
		{name: "n8_k10_large_logits_need_max_shift", n: 8, k: 10, scale: 1000, dlogits: true},
		{name: "n16_k5_ties_first_argmax", n: 16, k: 5, ties: true, dlogits: true},
		{name: "n3_k7_all_equal", n: 3, k: 7, allEqual: true, dlogits: true},
		{name: "n4_k10_nil_dlogits", n: 4, k: 10, scale: 3},
	}
}

func softmaxRun(sm softmaxShape) func(s *session) []value {
	return func(s *session) []value {
		var logits, labels []float32
		switch {
		case sm.ties:
			logits = s.levels(sm.n*sm.k, 2)
		case sm.allEqual:
			logits = make([]float32, sm.n*sm.k)
		default:
			logits = s.uniform(sm.n*sm.k, sm.scale)
		}
		for i := 0; i < sm.n; i++ {
			row := logits[i*sm.k : (i+1)*sm.k]
			label := s.rng.IntN(sm.k)
			if sm.ties && i%2 == 0 {
				// A label among the tied maxima: correct only when it is the first.
				var maxima []int
				for j, v := range row {
					if v == 1 {
						maxima = append(maxima, j)
					}
				}
				if len(maxima) > 0 {
					label = maxima[s.rng.IntN(len(maxima))]
				}
			}
			labels = append(labels, float32(label))
		}
		lt := s.tensor(logits, sm.n, sm.k)
		lb := s.tensor(labels, sm.n)
		var dl kernels.Tensor
		if sm.dlogits {
			dl = s.output(sm.n, sm.k)
		}
		if s.err != nil {
			return nil
		}
		loss, correct, err := s.o.SoftmaxCrossEntropy(lt, lb, dl)
		s.call("SoftmaxCrossEntropy", err)
		vals := []value{s.scalar("loss", loss), s.scalar("correct", float64(correct))}
		if sm.dlogits {
			vals = append(vals, s.read("dlogits", dl))
		}
		return vals
	}
}

func softmaxCases() []testCase {
	var cases []testCase
	for _, sm := range softmaxShapes() {
		cases = append(cases, testCase{name: sm.name, run: softmaxRun(sm)})
	}
	call := func(s *session, labels []float32, dl kernels.Tensor) error {
		_, _, err := s.o.SoftmaxCrossEntropy(s.rand(1, 3, 4), s.tensor(labels, len(labels)), dl)
		return err
	}
	badLabel := func(label float32) func(s *session) error {
		return func(s *session) error { return call(s, []float32{0, label, 1}, s.alloc(3, 4)) }
	}
	return append(cases,
		invalid("err_label_equals_k", badLabel(4)),
		invalid("err_label_negative", badLabel(-1)),
		invalid("err_label_fractional", badLabel(1.5)),
		invalid("err_label_nan", badLabel(float32(math.NaN()))),
		invalid("err_label_nil_dlogits", func(s *session) error { return call(s, []float32{0, 9, 1}, nil) }),
		invalid("err_labels_length", func(s *session) error { return call(s, []float32{0, 1}, s.alloc(3, 4)) }),
		invalid("err_dlogits_shape", func(s *session) error { return call(s, []float32{0, 1, 2}, s.alloc(4, 3)) }),
		invalid("err_logits_rank3", func(s *session) error {
			_, _, err := s.o.SoftmaxCrossEntropy(s.alloc(3, 4, 1), s.alloc(3), nil)
			return err
		}),
		invalid("err_nil_labels", func(s *session) error {
			_, _, err := s.o.SoftmaxCrossEntropy(s.alloc(3, 4), nil, nil)
			return err
		}),
	)
}

// ---- SGD ----

func sgdCases() []testCase {
	run := func(shape []int, lr float32) func(s *session) []value {
		return func(s *session) []value {
			w := s.rand(1, shape...)
			dw := s.rand(1, shape...)
			s.call("SGDUpdate", s.o.SGDUpdate(w, dw, lr))
			return []value{s.read("w", w)}
		}
	}
	return []testCase{
		{name: "conv_32x16x3x3_lr0.01", run: run([]int{32, 16, 3, 3}, 0.01)},
		{name: "fc_200x300_lr0.05", run: run([]int{200, 300}, 0.05)},
		{name: "bias_13_lr1", run: run([]int{13}, 1)},
		{name: "lr0_unchanged_3x5", run: run([]int{3, 5}, 0)},
		{name: "lr_negative_7x3", run: run([]int{7, 3}, -0.1)},
		invalid("err_shape", func(s *session) error {
			return s.o.SGDUpdate(s.alloc(3, 4), s.alloc(4, 3), 0.1)
		}),
		invalid("err_nil_dw", func(s *session) error {
			return s.o.SGDUpdate(s.alloc(3, 4), nil, 0.1)
		}),
		rejected("err_foreign_dw", func(s *session) error {
			return s.o.SGDUpdate(s.alloc(3, 4), foreign{[]int{3, 4}}, 0.1)
		}),
	}
}
