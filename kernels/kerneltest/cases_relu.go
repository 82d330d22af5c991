package kerneltest

import (
	"fmt"
)

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
