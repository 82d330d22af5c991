package kerneltest

import (
	"fmt"
	"math"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

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
