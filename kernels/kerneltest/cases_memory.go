package kerneltest

import (
	"math"
)

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
