package bench

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/device"
	"github.com/vggo/vggo/kernels"
)

var (
	backendFlag = flag.String("backend", "cpu", "device.Open spec of the backend to time")
	batchFlag   = flag.Int("batch", 32, "batch size of the benchmarks")
)

// convLayer is one 3x3 pad-1 convolution of VGG-11/4 at input side size.
type convLayer struct {
	name    string
	c, k, h int
}

// vgg11Convs lists the convolutions of VGG-11 at ratio 4 on a side x side
// grey-scale input: (C,K,H) per layer.
func vgg11Convs(side int) []convLayer {
	arch := []struct{ convs, ch int }{{1, 16}, {1, 32}, {2, 64}, {2, 128}, {2, 128}}
	var out []convLayer
	c := 1
	for i, b := range arch {
		for j := range b.convs {
			out = append(out, convLayer{fmt.Sprintf("b%d.conv%d_c%d_k%d_%d", i+1, j, c, b.ch, side), c, b.ch, side})
			c = b.ch
		}
		side /= 2
	}
	return out
}

func open(b *testing.B) kernels.Ops {
	dev, err := device.Open(*backendFlag)
	require.NoError(b, err)
	b.Cleanup(func() { dev.Close() })
	b.Logf("%s", dev.Description())
	return dev.Ops()
}

func randTensor(b *testing.B, o kernels.Ops, rng *rand.Rand, shape ...int) kernels.Tensor {
	t, err := o.Alloc(shape...)
	require.NoError(b, err)
	v := make([]float32, t.Len())
	for i := range v {
		v[i] = rng.Float32()*2 - 1
	}
	require.NoError(b, o.CopyIn(t, v))
	return t
}

// report sets the GFLOP/s metric from the work of one iteration.
func report(b *testing.B, flop float64) {
	b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkConv times the three convolution ops on every VGG-11/4 layer at
// 224 and 96; GFLOP/s counts 2·N·K·C·9·H·W per op.
func BenchmarkConv(b *testing.B) {
	for _, side := range []int{224, 96} {
		for _, l := range vgg11Convs(side) {
			n := *batchFlag
			p := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, ReLU: true}
			flop := 2 * float64(n) * float64(l.k*l.c*9) * float64(l.h*l.h)
			setup := func(b *testing.B) (kernels.Ops, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor) {
				o := open(b)
				rng := rand.New(rand.NewPCG(1, 2))
				x := randTensor(b, o, rng, n, l.c, l.h, l.h)
				w := randTensor(b, o, rng, l.k, l.c, 3, 3)
				bias := randTensor(b, o, rng, l.k)
				y := randTensor(b, o, rng, n, l.k, l.h, l.h)
				dx := randTensor(b, o, rng, n, l.c, l.h, l.h)
				dw := randTensor(b, o, rng, l.k, l.c, 3, 3)
				db := randTensor(b, o, rng, l.k)
				return o, x, w, bias, y, dx, dw, db
			}
			b.Run("fwd/"+l.name, func(b *testing.B) {
				o, x, w, bias, y, _, _, _ := setup(b)
				for b.Loop() {
					require.NoError(b, o.Conv2DForward(x, w, bias, y, p))
				}
				report(b, flop)
			})
			if l.c > 1 {
				b.Run("bwd_data/"+l.name, func(b *testing.B) {
					o, _, w, _, y, dx, _, _ := setup(b)
					for b.Loop() {
						require.NoError(b, o.Conv2DBackwardData(y, w, dx, p))
					}
					report(b, flop)
				})
			}
			b.Run("bwd_filter/"+l.name, func(b *testing.B) {
				o, x, _, _, y, _, dw, db := setup(b)
				for b.Loop() {
					require.NoError(b, o.Conv2DBackwardFilter(x, y, dw, db, p))
				}
				report(b, flop)
			})
		}
	}
}

// BenchmarkPoolReLU times the memory-bound ops on the activations after
// each block's last convolution, reporting GB/s of tensor traffic.
func BenchmarkPoolReLU(b *testing.B) {
	pool := kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}
	for _, side := range []int{224, 96} {
		for _, l := range vgg11Convs(side) {
			n := *batchFlag
			elems := float64(n * l.k * l.h * l.h)
			name := fmt.Sprintf("k%d_%d", l.k, l.h)
			b.Run("pool_fwd/"+name, func(b *testing.B) {
				o := open(b)
				rng := rand.New(rand.NewPCG(1, 2))
				x := randTensor(b, o, rng, n, l.k, l.h, l.h)
				y := randTensor(b, o, rng, n, l.k, l.h/2, l.h/2)
				for b.Loop() {
					require.NoError(b, o.MaxPoolForward(x, y, pool))
				}
				b.ReportMetric(elems*1.25*4*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
			b.Run("pool_bwd/"+name, func(b *testing.B) {
				o := open(b)
				rng := rand.New(rand.NewPCG(1, 2))
				x := randTensor(b, o, rng, n, l.k, l.h, l.h)
				y := randTensor(b, o, rng, n, l.k, l.h/2, l.h/2)
				dy := randTensor(b, o, rng, n, l.k, l.h/2, l.h/2)
				dx := randTensor(b, o, rng, n, l.k, l.h, l.h)
				require.NoError(b, o.MaxPoolForward(x, y, pool))
				for b.Loop() {
					require.NoError(b, o.MaxPoolBackward(x, y, dy, dx, pool))
				}
				b.ReportMetric(elems*2.25*4*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
			b.Run("relu_bwd/"+name, func(b *testing.B) {
				o := open(b)
				rng := rand.New(rand.NewPCG(1, 2))
				y := randTensor(b, o, rng, n, l.k, l.h, l.h)
				dy := randTensor(b, o, rng, n, l.k, l.h, l.h)
				for b.Loop() {
					require.NoError(b, o.ReLUBackward(y, dy, dy))
				}
				b.ReportMetric(elems*3*4*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
}

// BenchmarkDense times the two big dense layers of VGG-11/4 (the first one's
// input is 128·7·7 at 224, 128·3·3 at 96); GFLOP/s counts 2·N·In·Out for
// forward and twice that for backward.
func BenchmarkDense(b *testing.B) {
	for _, d := range []struct {
		name    string
		in, out int
	}{{"dense0_224_6272x4096", 6272, 4096}, {"dense0_96_1152x4096", 1152, 4096}, {"dense1_4096x4096", 4096, 4096}} {
		n := *batchFlag
		flop := 2 * float64(n) * float64(d.in*d.out)
		setup := func(b *testing.B) (kernels.Ops, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor, kernels.Tensor) {
			o := open(b)
			rng := rand.New(rand.NewPCG(1, 2))
			return o, randTensor(b, o, rng, n, d.in), randTensor(b, o, rng, d.out, d.in), randTensor(b, o, rng, d.out),
				randTensor(b, o, rng, n, d.out), randTensor(b, o, rng, n, d.in), randTensor(b, o, rng, d.out, d.in)
		}
		b.Run("fwd/"+d.name, func(b *testing.B) {
			o, x, w, bias, y, _, _ := setup(b)
			for b.Loop() {
				require.NoError(b, o.DenseForward(x, w, bias, y))
			}
			report(b, flop)
		})
		b.Run("bwd/"+d.name, func(b *testing.B) {
			o, x, w, bias, dy, dx, dw := setup(b)
			for b.Loop() {
				require.NoError(b, o.DenseBackward(x, w, dy, dx, dw, bias))
			}
			report(b, 2*flop)
		})
	}
}
