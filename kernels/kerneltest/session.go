package kerneltest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vggo/vggo/kernels"
)

// session runs one case on one backend. It draws the case's host data from a
// generator seeded by the case, so every backend sees the same inputs; it
// remembers the first error of any call, after which calls are skipped; and
// it frees the tensors it allocated when the case is done.
type session struct {
	o    kernels.Ops
	rng  *rand.Rand
	err  error
	live []kernels.Tensor
}

func newSession(o kernels.Ops, seed uint64) *session {
	return &session{o: o, rng: rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15))}
}

// note records err, labelled with what was being done, if it is the first.
func (s *session) note(what string, err error) {
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("%s: %w", what, err)
	}
}

// call records the error of the op under test.
func (s *session) call(op string, err error) { s.note(op, err) }

// uniform draws n host values uniform in [-scale, scale).
func (s *session) uniform(n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32((2*s.rng.Float64() - 1) * scale)
	}
	return v
}

// levels draws n host values from the integers 0..k-1, so that ties are
// common.
func (s *session) levels(n, k int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(s.rng.IntN(k))
	}
	return v
}

// alloc allocates a tensor on the backend under test.
func (s *session) alloc(shape ...int) kernels.Tensor {
	if s.err != nil {
		return nil
	}
	t, err := s.o.Alloc(shape...)
	s.note(fmt.Sprintf("Alloc%v", shape), err)
	if err != nil {
		return nil
	}
	s.live = append(s.live, t)
	return t
}

// tensor allocates a tensor of the given shape holding data.
func (s *session) tensor(data []float32, shape ...int) kernels.Tensor {
	t := s.alloc(shape...)
	if t == nil {
		return nil
	}
	s.note(fmt.Sprintf("CopyIn%v", shape), s.o.CopyIn(t, data))
	return t
}

// rand allocates a tensor of values uniform in [-scale, scale).
func (s *session) rand(scale float64, shape ...int) kernels.Tensor {
	return s.tensor(s.uniform(numel(shape), scale), shape...)
}

// output allocates an output tensor filled with NaN, so that an op that
// leaves an element unwritten, or adds to it instead of overwriting it, is
// caught.
func (s *session) output(shape ...int) kernels.Tensor {
	v := make([]float32, numel(shape))
	for i := range v {
		v[i] = float32(math.NaN())
	}
	return s.tensor(v, shape...)
}

// free frees t now, as part of a case.
func (s *session) free(t kernels.Tensor) {
	if s.err != nil {
		return
	}
	for i, l := range s.live {
		if l == t {
			s.live = append(s.live[:i], s.live[i+1:]...)
			break
		}
	}
	s.note("Free", s.o.Free(t))
}

// read copies t back to the host as the output called name.
func (s *session) read(name string, t kernels.Tensor) value {
	if s.err != nil {
		return value{name: name}
	}
	shape := append([]int(nil), t.Shape()...)
	host := make([]float32, t.Len())
	s.note("CopyOut "+name, s.o.CopyOut(host, t))
	return value{name: name, shape: shape, data: widen(host)}
}

// scalar is a scalar output called name.
func (s *session) scalar(name string, v float64) value {
	return value{name: name, data: []float64{v}}
}

// close frees what the case allocated and returns the first error.
func (s *session) close() error {
	for _, t := range s.live {
		s.note("Free", s.o.Free(t))
	}
	s.live = nil
	return s.err
}
