package kerneltest

import (
	"fmt"
	"math"

	"github.com/vggo/vggo/kernels"
)

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
