package vgg

import (
	"fmt"
	"math/rand/v2"

	"github.com/vggo/vggo/kernels"
)

// Conv2D is a 2-D convolution with bias and an optional fused ReLU.
// Input (N,C,H,W), weight (K,C,R,S), output (N,K,P,Q); C is taken from the
// first input.
type Conv2D struct {
	name     string
	prefix   string // parameter name prefix, e.g. "features.0"
	Channels int    // K, the output channels
	Kernel   int    // R = S
	Stride   int
	Padding  int
	ReLU     bool

	affine        // weight (K,C,R,S) and bias (K); Params lists them
	ops           kernels.Ops
	needDx        bool
	x, y          kernels.Tensor
	ys, dxs       buffers
	inC, inH, inW int
	shapes        shapeCache
}

// NewConv2D returns a square convolution with the given output channels,
// kernel size, stride and padding, followed by ReLU when relu is true.
func NewConv2D(channels, kernel, stride, padding int, relu bool) *Conv2D {
	return &Conv2D{Channels: channels, Kernel: kernel, Stride: stride, Padding: padding, ReLU: relu}
}

func (l *Conv2D) params() kernels.Conv {
	return kernels.Conv{StrideH: l.Stride, StrideW: l.Stride, PadH: l.Padding, PadW: l.Padding, ReLU: l.ReLU}
}

// Name implements Layer.
func (l *Conv2D) Name() string { return l.name }

// OutShape implements Layer: (N,C,H,W) → (N,K,P,Q).
func (l *Conv2D) OutShape(in []int) ([]int, error) {
	if len(in) != 4 {
		return nil, fmt.Errorf("vgg: %s: conv input must be (N,C,H,W), got %s", l.label(), kernels.ShapeString(in))
	}
	if l.Channels <= 0 || l.Kernel <= 0 || l.Stride <= 0 || l.Padding < 0 {
		return nil, fmt.Errorf("vgg: %s: bad conv: %d channels, kernel %d, stride %d, padding %d (channels, kernel and stride must be > 0)", l.label(), l.Channels, l.Kernel, l.Stride, l.Padding)
	}
	p, q, err := kernels.ConvOut(in[2], in[3], l.Kernel, l.Kernel, l.params())
	if err != nil {
		return nil, fmt.Errorf("vgg: %s: input %s: %w", l.label(), kernels.ShapeString(in), err)
	}
	return []int{in[0], l.Channels, p, q}, nil
}

func (l *Conv2D) label() string {
	if l.name == "" {
		return "Conv2D"
	}
	return l.name
}

// Build implements Layer.
func (l *Conv2D) Build(b *Builder, in []int, needDx bool) error {
	if _, err := l.OutShape(in); err != nil {
		return err
	}
	l.ops, l.needDx = b.Ops, needDx
	l.inC, l.inH, l.inW = in[1], in[2], in[3]
	k, c, r := l.Channels, in[1], l.Kernel
	if err := l.affine.build(b, l.label(), l.prefix, c*r*r, k*r*r, k, c, r, r); err != nil {
		return err
	}
	l.ys = buffers{ops: b.Ops, name: l.label()}
	l.dxs = buffers{ops: b.Ops, name: l.label()}
	return nil
}

// Forward implements Layer.
func (l *Conv2D) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if l.ops == nil {
		return nil, errNotBuilt(l.label())
	}
	out, err := l.shapes.outShape(x.Shape(), l.OutShape)
	if err != nil {
		return nil, err
	}
	y, err := l.ys.get(out...)
	if err != nil {
		return nil, err
	}
	if err := l.ops.Conv2DForward(x, l.w.Value, l.b.Value, y, l.params()); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.label(), err)
	}
	l.x, l.y = x, y
	return y, nil
}

// Backward implements Layer. It overwrites dy with the pre-activation gradient.
func (l *Conv2D) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	if l.y == nil {
		return nil, fmt.Errorf("vgg: %s: Backward before Forward", l.label())
	}
	if l.ReLU {
		if err := l.ops.ReLUBackward(l.y, dy, dy); err != nil {
			return nil, fmt.Errorf("vgg: %s: %w", l.label(), err)
		}
	}
	p := l.params()
	if err := l.ops.Conv2DBackwardFilter(l.x, dy, l.w.Grad, l.b.Grad, p); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.label(), err)
	}
	if !l.needDx {
		return nil, nil
	}
	dx, err := l.dxs.get(l.x.Shape()...)
	if err != nil {
		return nil, err
	}
	if err := l.ops.Conv2DBackwardData(dy, l.w.Value, dx, p); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.label(), err)
	}
	return dx, nil
}

// MaxPool2D is max pooling: (N,C,H,W) → (N,C,P,Q).
type MaxPool2D struct {
	name   string
	Size   int
	Stride int

	ops     kernels.Ops
	needDx  bool
	x, y    kernels.Tensor
	ys, dxs buffers
	shapes  shapeCache
}

// NewMaxPool2D returns a size x size max pool with the given stride.
func NewMaxPool2D(size, stride int) *MaxPool2D { return &MaxPool2D{Size: size, Stride: stride} }

func (l *MaxPool2D) params() kernels.Pool {
	return kernels.Pool{WindowH: l.Size, WindowW: l.Size, StrideH: l.Stride, StrideW: l.Stride}
}

// Name implements Layer.
func (l *MaxPool2D) Name() string { return l.name }

// OutShape implements Layer.
func (l *MaxPool2D) OutShape(in []int) ([]int, error) {
	if len(in) != 4 {
		return nil, fmt.Errorf("vgg: %s: pool input must be (N,C,H,W), got %s", l.name, kernels.ShapeString(in))
	}
	p, q, err := kernels.PoolOut(in[2], in[3], l.params())
	if err != nil {
		return nil, fmt.Errorf("vgg: %s: input %s cannot be pooled: %w", l.name, kernels.ShapeString(in), err)
	}
	return []int{in[0], in[1], p, q}, nil
}

// Build implements Layer.
func (l *MaxPool2D) Build(b *Builder, in []int, needDx bool) error {
	if _, err := l.OutShape(in); err != nil {
		return err
	}
	l.ops, l.needDx = b.Ops, needDx
	l.ys = buffers{ops: b.Ops, name: l.name}
	l.dxs = buffers{ops: b.Ops, name: l.name}
	return nil
}

// Forward implements Layer.
func (l *MaxPool2D) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if l.ops == nil {
		return nil, errNotBuilt(l.name)
	}
	out, err := l.shapes.outShape(x.Shape(), l.OutShape)
	if err != nil {
		return nil, err
	}
	y, err := l.ys.get(out...)
	if err != nil {
		return nil, err
	}
	if err := l.ops.MaxPoolForward(x, y, l.params()); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	l.x, l.y = x, y
	return y, nil
}

// Backward implements Layer.
func (l *MaxPool2D) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	if l.y == nil {
		return nil, fmt.Errorf("vgg: %s: Backward before Forward", l.name)
	}
	if !l.needDx {
		return nil, nil
	}
	dx, err := l.dxs.get(l.x.Shape()...)
	if err != nil {
		return nil, err
	}
	if err := l.ops.MaxPoolBackward(l.x, l.y, dy, dx, l.params()); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	return dx, nil
}

// Params implements Layer: pooling has none.
func (l *MaxPool2D) Params() []*Param { return nil }

// Flatten reshapes (N,C,H,W) to (N,C*H*W) without copying. Dense flattens
// its input itself, as Gluon's does, so VGG needs no Flatten layer.
type Flatten struct {
	name   string
	ops    kernels.Ops
	in     []int
	views  map[kernels.Tensor]kernels.Tensor
	dviews map[kernels.Tensor]kernels.Tensor
	shapes shapeCache
}

// NewFlatten returns a Flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Name implements Layer.
func (l *Flatten) Name() string { return l.name }

// OutShape implements Layer.
func (l *Flatten) OutShape(in []int) ([]int, error) {
	if len(in) < 2 {
		return nil, fmt.Errorf("vgg: %s: cannot flatten %s", l.name, kernels.ShapeString(in))
	}
	return []int{in[0], kernels.Numel(in[1:])}, nil
}

// Build implements Layer.
func (l *Flatten) Build(b *Builder, in []int, needDx bool) error {
	l.ops = b.Ops
	l.views = map[kernels.Tensor]kernels.Tensor{}
	l.dviews = map[kernels.Tensor]kernels.Tensor{}
	_, err := l.OutShape(in)
	return err
}

// view returns a cached reshaped view of t.
func view(ops kernels.Ops, cache map[kernels.Tensor]kernels.Tensor, t kernels.Tensor, shape []int) (kernels.Tensor, error) {
	if v, ok := cache[t]; ok {
		return v, nil
	}
	v, err := ops.Reshape(t, shape...)
	if err != nil {
		return nil, err
	}
	cache[t] = v
	return v, nil
}

// Forward implements Layer.
func (l *Flatten) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if l.ops == nil {
		return nil, errNotBuilt(l.name)
	}
	out, err := l.shapes.outShape(x.Shape(), l.OutShape)
	if err != nil {
		return nil, err
	}
	l.in = x.Shape()
	return view(l.ops, l.views, x, out)
}

// Backward implements Layer.
func (l *Flatten) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	if l.in == nil {
		return nil, fmt.Errorf("vgg: %s: Backward before Forward", l.name)
	}
	return view(l.ops, l.dviews, dy, l.in)
}

// Params implements Layer: Flatten has none.
func (l *Flatten) Params() []*Param { return nil }

// Dense is a fully connected layer y = x·wᵀ + b with an optional ReLU. Its
// input (N,F) or (N,C,H,W) is flattened to (N,In); the output is (N,Out).
type Dense struct {
	name   string
	prefix string // parameter name prefix, e.g. "classifier.0"
	Units  int
	ReLU   bool

	affine  // weight (Out,In) and bias (Out); Params lists them
	ops     kernels.Ops
	needDx  bool
	in      []int
	x, y    kernels.Tensor
	ys, dxs buffers
	views   map[kernels.Tensor]kernels.Tensor
	dxviews map[kernels.Tensor]kernels.Tensor
	shapes  shapeCache
}

// NewDense returns a dense layer with the given output units, followed by a
// ReLU when relu is true.
func NewDense(units int, relu bool) *Dense { return &Dense{Units: units, ReLU: relu} }

// Name implements Layer.
func (l *Dense) Name() string { return l.name }

// OutShape implements Layer.
func (l *Dense) OutShape(in []int) ([]int, error) {
	if l.Units <= 0 {
		return nil, fmt.Errorf("vgg: %s: dense units %d must be > 0", l.name, l.Units)
	}
	if len(in) < 2 || kernels.Numel(in) == 0 {
		return nil, fmt.Errorf("vgg: %s: dense input must be (N,...), got %s", l.name, kernels.ShapeString(in))
	}
	return []int{in[0], l.Units}, nil
}

// Build implements Layer.
func (l *Dense) Build(b *Builder, in []int, needDx bool) error {
	if _, err := l.OutShape(in); err != nil {
		return err
	}
	l.ops, l.needDx = b.Ops, needDx
	fin := kernels.Numel(in[1:])
	if err := l.affine.build(b, l.name, l.prefix, fin, l.Units, l.Units, fin); err != nil {
		return err
	}
	l.ys = buffers{ops: b.Ops, name: l.name}
	l.dxs = buffers{ops: b.Ops, name: l.name}
	l.views = map[kernels.Tensor]kernels.Tensor{}
	l.dxviews = map[kernels.Tensor]kernels.Tensor{}
	return nil
}

// Forward implements Layer.
func (l *Dense) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if l.ops == nil {
		return nil, errNotBuilt(l.name)
	}
	in := x.Shape()
	out, err := l.shapes.outShape(in, l.OutShape)
	if err != nil {
		return nil, err
	}
	x2 := x
	if v, ok := l.views[x]; ok && len(in) != 2 {
		x2 = v
	} else if len(in) != 2 {
		if x2, err = view(l.ops, l.views, x, []int{in[0], kernels.Numel(in[1:])}); err != nil {
			return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
		}
	}
	y, err := l.ys.get(out...)
	if err != nil {
		return nil, err
	}
	if err := l.ops.DenseForward(x2, l.w.Value, l.b.Value, y); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	if l.ReLU {
		if err := l.ops.ReLUForward(y, y); err != nil {
			return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
		}
	}
	l.in, l.x, l.y = in, x2, y
	return y, nil
}

// Backward implements Layer. It overwrites dy with the pre-activation gradient.
func (l *Dense) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	if l.y == nil {
		return nil, fmt.Errorf("vgg: %s: Backward before Forward", l.name)
	}
	if l.ReLU {
		if err := l.ops.ReLUBackward(l.y, dy, dy); err != nil {
			return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
		}
	}
	var dx kernels.Tensor
	if l.needDx {
		var err error
		if dx, err = l.dxs.get(l.x.Shape()...); err != nil {
			return nil, err
		}
	}
	if err := l.ops.DenseBackward(l.x, l.w.Value, dy, dx, l.w.Grad, l.b.Grad); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	if dx == nil || len(l.in) == 2 {
		return dx, nil
	}
	return view(l.ops, l.dxviews, dx, l.in)
}

// Dropout zeroes activations with probability Rate during training and
// scales the rest by 1/(1-Rate); at inference it passes its input through.
type Dropout struct {
	name string
	Rate float32

	ops       kernels.Ops
	seed      uint64
	step      uint64
	masks, ys buffers
	mask      kernels.Tensor
}

// NewDropout returns a dropout layer with the given rate in [0, 1).
func NewDropout(rate float32) *Dropout { return &Dropout{Rate: rate} }

// Name implements Layer.
func (l *Dropout) Name() string { return l.name }

// OutShape implements Layer.
func (l *Dropout) OutShape(in []int) ([]int, error) {
	if !(l.Rate >= 0 && l.Rate < 1) {
		return nil, fmt.Errorf("vgg: %s: dropout rate %v is outside [0, 1)", l.name, l.Rate)
	}
	return append([]int(nil), in...), nil
}

// Build implements Layer.
func (l *Dropout) Build(b *Builder, in []int, needDx bool) error {
	if _, err := l.OutShape(in); err != nil {
		return err
	}
	l.ops, l.seed = b.Ops, b.NextSeed()
	l.masks = buffers{ops: b.Ops, name: l.name}
	l.ys = buffers{ops: b.Ops, name: l.name}
	return nil
}

// Forward implements Layer. Each training call draws a new mask from the
// layer's seed and step count, so a run is reproducible from its seed.
func (l *Dropout) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	if l.ops == nil {
		return nil, errNotBuilt(l.name)
	}
	if !train || l.Rate == 0 {
		l.mask = nil
		return x, nil
	}
	mask, err := l.masks.get(x.Shape()...)
	if err != nil {
		return nil, err
	}
	y, err := l.ys.get(x.Shape()...)
	if err != nil {
		return nil, err
	}
	l.step++
	if err := l.ops.DropoutForward(x, mask, y, l.Rate, kernels.StepSeed(l.seed, l.step)); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	l.mask = mask
	return y, nil
}

// Backward implements Layer.
func (l *Dropout) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	if l.mask == nil {
		return dy, nil
	}
	if err := l.ops.DropoutBackward(dy, l.mask, dy); err != nil {
		return nil, fmt.Errorf("vgg: %s: %w", l.name, err)
	}
	return dy, nil
}

// Params implements Layer: dropout has none.
func (l *Dropout) Params() []*Param { return nil }

// rng returns the builder's initializer stream, seeded from Seed.
func (b *Builder) rng() *rand.Rand {
	if b.r == nil {
		b.r = rand.New(rand.NewPCG(b.Seed, 0x5851F42D4C957F2D))
	}
	return b.r
}

// paramName is prefix.kind, or name.kind for layers outside a VGG network.
func paramName(prefix, name, kind string) string {
	if prefix == "" {
		prefix = name
	}
	return prefix + "." + kind
}
