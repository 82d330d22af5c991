package cuda

import (
	"fmt"

	"github.com/vggo/vggo/kernels"
)

// owner identifies one Backend, so that its tensors are told apart from
// another backend's. It has a field so that distinct owners have distinct
// addresses.
type owner struct{ _ byte }

// memory is one device allocation, shared by a tensor and its views.
type memory struct {
	ptr   uint64 // CUdeviceptr
	bytes uint64
	freed bool
	owner *owner
}

// Tensor is a float32 tensor in device memory: a device pointer and a
// shape. Views made by Reshape share their tensor's memory; freeing the
// tensor that Alloc returned frees the memory and invalidates its views,
// freeing a view only invalidates the view.
type Tensor struct {
	shape []int
	n     int
	mem   *memory
	view  bool
	freed bool
}

// Shape implements kernels.Tensor. A nil *Tensor has no shape, so the shape
// checks report it instead of panicking.
func (t *Tensor) Shape() []int {
	if t == nil {
		return nil
	}
	return t.shape
}

// Len implements kernels.Tensor.
func (t *Tensor) Len() int {
	if t == nil {
		return 0
	}
	return t.n
}

// String formats the tensor's shape, for debugging.
func (t *Tensor) String() string { return "cuda.Tensor" + kernels.ShapeString(t.Shape()) }

// tensor returns t as a live tensor of o's backend, or an error naming the op
// and the argument.
func (o *owner) tensor(op, name string, t kernels.Tensor) (*Tensor, error) {
	if t == nil {
		return nil, &kernels.ShapeError{Op: op, Msg: name + " is nil"}
	}
	d, ok := t.(*Tensor)
	switch {
	case !ok:
		return nil, &kernels.ShapeError{Op: op, Msg: fmt.Sprintf("%s is a %T, not a cuda tensor: pass tensors made by this backend's Alloc", name, t)}
	case d == nil:
		return nil, &kernels.ShapeError{Op: op, Msg: name + " is a nil *cuda.Tensor"}
	case d.mem == nil || d.mem.owner != o:
		return nil, &kernels.ShapeError{Op: op, Msg: name + " belongs to another cuda backend: tensors cannot move between backends, copy through the host"}
	case d.freed || d.mem.freed:
		return nil, &kernels.ShapeError{Op: op, Msg: name + " was freed"}
	}
	return d, nil
}

// ptr is tensor's device address.
func (o *owner) ptr(op, name string, t kernels.Tensor) (uint64, error) {
	d, err := o.tensor(op, name, t)
	if err != nil {
		return 0, err
	}
	return d.mem.ptr, nil
}

// optPtr is ptr for an optional argument: 0 for a nil interface.
func (o *owner) optPtr(op, name string, t kernels.Tensor) (uint64, error) {
	if t == nil {
		return 0, nil
	}
	return o.ptr(op, name, t)
}

// reshape returns a view of t with shape.
func (o *owner) reshape(t kernels.Tensor, shape []int) (*Tensor, error) {
	d, err := o.tensor("Reshape", "t", t)
	if err != nil {
		return nil, err
	}
	if err := kernels.CheckAlloc("Reshape", shape); err != nil {
		return nil, err
	}
	if n := kernels.Numel(shape); n != d.n {
		return nil, &kernels.ShapeError{Op: "Reshape", Msg: fmt.Sprintf("cannot view %s (%d elements) as %s (%d)",
			kernels.ShapeString(d.shape), d.n, kernels.ShapeString(shape), n)}
	}
	return &Tensor{shape: append([]int(nil), shape...), n: d.n, mem: d.mem, view: true}, nil
}
