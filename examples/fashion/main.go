// Command fashion trains the d2l book's VGG-11 (section 5.7) on
// Fashion-MNIST: a 4x narrower VGG-11 on images resized to 224x224, SGD with
// learning rate 0.05, batch 128, 5 epochs, Xavier init, on a GPU if one is
// usable, else the CPU.
//
//	go run ./examples/fashion                  # the book's settings
//	go run ./examples/fashion -shapes          # the shape walk of a 1x1x224x224 sample
//	go run ./examples/fashion -resize 32 -train-limit 3000 -device cpu
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/vgg"
	"github.com/vggo/vggo/vgg/fashionmnist"
)

type config struct {
	lr         float64
	epochs     int
	batchSize  int
	resize     int
	ratio      int
	arch       string
	device     string
	data       string
	seed       uint64
	trainLimit int
	testLimit  int
	shapes     bool
	precision  string
}

func parseFlags(args []string, errOut io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("fashion", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Float64Var(&c.lr, "lr", 0.05, "learning rate")
	fs.IntVar(&c.epochs, "epochs", 5, "training epochs")
	fs.IntVar(&c.batchSize, "batch-size", 128, "examples per SGD step")
	fs.IntVar(&c.resize, "resize", 224, "resize the 28x28 images to this size")
	fs.IntVar(&c.ratio, "ratio", 4, "divide every block's channels by this (the book's small_conv_arch)")
	fs.StringVar(&c.arch, "arch", "vgg11", "vgg11, vgg13, vgg16 or vgg19 (the VGG paper's table 1)")
	fs.StringVar(&c.device, "device", "auto", "auto (a GPU if usable), cpu, ref, gpu or gpu:N")
	fs.StringVar(&c.data, "data", fashionmnist.DefaultDir, "directory with the Fashion-MNIST IDX files")
	fs.Uint64Var(&c.seed, "seed", 1, "seed for initial weights, shuffling and dropout")
	fs.IntVar(&c.trainLimit, "train-limit", 0, "use only the first N training images (0: all)")
	fs.IntVar(&c.testLimit, "test-limit", 0, "use only the first N test images (0: all)")
	fs.BoolVar(&c.shapes, "shapes", false, "print the shape walk of a 1x1x224x224 sample and exit")
	fs.StringVar(&c.precision, "precision", "tf32", "GPU math: tf32 (tensor cores, the default) or fp32 (strict)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case c.ratio <= 0:
		return c, fmt.Errorf("-ratio %d must be > 0", c.ratio)
	case c.resize <= 0:
		return c, fmt.Errorf("-resize %d must be > 0", c.resize)
	case c.trainLimit < 0 || c.testLimit < 0:
		return c, errors.New("-train-limit and -test-limit must be >= 0")
	}
	if _, err := cuda.ParsePrecision(c.precision); err != nil {
		return c, fmt.Errorf("-precision: %w", err)
	}
	return c, nil
}

func main() {
	c, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil {
		err = run(c, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fashion:", err)
		os.Exit(1)
	}
}

func run(c config, out io.Writer) error {
	arch, err := vgg.ArchByName(c.arch)
	if err != nil {
		return err
	}
	if c.shapes {
		// The book's walk uses the full-width network on a 224x224 sample.
		net, err := vgg.VGG(arch)
		if err != nil {
			return err
		}
		walk, err := net.ShapeWalk([]int{1, 1, 224, 224})
		if err != nil {
			return err
		}
		for _, l := range walk {
			fmt.Fprintln(out, l)
		}
		return nil
	}
	net, err := vgg.VGG(vgg.SmallConvArch(arch, c.ratio))
	if err != nil {
		return err
	}
	tr := vgg.Trainer{LR: float32(c.lr), Epochs: c.epochs, BatchSize: c.batchSize, Seed: c.seed, Out: out}
	// Bad flags fail here, before the data is read or a device is opened.
	if err := tr.Validate(); err != nil {
		return err
	}
	if err := net.CheckInput([]int{1, c.resize, c.resize}); err != nil {
		return fmt.Errorf("-resize %d: %w", c.resize, err)
	}
	precision, _ := cuda.ParsePrecision(c.precision)
	dev, err := device.Open(c.device, cuda.WithPrecision(precision))
	if err != nil {
		return err
	}
	defer dev.Close()
	train, test, err := fashionmnist.Load(c.data)
	if err != nil {
		return err
	}
	if c.trainLimit > 0 {
		train = train.Subset(c.trainLimit)
	}
	if c.testLimit > 0 {
		test = test.Subset(c.testLimit)
	}
	fmt.Fprintf(out, "device: %s\n", dev.Description())
	if r := dev.Reason(); r != "" {
		fmt.Fprintf(out, "  (%s)\n", r)
	}
	tr.Device = dev
	trainData, err := fashionmnist.NewDataset(train, c.resize, true, c.seed)
	if err != nil {
		return err
	}
	testData, err := fashionmnist.NewDataset(test, c.resize, false, c.seed)
	if err != nil {
		return err
	}
	_, err = tr.Fit(net, trainData, testData)
	return err
}
