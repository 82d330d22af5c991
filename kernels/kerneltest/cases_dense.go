package kerneltest

import (
	"math"

	"github.com/vggo/vggo/kernels"
)

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
