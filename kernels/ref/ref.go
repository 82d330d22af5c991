// Package ref is the algorithmic reference backend of kernels.Ops, and the
// oracle for every other backend: the conformance suite in kernels/kerneltest
// checks kernels/cpu and kernels/cuda against it.
//
// It is written to be obviously right, not fast: each op is one plain loop
// nest per formula in its doc comment, sums are accumulated in float64 and
// rounded to float32 once, and nothing runs concurrently. Every op validates
// its arguments with the kernels.Check* helpers and returns an error wrapping
// kernels.ErrShape (never panics) for wrong shapes, nil tensors, tensors of
// another backend, freed tensors, bad labels and bad dropout rates. Arguments
// are validated before any output is written.
package ref

import "github.com/vggo/vggo/kernels"

// Backend is the reference implementation of kernels.Ops. It holds no state;
// its tensors are *kernels.HostTensor.
type Backend struct {
	kernels.HostMemory
}

// New returns a reference backend.
func New() *Backend { return &Backend{} }

var _ kernels.Ops = (*Backend)(nil)

// Name implements kernels.Ops; it is "ref".
func (*Backend) Name() string { return "ref" }

// Close implements kernels.Ops; there is nothing to release.
func (*Backend) Close() error { return nil }

// views returns the host data of ts, named by names in errors. A nil tensor,
// a tensor of another backend and a freed tensor are errors.
func views(op string, names []string, ts ...kernels.Tensor) ([][]float32, error) {
	out := make([][]float32, len(ts))
	for i, t := range ts {
		if t == nil {
			return nil, &kernels.ShapeError{Op: op, Msg: names[i] + " is nil"}
		}
		d, err := kernels.HostView(op, names[i], t)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}
