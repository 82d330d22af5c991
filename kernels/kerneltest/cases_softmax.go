package kerneltest

import (
	"math"

	"github.com/vggo/vggo/kernels"
)

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
