package vgg_test

import (
	"fmt"

	"github.com/vggo/vggo/vgg"
)

// ExampleVGG builds the book's VGG-11 and walks a 1x1x224x224 sample
// through it, as d2l section 5.7 does. Shapes need no device and no weights.
func ExampleVGG() {
	net, err := vgg.VGG(vgg.Arch11())
	if err != nil {
		panic(err)
	}
	walk, err := net.ShapeWalk([]int{1, 1, 224, 224})
	if err != nil {
		panic(err)
	}
	for _, l := range walk {
		fmt.Println(l)
	}
	// Output:
	// block1 output shape:	(1, 64, 112, 112)
	// block2 output shape:	(1, 128, 56, 56)
	// block3 output shape:	(1, 256, 28, 28)
	// block4 output shape:	(1, 512, 14, 14)
	// block5 output shape:	(1, 512, 7, 7)
	// dense0 output shape:	(1, 4096)
	// dropout0 output shape:	(1, 4096)
	// dense1 output shape:	(1, 4096)
	// dropout1 output shape:	(1, 4096)
	// dense2 output shape:	(1, 10)
}
