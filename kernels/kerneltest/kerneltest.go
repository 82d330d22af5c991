// Package kerneltest is the conformance suite for kernels.Ops backends. A
// backend's tests call Run, which checks every op against the reference
// backend kernels/ref on seeded random inputs — VGG-like shapes and awkward
// ones — plus the error cases every backend must report instead of
// panicking:
//
//	func TestConformance(t *testing.T) {
//		kerneltest.Run(t, func() kernels.Ops { return cpu.New() })
//	}
//
// Outputs are compared elementwise with the per-op tolerances of one table
// (see toleranceTable in compare.go), strict float32 by default and those of
// TF32 tensor-core math with WithTolerances(TF32); a failure reports the max
// abs diff, the max rel err and the worst mismatches with their indices.
package kerneltest

import (
	"errors"
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// Precision names a column of the tolerance table: the math a backend's
// convolutions and GEMMs use on float32 data. FP32, strict float32, is the
// default; TF32 rounds their operands to TF32 (10 explicit mantissa bits)
// and accumulates in float32, as GPU tensor cores do.
type Precision string

// The precisions, named as kernels/cuda's.
const (
	FP32 Precision = "fp32"
	TF32 Precision = "tf32"
)

// Option changes how Run compares.
type Option func(*config)

type config struct {
	precision Precision
}

func newConfig(opts []Option) config {
	c := config{precision: FP32}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithTolerances compares with the tolerances of precision p (FP32 when
// not given).
func WithTolerances(p Precision) Option { return func(c *config) { c.precision = p } }

// Run runs the conformance suite: one subtest per op, one per case inside
// it, comparing the backend that newBackend returns against kernels/ref.
// newBackend is called once per op; each backend is closed after its op's
// cases. The suite does not use t.Parallel: backends are single-goroutine.
// Run returns how many cases it ran.
func Run(t *testing.T, newBackend func() kernels.Ops, opts ...Option) int {
	t.Helper()
	tols := Tolerances(newConfig(opts).precision)
	r := ref.New()
	cases := 0
	t.Run("Backend", func(t *testing.T) {
		o := newBackend()
		require.NotNil(t, o, "newBackend returned nil")
		assert.NotEmpty(t, o.Name(), "Name")
		assert.NoError(t, o.Sync(), "Sync")
		assert.NoError(t, o.Close(), "Close")
	})
	for _, g := range groups() {
		t.Run(g.op, func(t *testing.T) {
			o := newBackend()
			require.NotNil(t, o, "newBackend returned nil")
			t.Cleanup(func() { assert.NoError(t, o.Close(), "Close") })
			for _, c := range g.cases {
				cases++
				t.Run(c.name, func(t *testing.T) {
					res := checkWith(o, r, g.op, c, tols)
					for _, p := range res.problems {
						assert.Fail(t, p)
					}
					for _, d := range res.diffs {
						if assert.Truef(t, d.OK(), "%s.%s: %v", g.op, d.name, d.Diff) {
							t.Logf("%s.%s: %v", g.op, d.name, d.Diff)
						}
					}
				})
			}
		})
	}
	return cases
}

// group is the cases of one op.
type group struct {
	op    string
	cases []testCase
}

// testCase is one subtest. Exactly one of run and fail is set.
type testCase struct {
	name string
	// run makes the case's inputs with s, runs the op on s.o and reads back
	// the outputs, which must match what the same run gives on ref.
	run func(s *session) []value
	// fail sets up an invalid call with s and makes it; it must return an
	// error, wrapping kernels.ErrShape unless anyErr is set (for tensors that
	// were freed or belong to another backend, whose error is the backend's).
	fail   func(s *session) error
	anyErr bool
}

// value is one named output of a case, widened to float64 so that scalar
// results (loss, correct) compare like tensors.
type value struct {
	name  string
	shape []int
	data  []float64
}

// namedDiff is the comparison of one output.
type namedDiff struct {
	name string
	Diff
}

// outcome is the result of one case on one backend.
type outcome struct {
	diffs    []namedDiff
	problems []string
}

// ok reports whether the case passed.
func (o outcome) ok() bool {
	if len(o.problems) > 0 {
		return false
	}
	for _, d := range o.diffs {
		if !d.OK() {
			return false
		}
	}
	return true
}

// check runs case c of op on backend o and, for value cases, on ref r, and
// compares them with the FP32 tolerances. It never fails a test, so the
// suite itself can be tested.
func check(o, r kernels.Ops, op string, c testCase) outcome {
	return checkWith(o, r, op, c, tolerances())
}

// checkWith is check with the tolerances tols, keyed "Op.output".
func checkWith(o, r kernels.Ops, op string, c testCase, tols map[string]Tol) outcome {
	var res outcome
	seed := seedOf(op, c.name)
	if c.fail != nil {
		err, panicked, setup := runFail(o, seed, c.fail)
		switch {
		case panicked != nil:
			res.problems = append(res.problems, fmt.Sprintf("the invalid call panicked instead of returning an error: %v", panicked))
		case setup != nil:
			res.problems = append(res.problems, fmt.Sprintf("setting up the call failed: %v", setup))
		case err == nil:
			res.problems = append(res.problems, "the invalid call returned no error")
		case !c.anyErr && !errors.Is(err, kernels.ErrShape):
			res.problems = append(res.problems, fmt.Sprintf("the error %q does not wrap kernels.ErrShape", err))
		}
		return res
	}
	want, err := runValues(r, seed, c.run)
	if err != nil {
		res.problems = append(res.problems, fmt.Sprintf("ref failed (a bug in the suite or in ref): %v", err))
		return res
	}
	got, err := runValues(o, seed, c.run)
	if err != nil {
		res.problems = append(res.problems, fmt.Sprintf("%s failed: %v", o.Name(), err))
		return res
	}
	for i, w := range want {
		g := got[i]
		tol, ok := tols[op+"."+w.name]
		if !ok {
			res.problems = append(res.problems, fmt.Sprintf("no tolerance for %s.%s (a bug in the suite)", op, w.name))
			continue
		}
		d := compare(w.shape, g.data, w.data, tol)
		if !kernels.SameShape(g.shape, w.shape) {
			d.Problem = fmt.Sprintf("shape %v, want %v", g.shape, w.shape)
		}
		res.diffs = append(res.diffs, namedDiff{name: w.name, Diff: d})
	}
	return res
}

// runValues runs a value case on o, turning a panic into an error.
func runValues(o kernels.Ops, seed uint64, run func(*session) []value) (vals []value, err error) {
	s := newSession(o, seed)
	defer func() {
		if p := recover(); p != nil {
			vals, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	vals = run(s)
	if err := s.close(); err != nil {
		return nil, err
	}
	return vals, nil
}

// runFail runs an error case on o: err is what the invalid call returned,
// panicked what it panicked with, and setup the first error of the valid
// calls that prepared it.
func runFail(o kernels.Ops, seed uint64, fail func(*session) error) (err error, panicked any, setup error) {
	s := newSession(o, seed)
	defer func() {
		if p := recover(); p != nil {
			err, panicked, setup = nil, p, nil
		}
	}()
	err = fail(s)
	return err, nil, s.close()
}

// seedOf derives a case's fixed seed from its op and name, so cases can be
// added or reordered without changing the others' inputs.
func seedOf(op, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(op + "/" + name))
	return h.Sum64()
}
