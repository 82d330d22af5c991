package kerneltest

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
