//go:build cuda

package cuda_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/kernels/kerneltest"
	"github.com/vggo/vggo/kernels/ref"
)

// kernelCache lets the dozens of backends these tests create compile the
// kernels once (NVRTC) instead of once per backend.
var kernelCache = cuda.NewKernelCache()

// open returns GPU 0 with strict FP32 math (the suite's tolerances reject
// TF32), or fails the test: under the cuda tag a missing GPU is an error.
func open(t *testing.T, opts ...cuda.Option) *cuda.Backend {
	t.Helper()
	b, err := cuda.New(0, append([]cuda.Option{cuda.WithPrecision(cuda.FP32), cuda.WithKernelCache(kernelCache)}, opts...)...)
	if err != nil {
		t.Fatalf("no usable GPU for the cuda tests (built with -tags cuda, so this is a failure; run go test without the tag on machines without a GPU): %s", cuda.Reason(err))
	}
	t.Logf("GPU: %s", b.Info())
	return b
}

// backends returns a constructor for kerneltest.Run after checking that the
// GPU opens; later failures are reported by the suite ("newBackend returned
// nil") with the reason logged.
func backends(t *testing.T, opts ...cuda.Option) func() kernels.Ops {
	require.NoError(t, open(t, opts...).Close())
	return func() kernels.Ops {
		b, err := cuda.New(0, append([]cuda.Option{cuda.WithPrecision(cuda.FP32), cuda.WithKernelCache(kernelCache)}, opts...)...)
		if err != nil {
			t.Errorf("cuda.New: %s", cuda.Reason(err))
			return nil
		}
		return b
	}
}

func TestConformance(t *testing.T) {
	kerneltest.Run(t, backends(t))
}

func TestConformanceHeuristicAlgorithms(t *testing.T) {
	kerneltest.Run(t, backends(t, cuda.WithAlgoSearch(cuda.SearchHeuristic)))
}

// TestConformanceDeterministic runs the suite in deterministic FP32:
// deterministic cuDNN algorithms by heuristics, and vgg_bias_backward for
// the bias gradients.
func TestConformanceDeterministic(t *testing.T) {
	kerneltest.Run(t, backends(t, cuda.WithDeterministic(true)))
}

// TestLoadImagesMatchesResizer: the device resize gives the CPU loader's
// values bit for bit (both are OpenCV's fixed-point INTER_LINEAR).
func TestLoadImagesMatchesResizer(t *testing.T) {
	b := open(t)
	defer b.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int{224, 96, 32, 14, 28} {
		const n = 5
		img := make([]uint8, n*28*28)
		for i := range img {
			img[i] = uint8(rng.IntN(256))
		}
		labels := []float32{0, 1, 2, 3, 9}
		x, err := b.Alloc(n, 1, size, size)
		require.NoError(t, err)
		lab, err := b.Alloc(n)
		require.NoError(t, err)
		require.NoError(t, b.LoadImages(img, labels, n, 28, 28, x, lab))
		got := make([]float32, x.Len())
		require.NoError(t, b.CopyOut(got, x))
		gotLab := make([]float32, n)
		require.NoError(t, b.CopyOut(gotLab, lab))
		rz, err := ref.NewResizer(28, 28, size, size)
		require.NoError(t, err)
		want := make([]float32, len(got))
		rz.ResizeBatch(want, img)
		assert.Equal(t, want, got, "size %d", size)
		assert.Equal(t, labels, gotLab)
		require.NoError(t, b.Free(x))
		require.NoError(t, b.Free(lab))
	}
}

// TestTF32IsCloseButNotExact: the default precision runs and stays close to
// strict FP32 on a VGG-sized convolution.
func TestTF32IsCloseButNotExact(t *testing.T) {
	require.NoError(t, open(t).Close())
	run := func(p cuda.Precision) []float32 {
		b, err := cuda.New(0, cuda.WithPrecision(p), cuda.WithKernelCache(kernelCache))
		require.NoError(t, err)
		defer b.Close()
		rng := rand.New(rand.NewPCG(7, 8))
		fill := func(shape ...int) kernels.Tensor {
			v := make([]float32, kernels.Numel(shape))
			for i := range v {
				v[i] = float32(rng.Float64()*2 - 1)
			}
			tt, err := b.Alloc(shape...)
			require.NoError(t, err)
			require.NoError(t, b.CopyIn(tt, v))
			return tt
		}
		x, w, bias := fill(8, 16, 56, 56), fill(32, 16, 3, 3), fill(32)
		y, err := b.Alloc(8, 32, 56, 56)
		require.NoError(t, err)
		require.NoError(t, b.Conv2DForward(x, w, bias, y, kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}))
		out := make([]float32, y.Len())
		require.NoError(t, b.CopyOut(out, y))
		return out
	}
	strict, fast := run(cuda.FP32), run(cuda.TF32)
	var worst float64
	for i := range strict {
		worst = math.Max(worst, math.Abs(float64(strict[i]-fast[i])))
	}
	t.Logf("max |tf32 - fp32| over %d outputs of magnitude ~7: %g", len(strict), worst)
	assert.Less(t, worst, 0.1)
}

// TestSteadyStateAllocsAndSyncs: after the first step, a training-like step
// allocates nothing on the device and waits for it once.
func TestSteadyStateAllocsAndSyncs(t *testing.T) {
	b := open(t)
	defer b.Close()
	const n = 16
	conv := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, ReLU: true}
	alloc := func(shape ...int) kernels.Tensor {
		tt, err := b.Alloc(shape...)
		require.NoError(t, err)
		return tt
	}
	x, lab := [2]kernels.Tensor{alloc(n, 1, 32, 32), alloc(n, 1, 32, 32)}, [2]kernels.Tensor{alloc(n), alloc(n)}
	w, bias, y := alloc(8, 1, 3, 3), alloc(8), alloc(n, 8, 32, 32)
	dw, db := alloc(8, 1, 3, 3), alloc(8)
	pooled, dpooled, dy := alloc(n, 8, 16, 16), alloc(n, 8, 16, 16), alloc(n, 8, 32, 32)
	flat, err := b.Reshape(pooled, n, 8*16*16)
	require.NoError(t, err)
	fw, fb, logits, dlogits := alloc(10, 8*16*16), alloc(10), alloc(n, 10), alloc(n, 10)
	fdw, fdb, dflat := alloc(10, 8*16*16), alloc(10), alloc(n, 8*16*16)
	img := make([]uint8, n*28*28)
	labels := make([]float32, n)
	pool := kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}
	step := func(i int) {
		xi, li := x[i%2], lab[i%2]
		require.NoError(t, b.LoadImages(img, labels, n, 28, 28, xi, li))
		require.NoError(t, b.Conv2DForward(xi, w, bias, y, conv))
		require.NoError(t, b.MaxPoolForward(y, pooled, pool))
		require.NoError(t, b.DenseForward(flat, fw, fb, logits))
		_, _, err := b.SoftmaxCrossEntropy(logits, li, dlogits)
		require.NoError(t, err)
		require.NoError(t, b.DenseBackward(flat, fw, dlogits, dflat, fdw, fdb))
		dp, err := b.Reshape(dflat, n, 8, 16, 16)
		require.NoError(t, err)
		require.NoError(t, b.MaxPoolBackward(y, pooled, dp, dy, pool))
		require.NoError(t, b.ReLUBackward(y, dy, dy))
		require.NoError(t, b.Conv2DBackwardFilter(xi, dy, dw, db, conv))
		for _, pr := range [][2]kernels.Tensor{{w, dw}, {bias, db}, {fw, fdw}, {fb, fdb}} {
			require.NoError(t, b.SGDUpdate(pr[0], pr[1], 0.01))
		}
	}
	_ = dpooled
	step(0)
	step(1)
	before := b.Stats()
	for i := 2; i < 12; i++ {
		step(i)
	}
	after := b.Stats()
	assert.Equal(t, before.Allocs, after.Allocs, "device allocations in the steady state")
	assert.Equal(t, 10, after.StreamSyncs-before.StreamSyncs, "one stream synchronisation per step")
	t.Logf("per step: %d launches of the project's kernels, %d staging waits in 10 steps",
		(after.Launches-before.Launches)/10, after.StagingWaits-before.StagingWaits)
}
