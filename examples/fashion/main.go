// Command fashion trains the d2l book's VGG-11 (section 5.7) on
// Fashion-MNIST: a 4x narrower VGG-11 on images resized to 224x224, SGD with
// learning rate 0.05, batch 128, 5 epochs, Xavier init, on a GPU if one is
// usable, else the CPU.
//
//	go run ./examples/fashion                  # the book's settings
//	go run ./examples/fashion -shapes          # the shape walk of a 1x1x224x224 sample
//	go run ./examples/fashion -resize 32 -train-limit 3000 -device cpu
//	go run ./examples/fashion -summary -ratio 1    # cost per layer, and against AlexNet
//	go run ./examples/fashion -checkpoint ckpt -plot curves.png -metrics metrics.jsonl
//	go run ./examples/fashion -checkpoint ckpt -resume   # continue where it stopped
//
// Ctrl-C (or SIGTERM) finishes the current batch, saves a checkpoint, says
// where, and exits with status 130; a second Ctrl-C exits at once, leaving
// the last checkpoint on disk intact.
//
// The libraries' typed errors (vgg.SizeError, vgg.ResumeError,
// device.GPUError, ...) give their fix in API terms; this command rewords
// them in the flags that fix them (-resize, -hidden, -ratio, -resume,
// -device cpu, ...).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/vggo/vggo/data/fashionmnist"
	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/vgg"
	"github.com/vggo/vggo/vgg/curves"
	"github.com/vggo/vggo/vgg/progress"
)

type config struct {
	lr            float64
	epochs        int
	batchSize     int
	resize        int
	ratio         int
	arch          string
	device        string
	data          string
	seed          uint64
	trainLimit    int
	testLimit     int
	shapes        bool
	precision     string
	deterministic bool
	hidden        int
	checkpoint    string
	resume        bool
	quiet         bool
	metrics       string
	plot          string
	summary       bool
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
	fs.BoolVar(&c.deterministic, "deterministic", false, "GPU: reproducible bits from the seed (deterministic cuDNN algorithms only, slower)")
	fs.IntVar(&c.hidden, "hidden", 4096, "width of the two hidden dense layers")
	fs.StringVar(&c.checkpoint, "checkpoint", "", "directory for "+vgg.CheckpointFile+", saved every epoch and on Ctrl-C")
	fs.BoolVar(&c.resume, "resume", false, "continue from the checkpoint in -checkpoint DIR")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress bar or progress lines, only the per-epoch lines")
	fs.StringVar(&c.metrics, "metrics", "", "write one JSON line per epoch to this file (appended to on -resume)")
	fs.StringVar(&c.plot, "plot", "", "draw loss and accuracy per epoch to this .png or .svg file")
	fs.BoolVar(&c.summary, "summary", false, "print each layer's output shape, parameters, FLOPs and activation memory, compare with AlexNet, and exit")
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
	case c.hidden <= 0:
		return c, fmt.Errorf("-hidden %d must be > 0", c.hidden)
	case c.resume && c.checkpoint == "":
		return c, errors.New("-resume needs -checkpoint DIR, the directory to resume from")
	}
	if c.plot != "" {
		if err := curves.CheckPath(c.plot); err != nil {
			return c, fmt.Errorf("-plot: %w", err)
		}
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
	if err != nil {
		fmt.Fprintln(os.Stderr, "fashion:", err)
		os.Exit(2)
	}
	ctx, stop := stopOnSignal(os.Stderr)
	err = run(ctx, c, os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, vgg.ErrInterrupted):
		fmt.Fprintln(os.Stderr, "fashion:", err)
		if c.checkpoint != "" {
			fmt.Fprintf(os.Stderr, "fashion: continue with the same flags and -resume -checkpoint %s\n", c.checkpoint)
		}
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, "fashion:", err)
		os.Exit(1)
	}
}

// stopOnSignal returns a context cancelled by the first SIGINT or SIGTERM,
// so training finishes its batch and saves a checkpoint; a second signal
// exits at once with status 130 (checkpoint writes are atomic, so the last
// one on disk stays intact). Call the returned function when done.
func stopOnSignal(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sigs:
		case <-ctx.Done():
			return
		}
		fmt.Fprintln(stderr, "\nfashion: stopping after this batch to save a checkpoint (interrupt again to quit at once)")
		cancel()
		<-sigs
		fmt.Fprintln(stderr, "fashion: quitting now; the last checkpoint on disk is intact")
		os.Exit(130)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}

// buildNet makes the network the flags describe.
func buildNet(c config, arch vgg.Arch) (*vgg.Network, error) {
	return vgg.VGG(vgg.SmallConvArch(arch, c.ratio), vgg.Hidden(c.hidden))
}

// summary prints the network's per-layer costs for the flags' image and
// batch size, and compares them with the book's AlexNet.
func summary(c config, arch vgg.Arch, out io.Writer) error {
	net, err := buildNet(c, arch)
	if err != nil {
		return err
	}
	sample := []int{1, c.resize, c.resize}
	s, err := net.Summary(sample, c.batchSize)
	if err != nil {
		return fmt.Errorf("-resize %d (%dx%d inputs): %w", c.resize, c.resize, c.resize, err)
	}
	name := "VGG-" + strings.TrimPrefix(strings.ToLower(strings.ReplaceAll(c.arch, "-", "")), "vgg")
	if c.ratio != 1 {
		name += fmt.Sprintf(" (channels / %d)", c.ratio)
	}
	fmt.Fprintf(out, "%s, batch %d:\n%s\n", name, c.batchSize, s)
	alex, err := vgg.AlexNet(vgg.Hidden(c.hidden))
	if err != nil {
		return err
	}
	as, err := alex.Summary(sample, c.batchSize)
	if err != nil {
		fmt.Fprintf(out, "(no AlexNet comparison: %v)\n", err)
		return nil
	}
	fmt.Fprintf(out, "The book's AlexNet (d2l 5.6), batch %d:\n%s\n%s", c.batchSize, as, s.Compare(name, as, "AlexNet"))
	return nil
}

// run carries out the command the flags describe. Its errors name the flags
// that fix them (withFlagAdvice).
func run(ctx context.Context, c config, out, errOut io.Writer) error {
	return withFlagAdvice(c, runCommand(ctx, c, out, errOut))
}

// flagError is a library error reworded in this command's flags. It wraps
// the library's error, so errors.Is and errors.As still see it.
type flagError struct {
	msg string
	err error
}

// Error is the message in flags.
func (e *flagError) Error() string { return e.msg }

// Unwrap returns the library's error.
func (e *flagError) Unwrap() error { return e.err }

// withFlagAdvice rewords the typed errors of the library, which say how to
// fix them in its API's terms, in the flags that fix them here; other
// errors pass as they are.
func withFlagAdvice(c config, err error) error {
	var (
		gpu     *device.GPUError
		exists  *vgg.CheckpointExistsError
		resume  *vgg.ResumeError
		ckpt    *vgg.CheckpointError
		size    *vgg.SizeError
		nodata  *fashionmnist.NotFoundError
		stopped *vgg.InterruptedError
		message string
	)
	switch {
	case errors.As(err, &gpu):
		fix := "run with -device cpu"
		if gpu.SelfCheck {
			fix = "the GPU libraries are unusable on this card: try -precision fp32, another driver or cuDNN, or run with -device cpu"
		}
		message = fmt.Sprintf("-device %s: gpu(%d): %v: %s; %s", c.device, gpu.Index, device.ErrNoGPU, gpu.Reason, fix)
	case errors.As(err, &exists):
		message = fmt.Sprintf("checkpoint %s exists: pass -resume to continue it, or remove it / choose another -checkpoint directory", exists.Path)
	case errors.As(err, &resume):
		message = resumeAdvice(resume)
	case errors.As(err, &ckpt):
		fix := "resume with the flags it was trained with (the same -arch, -ratio, -hidden and -resize), or train from scratch without -resume"
		if ckpt.Trained != nil {
			fix = fmt.Sprintf("resume with the -arch and -ratio that give its blocks %v (these flags give %v), or train from scratch without -resume",
				ckpt.Trained, ckpt.Network)
		}
		message = fmt.Sprintf("%v\n%s", err, fix)
	case errors.As(err, &size):
		message = fmt.Sprintf("-resize %d (%dx%d inputs): %s", c.resize, c.resize, c.resize, sizeAdvice(size))
	case errors.As(err, &nodata):
		message = fmt.Sprintf("%v; pass that directory as -data DIR", err)
	case errors.As(err, &stopped) && stopped.Checkpoint == "":
		message = fmt.Sprintf("training interrupted in epoch %d after %d batches; no checkpoint saved (pass -checkpoint DIR to keep progress)", stopped.Epoch, stopped.Batch)
	default:
		return err
	}
	return &flagError{msg: message, err: err}
}

// resumeAdvice says which flag differs from the run that saved the
// checkpoint.
func resumeAdvice(e *vgg.ResumeError) string {
	s := e.Saved
	switch e.Mismatch {
	case vgg.MismatchSample:
		fix := "resume with the -resize it was trained with"
		if len(s.Sample) == 3 && s.Sample[1] == s.Sample[2] {
			fix = fmt.Sprintf("resume with -resize %d", s.Sample[1])
		}
		return fmt.Sprintf("checkpoint %s was trained on samples %s, these flags give %s: %s",
			e.Checkpoint, kernels.ShapeString(s.Sample), kernels.ShapeString(e.Sample), fix)
	case vgg.MismatchTrainLen:
		return fmt.Sprintf("checkpoint %s was trained on %d examples, these flags give %d: resume on the same data (the same -data and -train-limit)",
			e.Checkpoint, s.TrainLen, e.TrainLen)
	case vgg.MismatchSeed:
		return fmt.Sprintf("checkpoint %s was trained with -seed %d, this run has -seed %d: resume with -seed %d", e.Checkpoint, s.Seed, e.Seed, s.Seed)
	case vgg.MismatchBatchSize:
		return fmt.Sprintf("checkpoint %s stopped in the middle of epoch %d with -batch-size %d, this run has -batch-size %d: resume with -batch-size %d",
			e.Checkpoint, s.Epoch+1, s.BatchSize, e.BatchSize, s.BatchSize)
	case vgg.MismatchBatches:
		return fmt.Sprintf("checkpoint %s stopped after batch %d of epoch %d, but the training set has only %d batches: resume on the same data (the same -data and -train-limit)",
			e.Checkpoint, s.Batch, s.Epoch+1, e.Batches)
	}
	return e.Error()
}

// sizeFlag names the flag behind a setting that sizes the network.
func sizeFlag(s vgg.Setting) string {
	switch s {
	case vgg.SettingImageSize:
		return "the image size (-resize)"
	case vgg.SettingHidden:
		return "the hidden width (-hidden)"
	case vgg.SettingChannels:
		return "the channels (raise -ratio)"
	}
	return s.String()
}

// sizeAdvice says what is too large and which flags shrink it.
func sizeAdvice(e *vgg.SizeError) string {
	lower := make([]string, len(e.Lower))
	for i, s := range e.Lower {
		lower[i] = sizeFlag(s)
	}
	fix := "lower " + strings.Join(lower, ", ")
	if n := len(lower); n > 1 {
		fix = "lower " + strings.Join(lower[:n-1], ", ") + " or " + lower[n-1]
	}
	switch {
	case e.Overflow && e.Layer == "":
		return "the network's counts overflow 64-bit integers: " + fix
	case e.Overflow:
		return fmt.Sprintf("layer %s: its parameter, FLOP or activation count overflows 64-bit integers: %s", e.Layer, fix)
	case e.Layer == "":
		return fmt.Sprintf("the network needs %.1f GiB for its %d parameters, their gradients and one image's activations, more than the %d GiB limit: %s",
			e.Bytes/(1<<30), e.Params, e.Limit>>30, fix)
	}
	return fmt.Sprintf("layer %s would have %d parameters, more than the %d one layer may have: %s", e.Layer, e.Params, e.Limit, fix)
}

// runCommand is run before its errors are worded in flags.
func runCommand(ctx context.Context, c config, out, errOut io.Writer) error {
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
	if c.summary {
		return summary(c, arch, out)
	}
	net, err := buildNet(c, arch)
	if err != nil {
		return err
	}
	tr := vgg.Trainer{LR: float32(c.lr), Epochs: c.epochs, BatchSize: c.batchSize, Seed: c.seed, Out: out,
		Checkpoint: c.checkpoint, Resume: c.resume, Context: ctx}
	// Bad flags (and a -resume with no usable checkpoint) fail here, before
	// the data is read or a device is opened.
	if err := tr.Validate(); err != nil {
		return err
	}
	if err := net.CheckInput([]int{1, c.resize, c.resize}); err != nil {
		return fmt.Errorf("-resize %d (%dx%d inputs): %w", c.resize, c.resize, c.resize, err)
	}
	precision, _ := cuda.ParsePrecision(c.precision)
	dev, err := device.Open(c.device, cuda.WithPrecision(precision), cuda.WithDeterministic(c.deterministic))
	if err != nil {
		return err
	}
	defer dev.Close()
	if !c.quiet {
		tr.Progress = progress.New(errOut)
	}
	if c.metrics != "" {
		mode := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if c.resume {
			mode = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(c.metrics, mode, 0o644)
		if err != nil {
			return fmt.Errorf("-metrics: %w", err)
		}
		defer f.Close()
		tr.Metrics = f
	}
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
	hist, err := tr.Fit(net, trainData, testData)
	if c.plot != "" && len(hist) > 0 {
		if perr := curves.Save(c.plot, hist); perr != nil {
			return errors.Join(err, perr)
		}
		fmt.Fprintf(out, "curves: %s\n", c.plot)
	}
	return err
}
