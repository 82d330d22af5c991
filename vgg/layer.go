package vgg

import (
	"fmt"
	"math/rand/v2"

	"github.com/vggo/vggo/kernels"
)

// Param is one trainable tensor of a layer and its gradient, both on the
// layer's device. Name follows PyTorch's nn.Sequential naming once the
// network is built (for example "features.0.weight").
type Param struct {
	Name  string
	Shape []int
	Value kernels.Tensor
	Grad  kernels.Tensor
}

// Layer is one stage of a network. A layer is bound to one device's ops when
// it is built; Forward and Backward then reuse buffers allocated once per
// batch size.
type Layer interface {
	// Name is the layer's display name ("block1", "dense0", ...).
	Name() string
	// OutShape returns the output shape for an input shape (N,C,H,W) or (N,F),
	// or an error saying why the input does not fit.
	OutShape(in []int) ([]int, error)
	// Build allocates and initializes parameters for inputs of shape in.
	// needDx is false for the first layer, whose input gradient nobody reads.
	Build(b *Builder, in []int, needDx bool) error
	// Forward runs the layer on x. train selects training behaviour (dropout).
	// The returned tensor belongs to the layer and is valid until the next
	// Forward with the same batch size.
	Forward(x kernels.Tensor, train bool) (kernels.Tensor, error)
	// Backward takes the gradient of the loss with respect to the last
	// Forward's output, stores parameter gradients, and returns the gradient
	// with respect to that Forward's input (nil when needDx was false). It may
	// overwrite dy.
	Backward(dy kernels.Tensor) (kernels.Tensor, error)
	// Params lists the layer's parameters (empty before Build).
	Params() []*Param
}

// Builder carries what layers need while a network is built: the device's
// ops, the initializer's random stream and a seed for dropout masks.
type Builder struct {
	Ops  kernels.Ops
	Init Initializer
	Seed uint64
	next uint64
	r    *rand.Rand
}

// NextSeed returns a fresh seed for a layer that draws random numbers.
func (b *Builder) NextSeed() uint64 {
	b.next++
	return b.Seed ^ (b.next * 0xD1B54A32D192ED03)
}

// param allocates a parameter, fills it with vals and allocates its gradient.
func (b *Builder) param(name string, vals []float32, shape ...int) (*Param, error) {
	v, err := b.Ops.Alloc(shape...)
	if err != nil {
		return nil, err
	}
	if err := b.Ops.CopyIn(v, vals); err != nil {
		return nil, err
	}
	g, err := b.Ops.Alloc(shape...)
	if err != nil {
		return nil, err
	}
	return &Param{Name: name, Shape: append([]int(nil), shape...), Value: v, Grad: g}, nil
}

// affine is the weight and bias of a Conv2D or Dense layer.
type affine struct {
	w, b *Param
}

// Params lists the weight and the bias (empty before Build).
func (a *affine) Params() []*Param {
	if a.w == nil {
		return nil
	}
	return []*Param{a.w, a.b}
}

// build allocates the weight (shape, Init-drawn with the given fans) and a
// zero bias (shape[0]), named prefix.weight and prefix.bias (the layer's name
// when prefix is empty). label names the layer in errors.
func (a *affine) build(b *Builder, label, prefix string, fanIn, fanOut int, shape ...int) error {
	n := kernels.Numel(shape)
	if n == 0 || n > MaxLayerParams {
		return fmt.Errorf("vgg: %s: a %s weight would have more than %d values: use fewer channels or units, or smaller inputs", label, kernels.ShapeString(shape), MaxLayerParams)
	}
	w := make([]float32, n)
	b.Init(b.rng(), w, fanIn, fanOut)
	var err error
	if a.w, err = b.param(paramName(prefix, label, "weight"), w, shape...); err != nil {
		return err
	}
	a.b, err = b.param(paramName(prefix, label, "bias"), make([]float32, shape[0]), shape[0])
	return err
}

// buffers caches one tensor per batch size so that steady-state steps
// allocate nothing; the last partial batch of an epoch gets its own entry.
// shapeCache remembers a layer's last input and output shapes, so that
// Forward on the shape it saw last (every step of a training run) does not
// allocate a new output shape.
type shapeCache struct{ in, out []int }

// outShape returns f(in), computing it only when in differs from the last
// input.
func (c *shapeCache) outShape(in []int, f func([]int) ([]int, error)) ([]int, error) {
	if c.out != nil && kernels.SameShape(c.in, in) {
		return c.out, nil
	}
	out, err := f(in)
	if err != nil {
		return nil, err
	}
	c.in, c.out = append(c.in[:0], in...), out
	return out, nil
}

type buffers struct {
	ops  kernels.Ops
	byN  map[int]kernels.Tensor
	name string
}

func (c *buffers) get(shape ...int) (kernels.Tensor, error) {
	if t, ok := c.byN[shape[0]]; ok {
		return t, nil
	}
	if c.ops == nil {
		return nil, fmt.Errorf("vgg: layer %s used before Build", c.name)
	}
	t, err := c.ops.Alloc(shape...)
	if err != nil {
		return nil, fmt.Errorf("vgg: layer %s: %w", c.name, err)
	}
	if c.byN == nil {
		c.byN = map[int]kernels.Tensor{}
	}
	c.byN[shape[0]] = t
	return t, nil
}

// getBatch is get(n, sample...) without building the shape (an allocation)
// when the tensor for batch size n exists already.
func (c *buffers) getBatch(n int, sample []int) (kernels.Tensor, error) {
	if t, ok := c.byN[n]; ok {
		return t, nil
	}
	return c.get(append([]int{n}, sample...)...)
}

func (c *buffers) free() {
	for n, t := range c.byN {
		_ = c.ops.Free(t)
		delete(c.byN, n)
	}
}

func errNotBuilt(name string) error {
	return fmt.Errorf("vgg: layer %s: Forward before Build (call Network.Build or train it first)", name)
}
