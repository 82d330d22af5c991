package kerneltest

import (
	"fmt"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

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
