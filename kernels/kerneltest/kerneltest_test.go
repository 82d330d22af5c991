package kerneltest

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

func TestCompare(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tol := Tol{Abs: 1e-3, Rel: 1e-2}
	for _, tc := range []struct {
		name      string
		shape     []int
		got, want []float32
		bad       int
		problem   bool
	}{
		{"equal", []int{3}, []float32{1, 2, 3}, []float32{1, 2, 3}, 0, false},
		{"within_abs", []int{2}, []float32{0.0009, 5}, []float32{0, 5}, 0, false},
		{"within_rel", []int{1}, []float32{101}, []float32{100}, 0, false},
		{"outside", []int{2}, []float32{0.002, 102}, []float32{0, 100}, 2, false},
		{"nan_got", []int{2}, []float32{nan, 1}, []float32{0, 1}, 1, false},
		{"nan_matches_nan", []int{1}, []float32{nan}, []float32{nan}, 0, false},
		{"inf_matches_inf", []int{2}, []float32{inf, -inf}, []float32{inf, -inf}, 0, false},
		{"finite_for_inf", []int{1}, []float32{3e38}, []float32{inf}, 1, false},
		{"inf_for_finite", []int{1}, []float32{inf}, []float32{1}, 1, false},
		{"length", []int{3}, []float32{1, 2}, []float32{1, 2, 3}, 0, true},
		{"shape", []int{2, 2}, []float32{1, 2, 3}, []float32{1, 2, 3}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.shape, tc.got, tc.want, tol)
			assert.Equal(t, tc.problem, d.Problem != "", d.String())
			assert.Equal(t, tc.bad, d.Bad, d.String())
			assert.Equal(t, tc.bad == 0 && !tc.problem, d.OK())
		})
	}
}

func TestCompareReportsWorst(t *testing.T) {
	want := make([]float32, 24)
	got := make([]float32, 24)
	for i := range got {
		got[i] = float32(i) / 4 // elements 2.. exceed Abs 0.3; 23 is worst
	}
	d := Compare([]int{2, 3, 4}, got, want, Tol{Abs: 0.3})
	require.False(t, d.OK())
	assert.Equal(t, 22, d.Bad)
	assert.Equal(t, 5.75, d.MaxAbs)
	assert.Zero(t, d.MaxRel, "want is all zero: no relative error is defined")
	require.Len(t, d.Worst, 5)
	for i, m := range d.Worst {
		assert.Equal(t, 23-i, m.Index)
	}
	assert.Equal(t, []int{1, 2, 3}, d.Worst[0].At)
	s := d.String()
	assert.Contains(t, s, "22 of 24 values of shape [2 3 4] mismatch")
	assert.Contains(t, s, "max abs diff 5.75")
	assert.Contains(t, s, "at [1 2 3] (flat 23): got 5.75, want 0")
	assert.Equal(t, 5, strings.Count(s, "\n  at "))

	d = Compare([]int{2}, []float32{1, 4}, []float32{2, 4}, Tol{})
	assert.InDelta(t, 0.5, d.MaxRel, 1e-12)
}

// runAll runs every case of the suite on the backends newBackend returns,
// keyed "op/case", without failing a test.
func runAll(newBackend func() kernels.Ops) map[string]outcome {
	r := ref.New()
	res := map[string]outcome{}
	for _, g := range groups() {
		o := newBackend()
		for _, c := range g.cases {
			res[g.op+"/"+c.name] = check(o, r, g.op, c)
		}
		_ = o.Close()
	}
	return res
}

// failingOps lists the ops with a failing case.
func failingOps(res map[string]outcome) []string {
	var ops []string
	for key, o := range res {
		op, _, _ := strings.Cut(key, "/")
		if !o.ok() && !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	slices.Sort(ops)
	return ops
}

// The broken backends below are ref with one deliberate bug each.

type transposedFilterGrad struct{ *ref.Backend }

// Conv2DBackwardFilter returns dw with R and S swapped.
func (b transposedFilterGrad) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, p kernels.Conv) error {
	if err := b.Backend.Conv2DBackwardFilter(x, dy, dw, db, p); err != nil {
		return err
	}
	s := dw.Shape()
	k, c, r := s[0], s[1], s[2]
	if r != s[3] {
		return nil
	}
	d := dw.(*kernels.HostTensor).Data()
	for i := 0; i < k*c; i++ {
		f := d[i*r*r : (i+1)*r*r]
		for a := 0; a < r; a++ {
			for e := a + 1; e < r; e++ {
				f[a*r+e], f[e*r+a] = f[e*r+a], f[a*r+e]
			}
		}
	}
	return nil
}

type shortPoolWindow struct{ *ref.Backend }

// MaxPoolForward leaves the last column out of every window: an off-by-one
// loop bound.
func (b shortPoolWindow) MaxPoolForward(x, y kernels.Tensor, p kernels.Pool) error {
	d, err := kernels.CheckPool("MaxPoolForward", x, y, nil, nil, p)
	if err != nil {
		return err
	}
	xd, yd := x.(*kernels.HostTensor).Data(), y.(*kernels.HostTensor).Data()
	for nc := 0; nc < d.N*d.C; nc++ {
		for oh := 0; oh < d.P; oh++ {
			for ow := 0; ow < d.Q; ow++ {
				m := float32(math.Inf(-1))
				for i := 0; i < p.WindowH; i++ {
					for j := 0; j < max(p.WindowW-1, 1); j++ {
						m = max(m, xd[(nc*d.H+oh*p.StrideH+i)*d.W+ow*p.StrideW+j])
					}
				}
				yd[(nc*d.P+oh)*d.Q+ow] = m
			}
		}
	}
	return nil
}

type lastMaxPool struct{ *ref.Backend }

// MaxPoolBackward routes to the last maximum of a window instead of the
// first: only ties tell.
func (b lastMaxPool) MaxPoolBackward(x, y, dy, dx kernels.Tensor, p kernels.Pool) error {
	d, err := kernels.CheckPool("MaxPoolBackward", x, y, dy, dx, p)
	if err != nil {
		return err
	}
	xd, dyd, dxd := x.(*kernels.HostTensor).Data(), dy.(*kernels.HostTensor).Data(), dx.(*kernels.HostTensor).Data()
	clear(dxd)
	for nc := 0; nc < d.N*d.C; nc++ {
		for oh := 0; oh < d.P; oh++ {
			for ow := 0; ow < d.Q; ow++ {
				best := -1
				for i := 0; i < p.WindowH; i++ {
					for j := 0; j < p.WindowW; j++ {
						idx := (nc*d.H+oh*p.StrideH+i)*d.W + ow*p.StrideW + j
						if best < 0 || xd[idx] >= xd[best] {
							best = idx
						}
					}
				}
				dxd[best] += dyd[(nc*d.P+oh)*d.Q+ow]
			}
		}
	}
	return nil
}

type accumulatingDense struct{ *ref.Backend }

// DenseBackward adds to dw instead of overwriting it.
func (b accumulatingDense) DenseBackward(x, w, dy, dx, dw, db kernels.Tensor) error {
	old := slices.Clone(dw.(*kernels.HostTensor).Data())
	if err := b.Backend.DenseBackward(x, w, dy, dx, dw, db); err != nil {
		return err
	}
	for i, v := range old {
		dw.(*kernels.HostTensor).Data()[i] += v
	}
	return nil
}

type shiftedDropoutSeed struct{ *ref.Backend }

// DropoutForward draws its mask from the wrong seed.
func (b shiftedDropoutSeed) DropoutForward(x, mask, y kernels.Tensor, rate float32, seed uint64) error {
	return b.Backend.DropoutForward(x, mask, y, rate, seed+1)
}

type unscaledSoftmaxGrad struct{ *ref.Backend }

// SoftmaxCrossEntropy forgets to divide dlogits by N.
func (b unscaledSoftmaxGrad) SoftmaxCrossEntropy(logits, labels, dlogits kernels.Tensor) (float64, int, error) {
	loss, correct, err := b.Backend.SoftmaxCrossEntropy(logits, labels, dlogits)
	if err == nil && dlogits != nil {
		n := float32(logits.Shape()[0])
		for i := range dlogits.(*kernels.HostTensor).Data() {
			dlogits.(*kernels.HostTensor).Data()[i] *= n
		}
	}
	return loss, correct, err
}

type uncheckedSGD struct{ *ref.Backend }

// SGDUpdate only checks that w and dw have as many elements.
func (b uncheckedSGD) SGDUpdate(w, dw kernels.Tensor, lr float32) error {
	if w != nil && dw != nil && w.Len() == dw.Len() {
		if r, err := b.Backend.Reshape(dw, w.Shape()...); err == nil {
			dw = r
		}
	}
	return b.Backend.SGDUpdate(w, dw, lr)
}

type panickyReLU struct{ *ref.Backend }

// ReLUForward reads the shapes before checking for nil.
func (b panickyReLU) ReLUForward(x, y kernels.Tensor) error {
	_ = x.Shape()
	return b.Backend.ReLUForward(x, y)
}

type copyingReshape struct{ *ref.Backend }

// Reshape returns a copy instead of a view.
func (b copyingReshape) Reshape(t kernels.Tensor, shape ...int) (kernels.Tensor, error) {
	v, err := b.Backend.Reshape(t, shape...)
	if err != nil {
		return nil, err
	}
	c, err := kernels.NewHostTensor(shape...)
	if err != nil {
		return nil, err
	}
	copy(c.Data(), v.(*kernels.HostTensor).Data())
	return c, nil
}

type droppedConvBias struct{ *ref.Backend }

// Conv2DForward ignores the bias.
func (b droppedConvBias) Conv2DForward(x, w, bias, y kernels.Tensor, p kernels.Conv) error {
	if bias == nil {
		return b.Backend.Conv2DForward(x, w, bias, y, p)
	}
	zero, err := kernels.NewHostTensor(bias.Shape()...)
	if err != nil {
		return err
	}
	return b.Backend.Conv2DForward(x, w, zero, y, p)
}

// TestSuiteCatchesBrokenBackends runs the whole suite on ref with one
// deliberate bug and checks that exactly the broken op fails, with a report
// that shows where.
func TestSuiteCatchesBrokenBackends(t *testing.T) {
	for _, tc := range []struct {
		name    string
		backend kernels.Ops
		fails   []string
		report  string
	}{
		{"ref_itself", ref.New(), nil, ""},
		{"transposed_filter_gradient", transposedFilterGrad{ref.New()}, []string{"Conv2DBackwardFilter"}, "mismatch"},
		{"pool_window_off_by_one", shortPoolWindow{ref.New()}, []string{"MaxPoolForward"}, "mismatch"},
		{"pool_routes_to_last_max", lastMaxPool{ref.New()}, []string{"MaxPoolBackward"}, "mismatch"},
		{"dense_accumulates_dw", accumulatingDense{ref.New()}, []string{"DenseBackward"}, "got NaN"},
		{"dropout_wrong_seed", shiftedDropoutSeed{ref.New()}, []string{"DropoutForward"}, "mismatch"},
		{"softmax_grad_not_mean", unscaledSoftmaxGrad{ref.New()}, []string{"SoftmaxCrossEntropy"}, "mismatch"},
		{"sgd_without_shape_check", uncheckedSGD{ref.New()}, []string{"SGDUpdate"}, "returned no error"},
		{"relu_panics_on_nil", panickyReLU{ref.New()}, []string{"ReLUForward"}, "panicked"},
		{"reshape_copies", copyingReshape{ref.New()}, []string{"Memory"}, "mismatch"},
		{"conv_drops_bias", droppedConvBias{ref.New()}, []string{"Conv2DForward"}, "mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each backend is its own; ref is stateless
			res := runAll(func() kernels.Ops { return tc.backend })
			require.Equal(t, tc.fails, failingOps(res))
			if tc.report == "" {
				return
			}
			var reports []string
			for _, o := range res {
				reports = append(reports, o.problems...)
				for _, d := range o.diffs {
					if !d.OK() {
						reports = append(reports, d.String())
					}
				}
			}
			assert.Contains(t, strings.Join(reports, "\n"), tc.report)
		})
	}
}

// TestSeedsAreStable pins the inputs: a case's data depends only on its op
// and name.
func TestSeedsAreStable(t *testing.T) {
	assert.Equal(t, seedOf("Conv2DForward", "a"), seedOf("Conv2DForward", "a"))
	assert.NotEqual(t, seedOf("Conv2DForward", "a"), seedOf("Conv2DForward", "b"))
	a := newSession(ref.New(), 1).uniform(8, 1)
	b := newSession(ref.New(), 1).uniform(8, 1)
	assert.Equal(t, a, b)
}

// TestCaseNamesAreUnique guards the subtest names and the tolerance table.
func TestCaseNamesAreUnique(t *testing.T) {
	tols := tolerances()
	for _, g := range groups() {
		seen := map[string]bool{}
		for _, c := range g.cases {
			assert.False(t, seen[c.name], "%s/%s is duplicated", g.op, c.name)
			seen[c.name] = true
			assert.True(t, (c.run == nil) != (c.fail == nil), "%s/%s must set exactly one of run and fail", g.op, c.name)
		}
	}
	for key := range tols {
		op, _, _ := strings.Cut(key, ".")
		assert.True(t, slices.ContainsFunc(groups(), func(g group) bool { return g.op == op }), "tolerance %s names no op", key)
	}
}
