package vgg_test

import (
	"fmt"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/vgg"
)

// quadrants is a synthetic Dataset of 8x8 images: example k lights
// quadrant k%4, its class, with a brightness that varies.
type quadrants struct{ n int }

func (q quadrants) Len() int           { return q.n }
func (q quadrants) SampleShape() []int { return []int{1, 8, 8} }
func (q quadrants) Batch(_, i, batchSize int, x, labels []float32) (int, error) {
	n := min(batchSize, q.n-i*batchSize)
	clear(x[:n*64])
	for j := range n {
		k := i*batchSize + j
		labels[j] = float32(k % 4)
		row, col := k%4/2*4, k%2*4
		for p := range 16 {
			x[j*64+(row+p/4)*8+col+p%4] = 0.5 + float32(k%5)/10
		}
	}
	return n, nil
}

// ExampleTrainer_Fit trains a two-block VGG on the CPU for two epochs and
// prints the loss of each, rounded (the last digits depend on the
// processor's vector width).
func ExampleTrainer_Fit() {
	net, err := vgg.VGG(vgg.Arch{{Convs: 1, Channels: 4}, {Convs: 1, Channels: 8}}, vgg.Hidden(16), vgg.Classes(4))
	if err != nil {
		panic(err)
	}
	dev := device.CPU()
	defer dev.Close()
	tr := vgg.Trainer{Device: dev, LR: 0.1, Epochs: 2, BatchSize: 16, Seed: 1}
	hist, err := tr.Fit(net, quadrants{n: 256}, quadrants{n: 64})
	if err != nil {
		panic(err)
	}
	for _, s := range hist {
		fmt.Printf("epoch %d: loss %.1f\n", s.Epoch, s.Loss)
	}
	// Output:
	// epoch 1: loss 1.3
	// epoch 2: loss 1.0
}
