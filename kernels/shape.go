package kernels

import (
	"errors"
	"fmt"
	"math"
)

// ErrShape is wrapped by every ShapeError, for errors.Is.
var ErrShape = errors.New("shape mismatch")

// ShapeError reports an op called with tensors whose shapes do not fit.
type ShapeError struct {
	Op  string // the op, e.g. "Conv2DForward"
	Msg string // what is wrong, with the shapes involved
}

// Error formats the op and the problem: "kernels.Op: message".
func (e *ShapeError) Error() string { return fmt.Sprintf("kernels.%s: %s", e.Op, e.Msg) }

// Unwrap makes errors.Is(err, ErrShape) true.
func (e *ShapeError) Unwrap() error { return ErrShape }

func shapeErr(op, format string, args ...any) error {
	return &ShapeError{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// MaxElements is the most elements a tensor may have: math.MaxInt/8, so
// that its size in bytes (4 per float32) and sums of a few such sizes still
// fit an int.
const MaxElements = math.MaxInt / 8

// Numel is the number of elements of a shape; it is 0 for a shape with a
// non-positive dimension and for one whose product overflows an int.
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d <= 0 || n > math.MaxInt/d {
			return 0
		}
		n *= d
	}
	return n
}

// ShapeString formats a shape like Python does: (1, 64, 112, 112).
func ShapeString(shape []int) string {
	s := "("
	for i, d := range shape {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	if len(shape) == 1 {
		s += ","
	}
	return s + ")"
}

// CheckAlloc validates a shape passed to Alloc or Reshape: it must have
// positive dimensions and at most MaxElements elements (checked without
// overflow). Every backend's Alloc and Reshape call it first.
func CheckAlloc(op string, shape []int) error {
	if len(shape) == 0 {
		return shapeErr(op, "empty shape")
	}
	n := 1
	for _, d := range shape {
		if d <= 0 {
			return shapeErr(op, "shape %v has a non-positive dimension", shape)
		}
		if n > MaxElements/d {
			return shapeErr(op, "shape %s has more than %d elements (the most a tensor may hold): use smaller sizes", ShapeString(shape), MaxElements)
		}
		n *= d
	}
	return nil
}

func rank(op, name string, t Tensor, r int) ([]int, error) {
	if t == nil {
		return nil, shapeErr(op, "%s is nil", name)
	}
	s := t.Shape()
	if len(s) != r {
		return nil, shapeErr(op, "%s has shape %s, want rank %d", name, ShapeString(s), r)
	}
	return s, nil
}

func same(op string, names []string, ts ...Tensor) error {
	for i, t := range ts {
		if t == nil {
			return shapeErr(op, "%s is nil", names[i])
		}
		if i > 0 && !equal(t.Shape(), ts[0].Shape()) {
			return shapeErr(op, "%s has shape %s but %s has shape %s",
				names[i], ShapeString(t.Shape()), names[0], ShapeString(ts[0].Shape()))
		}
	}
	return nil
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool { return equal(a, b) }

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ConvOut returns the output height and width of a convolution, or an error
// when the window does not fit.
func ConvOut(h, w, r, s int, p Conv) (int, int, error) {
	if p.StrideH <= 0 || p.StrideW <= 0 || p.PadH < 0 || p.PadW < 0 {
		return 0, 0, shapeErr("Conv2D", "bad params %+v: strides must be > 0 and padding >= 0", p)
	}
	ph, pw := h+2*p.PadH-r, w+2*p.PadW-s
	if ph < 0 || pw < 0 {
		return 0, 0, shapeErr("Conv2D", "a %dx%d filter does not fit a %dx%d input with padding %d,%d", r, s, h, w, p.PadH, p.PadW)
	}
	return ph/p.StrideH + 1, pw/p.StrideW + 1, nil
}

// PoolOut returns the output height and width of a pooling window, or an
// error when the window does not fit.
func PoolOut(h, w int, p Pool) (int, int, error) {
	if p.WindowH <= 0 || p.WindowW <= 0 || p.StrideH <= 0 || p.StrideW <= 0 {
		return 0, 0, shapeErr("MaxPool", "bad params %+v: windows and strides must be > 0", p)
	}
	if h < p.WindowH || w < p.WindowW {
		return 0, 0, shapeErr("MaxPool", "a %dx%d window does not fit a %dx%d input", p.WindowH, p.WindowW, h, w)
	}
	return (h-p.WindowH)/p.StrideH + 1, (w-p.WindowW)/p.StrideW + 1, nil
}

// ConvDims are the sizes of a convolution: x (N,C,H,W), w (K,C,R,S),
// y (N,K,P,Q).
type ConvDims struct{ N, C, H, W, K, R, S, P, Q int }

// CheckConv validates the tensors of a convolution op and returns its sizes.
// x is (N,C,H,W), w is (K,C,R,S), b is (K) or nil, y is (N,K,P,Q).
func CheckConv(op string, x, w, b, y Tensor, p Conv) (ConvDims, error) {
	var d ConvDims
	xs, err := rank(op, "x", x, 4)
	if err != nil {
		return d, err
	}
	ws, err := rank(op, "w", w, 4)
	if err != nil {
		return d, err
	}
	ys, err := rank(op, "y", y, 4)
	if err != nil {
		return d, err
	}
	d = ConvDims{N: xs[0], C: xs[1], H: xs[2], W: xs[3], K: ws[0], R: ws[2], S: ws[3]}
	if ws[1] != d.C {
		return d, shapeErr(op, "x %s has %d channels but w %s expects %d", ShapeString(xs), d.C, ShapeString(ws), ws[1])
	}
	d.P, d.Q, err = ConvOut(d.H, d.W, d.R, d.S, p)
	if err != nil {
		return d, shapeErr(op, "%v", err)
	}
	if want := []int{d.N, d.K, d.P, d.Q}; !equal(ys, want) {
		return d, shapeErr(op, "y has shape %s, want %s for x %s, w %s, %+v", ShapeString(ys), ShapeString(want), ShapeString(xs), ShapeString(ws), p)
	}
	if b != nil {
		bs, err := rank(op, "b", b, 1)
		if err != nil {
			return d, err
		}
		if bs[0] != d.K {
			return d, shapeErr(op, "b has shape %s, want (%d,)", ShapeString(bs), d.K)
		}
	}
	return d, nil
}

// PoolDims are the sizes of a pooling op: x (N,C,H,W), y (N,C,P,Q).
type PoolDims struct{ N, C, H, W, P, Q int }

// CheckPool validates x (N,C,H,W) and y (N,C,P,Q) of a pooling op, plus the
// gradients dy (like y) and dx (like x) when they are not nil.
func CheckPool(op string, x, y, dy, dx Tensor, p Pool) (PoolDims, error) {
	var d PoolDims
	xs, err := rank(op, "x", x, 4)
	if err != nil {
		return d, err
	}
	ys, err := rank(op, "y", y, 4)
	if err != nil {
		return d, err
	}
	d = PoolDims{N: xs[0], C: xs[1], H: xs[2], W: xs[3]}
	d.P, d.Q, err = PoolOut(d.H, d.W, p)
	if err != nil {
		return d, shapeErr(op, "%v", err)
	}
	if want := []int{d.N, d.C, d.P, d.Q}; !equal(ys, want) {
		return d, shapeErr(op, "y has shape %s, want %s for x %s, %+v", ShapeString(ys), ShapeString(want), ShapeString(xs), p)
	}
	if dy != nil {
		if err := same(op, []string{"y", "dy"}, y, dy); err != nil {
			return d, err
		}
	}
	if dx != nil {
		if err := same(op, []string{"x", "dx"}, x, dx); err != nil {
			return d, err
		}
	}
	return d, nil
}

// CheckSame validates tensors that must all have one shape; names label them
// in the error.
func CheckSame(op string, names []string, ts ...Tensor) error {
	return same(op, names, ts...)
}

// DenseDims are the sizes of a dense layer: x (N,In), w (Out,In), y (N,Out).
type DenseDims struct{ N, In, Out int }

// CheckDense validates x (N,In), w (Out,In), b (Out), y (N,Out); y may be nil
// (backward passes it as dy). b may be nil.
func CheckDense(op string, x, w, b, y Tensor) (DenseDims, error) {
	var d DenseDims
	xs, err := rank(op, "x", x, 2)
	if err != nil {
		return d, err
	}
	ws, err := rank(op, "w", w, 2)
	if err != nil {
		return d, err
	}
	d = DenseDims{N: xs[0], In: xs[1], Out: ws[0]}
	if ws[1] != d.In {
		return d, shapeErr(op, "x %s has %d features but w %s expects %d", ShapeString(xs), d.In, ShapeString(ws), ws[1])
	}
	if b != nil {
		bs, err := rank(op, "b", b, 1)
		if err != nil {
			return d, err
		}
		if bs[0] != d.Out {
			return d, shapeErr(op, "b has shape %s, want (%d,)", ShapeString(bs), d.Out)
		}
	}
	if y != nil {
		ys, err := rank(op, "y", y, 2)
		if err != nil {
			return d, err
		}
		if ys[0] != d.N || ys[1] != d.Out {
			return d, shapeErr(op, "y has shape %s, want (%d, %d)", ShapeString(ys), d.N, d.Out)
		}
	}
	return d, nil
}

// CheckSoftmax validates logits (N,K), labels (N) and dlogits (N,K) or nil,
// returning N and K.
func CheckSoftmax(op string, logits, labels, dlogits Tensor) (int, int, error) {
	ls, err := rank(op, "logits", logits, 2)
	if err != nil {
		return 0, 0, err
	}
	lb, err := rank(op, "labels", labels, 1)
	if err != nil {
		return 0, 0, err
	}
	if lb[0] != ls[0] {
		return 0, 0, shapeErr(op, "labels has shape %s but logits has %d rows", ShapeString(lb), ls[0])
	}
	if dlogits != nil {
		if err := same(op, []string{"logits", "dlogits"}, logits, dlogits); err != nil {
			return 0, 0, err
		}
	}
	return ls[0], ls[1], nil
}

// CheckLabel validates one class index read from a labels tensor.
func CheckLabel(op string, i int, label float32, k int) (int, error) {
	c := int(label)
	if float32(c) != label || c < 0 || c >= k {
		return 0, shapeErr(op, "labels[%d] = %v is not a class index in [0, %d)", i, label, k)
	}
	return c, nil
}

// CheckRate validates a dropout rate.
func CheckRate(op string, rate float32) error {
	if !(rate >= 0 && rate < 1) {
		return shapeErr(op, "dropout rate %v is outside [0, 1)", rate)
	}
	return nil
}
