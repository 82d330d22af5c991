package kernels

import "fmt"

// HostTensor is a tensor in ordinary Go memory, used by the CPU backends
// (ref and cpu). Its Data slice is row-major in Shape order.
type HostTensor struct {
	shape []int
	data  []float32
}

// NewHostTensor allocates a zeroed host tensor.
func NewHostTensor(shape ...int) (*HostTensor, error) {
	if err := CheckAlloc("Alloc", shape); err != nil {
		return nil, err
	}
	return &HostTensor{shape: append([]int(nil), shape...), data: make([]float32, Numel(shape))}, nil
}

// Shape implements Tensor. A nil *HostTensor has no shape, so the shape
// checks report it instead of panicking.
func (t *HostTensor) Shape() []int {
	if t == nil {
		return nil
	}
	return t.shape
}

// Len implements Tensor.
func (t *HostTensor) Len() int {
	if t == nil {
		return 0
	}
	return len(t.data)
}

// Data is the tensor's backing slice; writes change the tensor.
func (t *HostTensor) Data() []float32 { return t.data }

// HostView returns a host tensor's data, or an error naming the op when t
// belongs to another backend or was freed.
func HostView(op, name string, t Tensor) ([]float32, error) {
	h, ok := t.(*HostTensor)
	if !ok {
		return nil, shapeErr(op, "%s is a %T, not a host tensor: pass tensors made by this backend's Alloc", name, t)
	}
	if h == nil {
		return nil, shapeErr(op, "%s is a nil *HostTensor", name)
	}
	if h.data == nil {
		return nil, shapeErr(op, "%s was freed", name)
	}
	return h.data, nil
}

// HostReshape is Reshape for host tensors: a view sharing t's memory.
func HostReshape(t Tensor, shape ...int) (Tensor, error) {
	data, err := HostView("Reshape", "t", t)
	if err != nil {
		return nil, err
	}
	if err := CheckAlloc("Reshape", shape); err != nil {
		return nil, err
	}
	if Numel(shape) != len(data) {
		return nil, shapeErr("Reshape", "cannot view %s (%d elements) as %s", ShapeString(t.Shape()), len(data), ShapeString(shape))
	}
	return &HostTensor{shape: append([]int(nil), shape...), data: data}, nil
}

// HostFree drops a host tensor's memory so later use is an error.
func HostFree(t Tensor) error {
	h, ok := t.(*HostTensor)
	if !ok {
		return shapeErr("Free", "%T is not a host tensor", t)
	}
	if h == nil {
		return shapeErr("Free", "t is a nil *HostTensor")
	}
	h.data = nil
	return nil
}

// HostCopy implements CopyIn (toDevice) and CopyOut for host tensors.
func HostCopy(op string, host []float32, t Tensor, toTensor bool) error {
	data, err := HostView(op, "tensor", t)
	if err != nil {
		return err
	}
	if len(host) != len(data) {
		return shapeErr(op, "host slice has %d values, tensor %s has %d", len(host), ShapeString(t.Shape()), len(data))
	}
	if toTensor {
		copy(data, host)
	} else {
		copy(host, data)
	}
	return nil
}

// String formats a host tensor's shape, for debugging.
func (t *HostTensor) String() string { return fmt.Sprintf("HostTensor%s", ShapeString(t.shape)) }

// HostMemory implements the memory half of Ops (Alloc, Free, Reshape,
// CopyIn, CopyOut, Sync) on host tensors. The CPU backends embed it.
type HostMemory struct{}

// Alloc implements Ops: a zeroed host tensor.
func (HostMemory) Alloc(shape ...int) (Tensor, error) {
	t, err := NewHostTensor(shape...)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Free implements Ops.
func (HostMemory) Free(t Tensor) error { return HostFree(t) }

// Reshape implements Ops: the view shares t's memory.
func (HostMemory) Reshape(t Tensor, shape ...int) (Tensor, error) { return HostReshape(t, shape...) }

// CopyIn implements Ops.
func (HostMemory) CopyIn(dst Tensor, src []float32) error { return HostCopy("CopyIn", src, dst, true) }

// CopyOut implements Ops.
func (HostMemory) CopyOut(dst []float32, src Tensor) error {
	return HostCopy("CopyOut", dst, src, false)
}

// Sync implements Ops: host ops have finished when they return.
func (HostMemory) Sync() error { return nil }
