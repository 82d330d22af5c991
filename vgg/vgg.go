package vgg

import (
	"fmt"
	"strings"
)

// Block is one VGG block: Convs 3x3 convolutions with Channels outputs each,
// then a 2x2 max pool with stride 2.
type Block struct {
	Convs    int
	Channels int
}

// Arch is a VGG network's convolutional part, one Block per entry (the
// book's conv_arch).
type Arch []Block

// Arch11 is VGG-11 (configuration A in the VGG paper's table 1), the book's
// conv_arch: ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)).
func Arch11() Arch { return Arch{{1, 64}, {1, 128}, {2, 256}, {2, 512}, {2, 512}} }

// Arch13 is VGG-13 (configuration B).
func Arch13() Arch { return Arch{{2, 64}, {2, 128}, {2, 256}, {2, 512}, {2, 512}} }

// Arch16 is VGG-16 (configuration D).
func Arch16() Arch { return Arch{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}} }

// Arch19 is VGG-19 (configuration E).
func Arch19() Arch { return Arch{{2, 64}, {2, 128}, {4, 256}, {4, 512}, {4, 512}} }

// ArchByName returns the architecture "vgg11", "vgg13", "vgg16" or "vgg19".
func ArchByName(name string) (Arch, error) {
	switch strings.ToLower(strings.ReplaceAll(name, "-", "")) {
	case "vgg11":
		return Arch11(), nil
	case "vgg13":
		return Arch13(), nil
	case "vgg16":
		return Arch16(), nil
	case "vgg19":
		return Arch19(), nil
	}
	return nil, fmt.Errorf("vgg: unknown architecture %q: want vgg11, vgg13, vgg16 or vgg19", name)
}

// SmallConvArch divides every block's channels by ratio, as the book's
// small_conv_arch does to train a 4x narrower VGG-11 (ratio 4).
func SmallConvArch(arch Arch, ratio int) Arch {
	if ratio <= 0 {
		ratio = 1
	}
	out := make(Arch, len(arch))
	for i, b := range arch {
		out[i] = Block{Convs: b.Convs, Channels: b.Channels / ratio}
	}
	return out
}

// Validate reports an architecture that cannot be built.
func (a Arch) Validate() error {
	if len(a) == 0 {
		return fmt.Errorf("vgg: empty architecture: give at least one block")
	}
	for i, b := range a {
		if err := checkBlock(b.Convs, b.Channels); err != nil {
			return fmt.Errorf("vgg: block %d: %w", i+1, err)
		}
	}
	return nil
}

// String writes the architecture as the book writes conv_arch, one
// (convolutions, channels) pair per block: ((1, 64), (1, 128), ...).
func (a Arch) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, blk := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, %d)", blk.Convs, blk.Channels)
	}
	b.WriteByte(')')
	return b.String()
}

// Halvings is how many times the blocks halve the input; an input side must
// be at least 2^Halvings.
func (a Arch) Halvings() int { return len(a) }

func checkBlock(numConvs, numChannels int) error {
	if numConvs <= 0 {
		return fmt.Errorf("%d convolutions: a block needs at least one", numConvs)
	}
	if numChannels <= 0 {
		return fmt.Errorf("%d channels: a block needs a positive channel count (a ratio larger than the channels gives 0)", numChannels)
	}
	return nil
}

// VggBlock is the book's vgg_block: numConvs 3x3 convolutions with padding 1
// and ReLU, numChannels outputs each, then a 2x2 max pool with stride 2.
// Input (N,C,H,W), output (N,numChannels,H/2,W/2).
func VggBlock(numConvs, numChannels int) (*Sequential, error) {
	if err := checkBlock(numConvs, numChannels); err != nil {
		return nil, fmt.Errorf("vgg: VggBlock: %w", err)
	}
	blk := NewSequential("")
	for range numConvs {
		blk.Add(NewConv2D(numChannels, 3, 1, 1, true))
	}
	blk.Add(NewMaxPool2D(2, 2))
	return blk, nil
}

type options struct {
	hidden  int
	dropout float32
	classes int
	init    Initializer
}

// Option changes a default of VGG.
type Option func(*options)

// Hidden sets the width of the two hidden dense layers (default 4096).
func Hidden(units int) Option { return func(o *options) { o.hidden = units } }

// DropoutRate sets the dropout after each hidden dense layer (default 0.5).
func DropoutRate(rate float32) Option { return func(o *options) { o.dropout = rate } }

// Classes sets the number of outputs (default 10).
func Classes(n int) Option { return func(o *options) { o.classes = n } }

// Init sets the weight initializer (default Xavier()).
func Init(init Initializer) Option { return func(o *options) { o.init = init } }

// VGG is the book's vgg(conv_arch): one VggBlock per arch entry, then
// Dense(4096)+ReLU, Dropout(0.5), Dense(4096)+ReLU, Dropout(0.5), Dense(10).
// Layers are named for the shape walk (block1..., dense0, dropout0, ...) and
// parameters like PyTorch's torchvision VGG (features.0.weight,
// classifier.6.bias, ...).
func VGG(arch Arch, opts ...Option) (*Network, error) {
	o := options{hidden: 4096, dropout: 0.5, classes: 10, init: Xavier()}
	for _, f := range opts {
		f(&o)
	}
	if err := arch.Validate(); err != nil {
		return nil, err
	}
	if o.hidden <= 0 || o.classes <= 0 {
		return nil, fmt.Errorf("vgg: hidden width %d and classes %d must be > 0", o.hidden, o.classes)
	}
	if !(o.dropout >= 0 && o.dropout < 1) {
		return nil, fmt.Errorf("vgg: dropout rate %v is outside [0, 1)", o.dropout)
	}
	net := &Network{seq: NewSequential("vgg"), init: o.init, arch: arch}
	feature := 0 // index in PyTorch's features Sequential: conv, relu, ..., pool
	for i, b := range arch {
		blk, err := VggBlock(b.Convs, b.Channels)
		if err != nil {
			return nil, err
		}
		blk.name = fmt.Sprintf("block%d", i+1)
		for j, l := range blk.layers {
			switch l := l.(type) {
			case *Conv2D:
				l.name = fmt.Sprintf("block%d.conv%d", i+1, j)
				l.prefix = fmt.Sprintf("features.%d", feature)
				feature += 2 // the conv and its ReLU
			case *MaxPool2D:
				l.name = fmt.Sprintf("block%d.pool", i+1)
				feature++
			}
		}
		net.seq.Add(blk)
	}
	net.seq.Add(
		&Dense{name: "dense0", Units: o.hidden, ReLU: true, prefix: "classifier.0"},
		&Dropout{name: "dropout0", Rate: o.dropout},
		&Dense{name: "dense1", Units: o.hidden, ReLU: true, prefix: "classifier.3"},
		&Dropout{name: "dropout1", Rate: o.dropout},
		&Dense{name: "dense2", Units: o.classes, prefix: "classifier.6"},
	)
	return net, nil
}
