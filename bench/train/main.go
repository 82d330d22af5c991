// Command train times training and inference of the book's VGG-11 (ratio 4
// by default) on one backend with a random batch, and prints images per
// second and GFLOP/s; -profile adds the time and GFLOP/s of every op call
// site (layer) of one training step.
//
//	go run ./bench/train -size 224 -batch 128 -steps 3 -backend cpu
//	go run ./bench/train -size 96 -profile
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"time"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/vgg"
)

type config struct {
	size, batch, steps, warmup, ratio int
	backend                           string
	profile                           bool
	seed                              uint64
}

func main() {
	var c config
	flag.IntVar(&c.size, "size", 224, "image side")
	flag.IntVar(&c.batch, "batch", 128, "batch size")
	flag.IntVar(&c.steps, "steps", 3, "timed steps (training and inference each)")
	flag.IntVar(&c.warmup, "warmup", 1, "untimed steps first")
	flag.IntVar(&c.ratio, "ratio", 4, "divide VGG-11's channels by this")
	flag.StringVar(&c.backend, "backend", "cpu", "cpu, ref, gpu, or any device.Open spec (VGGO_BLAS=go picks the pure-Go sgemm)")
	flag.BoolVar(&c.profile, "profile", false, "print per-layer time and GFLOP/s of the training steps")
	flag.Uint64Var(&c.seed, "seed", 1, "seed for weights and data")
	flag.Parse()
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// Result is one measured configuration.
type Result struct {
	TrainIPS, InferIPS       float64 // images per second
	TrainGFLOPS, InferGFLOPS float64
}

func run(c config, out io.Writer) error {
	if c.size <= 0 || c.batch <= 0 || c.steps <= 0 || c.warmup < 0 {
		return errors.New("-size, -batch and -steps must be > 0, -warmup >= 0")
	}
	base, err := device.Open(c.backend)
	if err != nil {
		return err
	}
	defer base.Close()
	prof := newProfiler(base.Ops())
	dev := base.WithOps(prof)
	net, err := vgg.VGG(vgg.SmallConvArch(vgg.Arch11(), c.ratio))
	if err != nil {
		return err
	}
	sample := []int{1, c.size, c.size}
	if err := net.Build(dev, sample, c.seed); err != nil {
		return err
	}
	ops := dev.Ops()
	rng := rand.New(rand.NewPCG(c.seed, 2))
	host := make([]float32, c.batch*c.size*c.size)
	for i := range host {
		host[i] = rng.Float32()
	}
	labels := make([]float32, c.batch)
	for i := range labels {
		labels[i] = float32(rng.IntN(10))
	}
	x, err := ops.Alloc(c.batch, 1, c.size, c.size)
	if err != nil {
		return err
	}
	lt, err := ops.Alloc(c.batch)
	if err != nil {
		return err
	}
	dl, err := ops.Alloc(c.batch, 10)
	if err != nil {
		return err
	}
	if err := ops.CopyIn(x, host); err != nil {
		return err
	}
	if err := ops.CopyIn(lt, labels); err != nil {
		return err
	}
	params := net.Params()
	trainStep := func() error {
		logits, err := net.Forward(x, true)
		if err != nil {
			return err
		}
		if _, _, err := ops.SoftmaxCrossEntropy(logits, lt, dl); err != nil {
			return err
		}
		if err := net.Backward(dl); err != nil {
			return err
		}
		for _, p := range params {
			if err := ops.SGDUpdate(p.Value, p.Grad, 0.05); err != nil {
				return err
			}
		}
		return ops.Sync()
	}
	inferStep := func() error {
		logits, err := net.Forward(x, false)
		if err != nil {
			return err
		}
		if _, _, err := ops.SoftmaxCrossEntropy(logits, lt, nil); err != nil {
			return err
		}
		return ops.Sync()
	}
	timeIt := func(step func() error) (secs, gflop float64, err error) {
		for range c.warmup {
			if err := step(); err != nil {
				return 0, 0, err
			}
		}
		prof.reset()
		start := time.Now()
		for range c.steps {
			if err := step(); err != nil {
				return 0, 0, err
			}
		}
		return time.Since(start).Seconds(), prof.flops() / 1e9, nil
	}
	fmt.Fprintf(out, "device: %s\n", base.Description())
	fmt.Fprintf(out, "VGG-11/%d, %dx%d, batch %d, %d warm-up + %d timed steps\n", c.ratio, c.size, c.size, c.batch, c.warmup, c.steps)
	ts, tf, err := timeIt(trainStep)
	if err != nil {
		return err
	}
	if c.profile {
		prof.print(out, ts)
	}
	is, inf, err := timeIt(inferStep)
	if err != nil {
		return err
	}
	imgs := float64(c.batch * c.steps)
	r := Result{TrainIPS: imgs / ts, InferIPS: imgs / is, TrainGFLOPS: tf / ts, InferGFLOPS: inf / is}
	fmt.Fprintf(out, "train: %.1f img/s, %.1f GFLOP/s (%.2f s/step)\n", r.TrainIPS, r.TrainGFLOPS, ts/float64(c.steps))
	fmt.Fprintf(out, "infer: %.1f img/s, %.1f GFLOP/s (%.2f s/step)\n", r.InferIPS, r.InferGFLOPS, is/float64(c.steps))
	fmt.Fprintf(out, "RESULT backend=%s size=%d batch=%d train_ips=%.2f infer_ips=%.2f train_gflops=%.1f infer_gflops=%.1f\n",
		c.backend, c.size, c.batch, r.TrainIPS, r.InferIPS, r.TrainGFLOPS, r.InferGFLOPS)
	return nil
}

// site is one op call site: the op and the shape of its main input.
type site struct {
	op    string
	shape [4]int
	order int
}

type siteStats struct {
	secs, flop float64
	calls      int
}

// profiler is a kernels.Ops that times every call of the ops it wraps and
// counts the floating-point work of convolutions and dense layers.
type profiler struct {
	kernels.Ops
	sites map[site]*siteStats
	order map[string]int
}

func newProfiler(o kernels.Ops) *profiler {
	return &profiler{Ops: o, sites: map[site]*siteStats{}, order: map[string]int{}}
}

// reset forgets what was recorded.
func (p *profiler) reset() { p.sites = map[site]*siteStats{} }

// flops is the work recorded since reset.
func (p *profiler) flops() float64 {
	var f float64
	for _, s := range p.sites {
		f += s.flop
	}
	return f
}

// record adds one call of op on input t, started at start, doing flop
// floating-point operations.
func (p *profiler) record(op string, t kernels.Tensor, start time.Time, flop float64) {
	var s site
	s.op = op
	copy(s.shape[:], t.Shape())
	key := fmt.Sprint(op, s.shape)
	o, ok := p.order[key]
	if !ok {
		o = len(p.order)
		p.order[key] = o
	}
	s.order = o
	st := p.sites[s]
	if st == nil {
		st = &siteStats{}
		p.sites[s] = st
	}
	st.secs += time.Since(start).Seconds()
	st.flop += flop
	st.calls++
}

func convFlop(x, w, y kernels.Tensor) float64 {
	xs, ws, ys := x.Shape(), w.Shape(), y.Shape()
	return 2 * float64(xs[0]) * float64(ws[0]*ws[1]*ws[2]*ws[3]) * float64(ys[2]*ys[3])
}

func denseFlop(x, w kernels.Tensor) float64 {
	return 2 * float64(x.Shape()[0]) * float64(w.Len())
}

// Conv2DForward times the wrapped op.
func (p *profiler) Conv2DForward(x, w, b, y kernels.Tensor, c kernels.Conv) error {
	t := time.Now()
	err := p.Ops.Conv2DForward(x, w, b, y, c)
	p.record("conv fwd", x, t, convFlop(x, w, y))
	return err
}

// Conv2DBackwardData times the wrapped op.
func (p *profiler) Conv2DBackwardData(dy, w, dx kernels.Tensor, c kernels.Conv) error {
	t := time.Now()
	err := p.Ops.Conv2DBackwardData(dy, w, dx, c)
	p.record("conv bwd data", dx, t, convFlop(dx, w, dy))
	return err
}

// Conv2DBackwardFilter times the wrapped op.
func (p *profiler) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, c kernels.Conv) error {
	t := time.Now()
	err := p.Ops.Conv2DBackwardFilter(x, dy, dw, db, c)
	p.record("conv bwd filter", x, t, convFlop(x, dw, dy))
	return err
}

// MaxPoolForward times the wrapped op.
func (p *profiler) MaxPoolForward(x, y kernels.Tensor, c kernels.Pool) error {
	t := time.Now()
	err := p.Ops.MaxPoolForward(x, y, c)
	p.record("pool fwd", x, t, 0)
	return err
}

// MaxPoolBackward times the wrapped op.
func (p *profiler) MaxPoolBackward(x, y, dy, dx kernels.Tensor, c kernels.Pool) error {
	t := time.Now()
	err := p.Ops.MaxPoolBackward(x, y, dy, dx, c)
	p.record("pool bwd", x, t, 0)
	return err
}

// ReLUForward times the wrapped op.
func (p *profiler) ReLUForward(x, y kernels.Tensor) error {
	t := time.Now()
	err := p.Ops.ReLUForward(x, y)
	p.record("relu fwd", x, t, 0)
	return err
}

// ReLUBackward times the wrapped op.
func (p *profiler) ReLUBackward(y, dy, dx kernels.Tensor) error {
	t := time.Now()
	err := p.Ops.ReLUBackward(y, dy, dx)
	p.record("relu bwd", y, t, 0)
	return err
}

// DenseForward times the wrapped op.
func (p *profiler) DenseForward(x, w, b, y kernels.Tensor) error {
	t := time.Now()
	err := p.Ops.DenseForward(x, w, b, y)
	p.record("dense fwd", w, t, denseFlop(x, w))
	return err
}

// DenseBackward times the wrapped op.
func (p *profiler) DenseBackward(x, w, dy, dx, dw, db kernels.Tensor) error {
	t := time.Now()
	err := p.Ops.DenseBackward(x, w, dy, dx, dw, db)
	f := denseFlop(x, w)
	if dx != nil {
		f *= 2
	}
	p.record("dense bwd", w, t, f)
	return err
}

// DropoutForward times the wrapped op.
func (p *profiler) DropoutForward(x, mask, y kernels.Tensor, rate float32, seed uint64) error {
	t := time.Now()
	err := p.Ops.DropoutForward(x, mask, y, rate, seed)
	p.record("dropout fwd", x, t, 0)
	return err
}

// DropoutBackward times the wrapped op.
func (p *profiler) DropoutBackward(dy, mask, dx kernels.Tensor) error {
	t := time.Now()
	err := p.Ops.DropoutBackward(dy, mask, dx)
	p.record("dropout bwd", dy, t, 0)
	return err
}

// SGDUpdate times the wrapped op.
func (p *profiler) SGDUpdate(w, dw kernels.Tensor, lr float32) error {
	t := time.Now()
	err := p.Ops.SGDUpdate(w, dw, lr)
	p.record("sgd", w, t, 0)
	return err
}

// SoftmaxCrossEntropy times the wrapped op.
func (p *profiler) SoftmaxCrossEntropy(logits, labels, dlogits kernels.Tensor) (float64, int, error) {
	t := time.Now()
	l, c, err := p.Ops.SoftmaxCrossEntropy(logits, labels, dlogits)
	p.record("softmax", logits, t, 0)
	return l, c, err
}

// print writes one line per call site, in call order, with its share of
// total seconds; the rest is the layers' own overhead.
func (p *profiler) print(out io.Writer, total float64) {
	type row struct {
		s  site
		st *siteStats
	}
	var rows []row
	for s, st := range p.sites {
		rows = append(rows, row{s, st})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].s.order < rows[j].s.order })
	fmt.Fprintf(out, "%-16s %-22s %9s %6s %9s\n", "op", "input", "ms/step", "share", "GFLOP/s")
	var sum float64
	steps := float64(rows[0].st.calls)
	for _, r := range rows {
		sh := r.s.shape
		in := fmt.Sprintf("(%d,%d,%d,%d)", sh[0], sh[1], sh[2], sh[3])
		if sh[2] == 0 {
			in = fmt.Sprintf("(%d,%d)", sh[0], sh[1])
		}
		g := ""
		if r.st.flop > 0 {
			g = fmt.Sprintf("%.1f", r.st.flop/r.st.secs/1e9)
		}
		sum += r.st.secs
		fmt.Fprintf(out, "%-16s %-22s %9.1f %5.1f%% %9s\n", r.s.op, in, 1e3*r.st.secs/steps, 100*r.st.secs/total, g)
	}
	fmt.Fprintf(out, "ops total %.1f ms/step of %.1f ms/step\n", 1e3*sum/steps, 1e3*total/steps)
}
