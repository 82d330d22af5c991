package vgg

import "fmt"

// AlexNet is the book's AlexNet (d2l section 5.6) for 224x224 Fashion-MNIST
// images, built from the same layers as VGG so Summary can compare them:
// conv 11x11 stride 4 (96), max pool 3/2, conv 5x5 pad 2 (256), pool 3/2,
// three 3x3 convs (384, 384, 256), pool 3/2, then the same dense head as
// VGG. Options change the head as for VGG. Parameters are named like
// torchvision's AlexNet (features.0 ... features.10, classifier.1,
// classifier.4, classifier.6), whose classifier puts each dropout before
// its dense layer rather than after as the book does.
func AlexNet(opts ...Option) (*Network, error) {
	o := options{hidden: 4096, dropout: 0.5, classes: 10, init: Xavier()}
	for _, f := range opts {
		f(&o)
	}
	if o.hidden <= 0 || o.classes <= 0 {
		return nil, fmt.Errorf("vgg: hidden width %d and classes %d must be > 0", o.hidden, o.classes)
	}
	if !(o.dropout >= 0 && o.dropout < 1) {
		return nil, fmt.Errorf("vgg: dropout rate %v is outside [0, 1)", o.dropout)
	}
	conv := func(name, prefix string, k, size, stride, pad int) *Conv2D {
		return &Conv2D{name: name, prefix: prefix, Channels: k, Kernel: size, Stride: stride, Padding: pad, ReLU: true}
	}
	pool := func(name string) *MaxPool2D { return &MaxPool2D{name: name, Size: 3, Stride: 2} }
	net := &Network{seq: NewSequential("alexnet",
		conv("conv1", "features.0", 96, 11, 4, 1), pool("pool1"),
		conv("conv2", "features.3", 256, 5, 1, 2), pool("pool2"),
		conv("conv3", "features.6", 384, 3, 1, 1),
		conv("conv4", "features.8", 384, 3, 1, 1),
		conv("conv5", "features.10", 256, 3, 1, 1), pool("pool3"),
		&Dense{name: "dense0", Units: o.hidden, ReLU: true, prefix: "classifier.1"},
		&Dropout{name: "dropout0", Rate: o.dropout},
		&Dense{name: "dense1", Units: o.hidden, ReLU: true, prefix: "classifier.4"},
		&Dropout{name: "dropout1", Rate: o.dropout},
		&Dense{name: "dense2", Units: o.classes, prefix: "classifier.6"},
	), init: o.init}
	return net, nil
}
