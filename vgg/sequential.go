package vgg

import (
	"fmt"

	"github.com/vggo/vggo/kernels"
)

// Sequential chains layers: each one's output is the next one's input. It is
// itself a Layer, so blocks nest inside networks.
type Sequential struct {
	name   string
	layers []Layer
	built  []int // the input shape it was built for, without N
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(name string, layers ...Layer) *Sequential {
	return &Sequential{name: name, layers: layers}
}

// Add appends layers.
func (s *Sequential) Add(layers ...Layer) { s.layers = append(s.layers, layers...) }

// Layers returns the direct children, in order.
func (s *Sequential) Layers() []Layer { return s.layers }

// Name implements Layer.
func (s *Sequential) Name() string { return s.name }

// OutShape implements Layer.
func (s *Sequential) OutShape(in []int) ([]int, error) {
	out := in
	for _, l := range s.layers {
		var err error
		if out, err = l.OutShape(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Build implements Layer.
func (s *Sequential) Build(b *Builder, in []int, needDx bool) error {
	shape := in
	for i, l := range s.layers {
		if err := l.Build(b, shape, needDx || i > 0); err != nil {
			return err
		}
		var err error
		if shape, err = l.OutShape(shape); err != nil {
			return err
		}
	}
	s.built = append([]int(nil), in[1:]...)
	return nil
}

// Forward implements Layer.
func (s *Sequential) Forward(x kernels.Tensor, train bool) (kernels.Tensor, error) {
	for _, l := range s.layers {
		var err error
		if x, err = l.Forward(x, train); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Backward implements Layer.
func (s *Sequential) Backward(dy kernels.Tensor) (kernels.Tensor, error) {
	for i := len(s.layers) - 1; i >= 0; i-- {
		var err error
		if dy, err = s.layers[i].Backward(dy); err != nil {
			return nil, err
		}
		if dy == nil && i > 0 {
			return nil, fmt.Errorf("vgg: %s: layer %s returned no input gradient", s.name, s.layers[i].Name())
		}
	}
	return dy, nil
}

// Params implements Layer: every parameter of every child, in order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Built reports whether Build has run, and for which sample shape (C,H,W).
func (s *Sequential) Built() ([]int, bool) { return s.built, s.built != nil }

// LayerShape is one line of a shape walk.
type LayerShape struct {
	Name  string
	Shape []int
}

// String formats the line as the book prints it: "name output shape:\t(1, 64, 112, 112)".
func (l LayerShape) String() string {
	return fmt.Sprintf("%s output shape:\t%s", l.Name, kernels.ShapeString(l.Shape))
}

// ShapeWalk returns each direct child's output shape for an input of shape
// in, as the book prints them for a 1x1x224x224 sample. It computes shapes
// only, so it is instant even for VGG-11 at 224x224.
func (s *Sequential) ShapeWalk(in []int) ([]LayerShape, error) {
	var walk []LayerShape
	shape := in
	for _, l := range s.layers {
		var err error
		if shape, err = l.OutShape(shape); err != nil {
			return nil, err
		}
		walk = append(walk, LayerShape{Name: l.Name(), Shape: shape})
	}
	return walk, nil
}
