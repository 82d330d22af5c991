// Command gpu times VGG training on one device at the book's setting: a 4x
// narrower VGG-11 on Fashion-MNIST resized to 224x224, batch 128, SGD 0.05.
// It trains for -epochs epochs over the first -images training images and
// reports the last epoch (the first one includes cuDNN's algorithm search),
// as images per second and as seconds per 60,000-image epoch.
//
//	go run ./bench/gpu                         # GPU 0, TF32, a full epoch timed
//	go run ./bench/gpu -images 12800 -epochs 2 # 100 steps timed
//	go run ./bench/gpu -device cpu -resize 32 -images 1280
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/vgg"
)

// result is what one run measured, as written to -json.
type result struct {
	Device       string  `json:"device"`
	Description  string  `json:"description"`
	Precision    string  `json:"precision"`
	Data         string  `json:"data"`
	Resize       int     `json:"resize"`
	Ratio        int     `json:"ratio"`
	BatchSize    int     `json:"batch_size"`
	Images       int     `json:"images"`
	Seconds      float64 `json:"seconds"`
	ImagesPerSec float64 `json:"images_per_sec"`
	EpochSeconds float64 `json:"epoch_60k_seconds"`
	Loss         float64 `json:"loss"`
	TrainAcc     float64 `json:"train_acc"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gpu:", err)
			os.Exit(1)
		}
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gpu", flag.ContinueOnError)
	dev := fs.String("device", "gpu", "auto, cpu, ref, gpu or gpu:N")
	prec := fs.String("precision", "tf32", "GPU math: tf32 or fp32")
	resize := fs.Int("resize", 224, "image side")
	ratio := fs.Int("ratio", 4, "channel divisor of VGG-11")
	batch := fs.Int("batch-size", 128, "examples per step")
	images := fs.Int("images", 60000, "training images per epoch (multiples of the batch size time whole steps)")
	epochs := fs.Int("epochs", 2, "epochs; the last one is timed")
	data := fs.String("data", fashionmnist.DefaultDir, "Fashion-MNIST directory; random images when it is missing")
	jsonOut := fs.String("json", "", "also write the result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := cuda.ParsePrecision(*prec)
	if err != nil {
		return err
	}
	if *epochs < 1 || *images < *batch {
		return fmt.Errorf("-epochs %d must be >= 1 and -images %d >= -batch-size %d", *epochs, *images, *batch)
	}
	train, test, source := loadData(*data, *images, out)
	d, err := device.Open(*dev, cuda.WithPrecision(p))
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(out, "device: %s\n", d.Description())
	if r := d.Reason(); r != "" {
		fmt.Fprintf(out, "  (%s)\n", r)
	}
	net, err := vgg.VGG(vgg.SmallConvArch(vgg.Arch11(), *ratio))
	if err != nil {
		return err
	}
	trainData, err := fashionmnist.NewDataset(train, *resize, true, 1)
	if err != nil {
		return err
	}
	testData, err := fashionmnist.NewDataset(test, *resize, false, 1)
	if err != nil {
		return err
	}
	tr := vgg.Trainer{Device: d, LR: 0.05, Epochs: *epochs, BatchSize: *batch, Seed: 1, Out: out}
	hist, err := tr.Fit(net, trainData, testData)
	if err != nil {
		return err
	}
	last := hist[len(hist)-1]
	res := result{Device: d.Name(), Description: d.Description(), Precision: p.String(), Data: source,
		Resize: *resize, Ratio: *ratio, BatchSize: *batch, Images: train.N, Seconds: last.Seconds,
		ImagesPerSec: float64(train.N) / last.Seconds, Loss: last.Loss, TrainAcc: last.TrainAcc}
	res.EpochSeconds = 60000 / res.ImagesPerSec
	fmt.Fprintf(out, "RESULT %s: %.0f img/s, %.2f s per 60,000-image epoch (last epoch: %d images in %.2f s, test pass of %d included)\n",
		d.Name(), res.ImagesPerSec, res.EpochSeconds, train.N, last.Seconds, test.N)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

// loadData returns the first n training images and 128 test images of
// Fashion-MNIST, or random images of the same size when the files are
// missing (the timing does not depend on the pixels).
func loadData(dir string, n int, out io.Writer) (train, test *fashionmnist.Set, source string) {
	tr, te, err := fashionmnist.Load(dir)
	if err == nil {
		return tr.Subset(n), te.Subset(128), "fashion-mnist"
	}
	fmt.Fprintf(out, "data: %v; timing on random 28x28 images instead\n", err)
	return randomSet(n, 1), randomSet(128, 2), "random"
}

func randomSet(n int, seed uint64) *fashionmnist.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := &fashionmnist.Set{Images: make([]uint8, n*28*28), Labels: make([]uint8, n), N: n, Rows: 28, Cols: 28}
	for i := range s.Images {
		s.Images[i] = uint8(rng.IntN(256))
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(rng.IntN(fashionmnist.NumClasses))
	}
	return s
}
