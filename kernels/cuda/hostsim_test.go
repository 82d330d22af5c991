package cuda

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// The project's CUDA kernels are plain C++ apart from a few CUDA keywords.
// hostPrelude defines those so that the whole of Source compiles as host
// code. Calling a kernel directly is a "launch" of one block of one thread
// walking every element through the kernel's grid-stride loops.
// vgg_launch(grid, block, call) runs call as grid blocks, one after another,
// of block real threads each: threadIdx is per thread, __shared__ arrays are
// shared by the block's threads, and __syncthreads is a barrier of the
// block, so a reduction's barriers and shared-memory tree really run (a
// thread that skips a barrier hangs the test until runHost's timeout). The
// tests below run the kernels that have no cuDNN or cuBLAS counterpart (and
// vgg_bias_backward) that way and compare them with kernels/ref and
// ref.Resizer: the kernels' arithmetic, indexing and reductions are checked
// here, without a GPU, and the GPU conformance run (go test -tags cuda)
// checks them again on the device.
const hostPrelude = `
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <thread>
#include <vector>
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
struct vgg_dim3 { unsigned x, y, z; };
static thread_local vgg_dim3 threadIdx = {0, 0, 0};
static vgg_dim3 blockIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static pthread_barrier_t vgg_barrier;
static void __syncthreads(void) { if (blockDim.x > 1) pthread_barrier_wait(&vgg_barrier); }
template <class F> static void vgg_launch(unsigned grid, unsigned block, F call) {
	gridDim = {grid, 1, 1}; blockDim = {block, 1, 1};
	pthread_barrier_init(&vgg_barrier, NULL, block);
	for (unsigned g = 0; g < grid; g++) {
		blockIdx = {g, 0, 0};
		std::vector<std::thread> threads;
		for (unsigned t = 0; t < block; t++)
			threads.emplace_back([=] { threadIdx = {t, 0, 0}; call(); });
		for (auto &t : threads) t.join();
	}
	pthread_barrier_destroy(&vgg_barrier);
	gridDim = blockDim = {1, 1, 1}; blockIdx = {0, 0, 0};
}
static void *slurp(const char *path, long *n) {
	FILE *f = fopen(path, "rb"); if (!f) { perror(path); exit(2); }
	fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
	void *p = malloc(*n + 1); if (fread(p, 1, *n, f) != (size_t)*n) exit(3); fclose(f); return p;
}
`

// runHost compiles Source with hostPrelude and main, runs it
// with the input file in, and returns what it wrote to stdout.
func runHost(t *testing.T, main string, in []byte) []byte {
	t.Helper()
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ is not installed: the kernels are checked on the GPU only")
	}
	dir := t.TempDir()
	src, bin, input := filepath.Join(dir, "k.cc"), filepath.Join(dir, "k"), filepath.Join(dir, "in.bin")
	require.NoError(t, os.WriteFile(src, []byte(hostPrelude+Source()+main), 0o644))
	require.NoError(t, os.WriteFile(input, in, 0o644))
	// -ffp-contract=off matches NVRTC's --fmad=false.
	out, err := exec.Command(cxx, "-O1", "-ffp-contract=off", "-pthread", "-w", "-o", bin, src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	got, err := exec.CommandContext(ctx, bin, input).Output()
	require.NoError(t, err, "a kernel that hangs has a thread that skips a __syncthreads")
	return got
}

func TestResizeKernelMatchesResizerBitForBit(t *testing.T) {
	sizes := [][4]int{{28, 28, 224, 224}, {28, 28, 96, 96}, {28, 28, 32, 32}, {28, 28, 14, 14}, {28, 28, 28, 28},
		{28, 28, 37, 53}, {13, 7, 5, 3}, {28, 28, 1, 1}, {3, 4, 300, 2}}
	const n = 3
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range sizes {
		t.Run(kernels.ShapeString(sz[:]), func(t *testing.T) {
			inH, inW, outH, outW := sz[0], sz[1], sz[2], sz[3]
			img := make([]uint8, n*inH*inW)
			for i := range img {
				img[i] = uint8(rng.IntN(256))
			}
			img[0], img[1] = 0, 255
			var in bytes.Buffer
			for _, v := range []int32{n, int32(inH), int32(inW), int32(outH), int32(outW)} {
				require.NoError(t, binary.Write(&in, binary.LittleEndian, v))
			}
			in.Write(img)
			got := runHost(t, `
int main(int argc, char **argv) {
	long len; int *h = (int *)slurp(argv[1], &len);
	int n = h[0], inH = h[1], inW = h[2], outH = h[3], outW = h[4];
	float *dst = (float *)malloc(sizeof(float) * n * outH * outW);
	vgg_resize_bilinear_u8((const unsigned char *)(h + 5), dst, n, inH, inW, outH, outW);
	fwrite(dst, sizeof(float), (size_t)n * outH * outW, stdout);
	return 0;
}
`, in.Bytes())
			rz, err := ref.NewResizer(inH, inW, outH, outW)
			require.NoError(t, err)
			want := make([]float32, n*outH*outW)
			rz.ResizeBatch(want, img)
			require.Len(t, got, 4*len(want))
			bad := 0
			for i, w := range want {
				g := math.Float32frombits(binary.LittleEndian.Uint32(got[4*i:]))
				if g != w {
					if bad < 5 {
						t.Errorf("pixel %d: kernel %v (%d/255), Resizer %v (%d/255)", i, g, int(math.Round(float64(g)*255)), w, int(math.Round(float64(w)*255)))
					}
					bad++
				}
			}
			assert.Zero(t, bad, "differing pixels of %d", len(want))
		})
	}
}

func TestMaxPoolKernelsMatchRefOnTies(t *testing.T) {
	cases := []struct {
		name       string
		n, c, h, w int
		p          kernels.Pool
	}{
		{"2x2_stride2", 2, 3, 14, 14, kernels.Pool{WindowH: 2, WindowW: 2, StrideH: 2, StrideW: 2}},
		{"3x3_stride2_overlapping_untiled", 1, 2, 8, 7, kernels.Pool{WindowH: 3, WindowW: 3, StrideH: 2, StrideW: 2}},
		{"3x2_stride1x2", 2, 2, 6, 7, kernels.Pool{WindowH: 3, WindowW: 2, StrideH: 1, StrideW: 2}},
		{"3x3_stride3_untiled", 1, 2, 10, 11, kernels.Pool{WindowH: 3, WindowW: 3, StrideH: 3, StrideW: 3}},
		{"1x1_stride2", 1, 2, 5, 6, kernels.Pool{WindowH: 1, WindowW: 1, StrideH: 2, StrideW: 2}},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			P, Q, err := kernels.PoolOut(tc.h, tc.w, tc.p)
			require.NoError(t, err)
			x, _ := kernels.NewHostTensor(tc.n, tc.c, tc.h, tc.w)
			dy, _ := kernels.NewHostTensor(tc.n, tc.c, P, Q)
			y, _ := kernels.NewHostTensor(tc.n, tc.c, P, Q)
			dx, _ := kernels.NewHostTensor(tc.n, tc.c, tc.h, tc.w)
			for i := range x.Data() {
				x.Data()[i] = float32(rng.IntN(3)) // ties everywhere
			}
			for i := range dy.Data() {
				dy.Data()[i] = float32(rng.Float64()*2 - 1)
			}
			r := ref.New()
			require.NoError(t, r.MaxPoolForward(x, y, tc.p))
			require.NoError(t, r.MaxPoolBackward(x, y, dy, dx, tc.p))

			var in bytes.Buffer
			for _, v := range []int32{int32(tc.n * tc.c), int32(tc.h), int32(tc.w), int32(P), int32(Q),
				int32(tc.p.WindowH), int32(tc.p.WindowW), int32(tc.p.StrideH), int32(tc.p.StrideW)} {
				require.NoError(t, binary.Write(&in, binary.LittleEndian, v))
			}
			require.NoError(t, binary.Write(&in, binary.LittleEndian, x.Data()))
			require.NoError(t, binary.Write(&in, binary.LittleEndian, dy.Data()))
			got := runHost(t, `
int main(int argc, char **argv) {
	long len; int *h = (int *)slurp(argv[1], &len);
	long long planes = h[0]; int H = h[1], W = h[2], P = h[3], Q = h[4];
	const float *x = (const float *)(h + 9), *dy = x + planes * H * W;
	float *y = (float *)malloc(sizeof(float) * planes * P * Q), *dx = (float *)malloc(sizeof(float) * planes * H * W);
	vgg_maxpool_forward(x, y, planes, H, W, P, Q, h[5], h[6], h[7], h[8]);
	vgg_maxpool_backward(x, dy, dx, planes, H, W, P, Q, h[5], h[6], h[7], h[8]);
	fwrite(y, sizeof(float), planes * P * Q, stdout);
	fwrite(dx, sizeof(float), planes * H * W, stdout);
	return 0;
}
`, in.Bytes())
			want := append(append([]float32(nil), y.Data()...), dx.Data()...)
			require.Len(t, got, 4*len(want))
			for i, w := range want {
				assert.Equal(t, w, math.Float32frombits(binary.LittleEndian.Uint32(got[4*i:])), "element %d (y then dx)", i)
			}
		})
	}
}

// TestBiasBackwardKernelTree runs vgg_bias_backward's shared-memory tree
// with real threads and barriers at every block size the launch site
// allows up to 1024 (and the one it uses): each channel's sum is Go's
// float64 sum to within one float32 rounding, and the same geometry gives
// the same bits on every run.
func TestBiasBackwardKernelTree(t *testing.T) {
	const n, k, pq = 3, 5, 37
	rng := rand.New(rand.NewPCG(9, 10))
	dy := make([]float32, n*k*pq)
	for i := range dy {
		dy[i] = float32(rng.Float64()*2 - 1)
	}
	want := make([]float32, k)
	for c := range k {
		var s float64
		for img := range n {
			for p := range pq {
				s += float64(dy[(img*k+c)*pq+p])
			}
		}
		want[c] = float32(s)
	}
	for _, block := range []int{1, 2, 8, 64, biasBackwardBlock, 1024} {
		t.Run(fmt.Sprintf("block %d", block), func(t *testing.T) {
			grid, threads, err := biasBackwardGrid(k, block)
			require.NoError(t, err)
			var in bytes.Buffer
			require.NoError(t, binary.Write(&in, binary.LittleEndian, []int32{n, k, pq, int32(grid), int32(threads)}))
			require.NoError(t, binary.Write(&in, binary.LittleEndian, dy))
			got := runHost(t, `
int main(int argc, char **argv) {
	long len; int *h = (int *)slurp(argv[1], &len);
	int n = h[0], k = h[1], pq = h[2];
	const float *dy = (const float *)(h + 5);
	float db[2][64];
	for (int run = 0; run < 2; run++)
		vgg_launch(h[3], h[4], [&] { vgg_bias_backward(dy, db[run], n, k, pq); });
	fwrite(db, sizeof(float), 2 * 64, stdout);
	return 0;
}
`, in.Bytes())
			require.Len(t, got, 4*2*64)
			for c, w := range want {
				first := math.Float32frombits(binary.LittleEndian.Uint32(got[4*c:]))
				second := math.Float32frombits(binary.LittleEndian.Uint32(got[4*(64+c):]))
				mag := float32(math.Abs(float64(w)))
				ulp := math.Nextafter32(mag, float32(math.Inf(1))) - mag
				assert.InDelta(t, w, first, float64(ulp), "channel %d", c)
				assert.Equal(t, math.Float32bits(first), math.Float32bits(second), "channel %d: the same launch, other bits", c)
			}
		})
	}
}

// TestSoftmaxKernelReduction runs vgg_softmax_xent at the backend's launch
// geometry with real threads: one block, several, and more rows than the
// capped grid has threads (grid-stride). The per-block slots, added in
// block order, give ref's loss and correct count, the gradient is ref's,
// bad labels are counted, and two runs give the same bits.
func TestSoftmaxKernelReduction(t *testing.T) {
	const k = 10
	for _, tc := range []struct {
		name string
		n    int
		bad  []int // rows with an out-of-range label
	}{
		{"one block", 100, nil}, {"three blocks", 300, nil},
		{"grid-stride", xentMaxBlocks*xentBlock + 77, nil}, {"bad labels", 300, []int{0, 129, 299}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, uint64(tc.n)))
			logits, _ := kernels.NewHostTensor(tc.n, k)
			labels, _ := kernels.NewHostTensor(tc.n)
			for i := range logits.Data() {
				logits.Data()[i] = float32(rng.NormFloat64() * 3)
			}
			for i := range labels.Data() {
				labels.Data()[i] = float32(rng.IntN(k))
			}
			for i, r := range tc.bad {
				labels.Data()[r] = []float32{-1, k, 2.5}[i%3]
			}
			grid := xentGrid(tc.n)
			var in bytes.Buffer
			require.NoError(t, binary.Write(&in, binary.LittleEndian, []int32{int32(tc.n), k, int32(grid), xentBlock}))
			require.NoError(t, binary.Write(&in, binary.LittleEndian, logits.Data()))
			require.NoError(t, binary.Write(&in, binary.LittleEndian, labels.Data()))
			got := runHost(t, `
int main(int argc, char **argv) {
	long len; int *h = (int *)slurp(argv[1], &len);
	int n = h[0], k = h[1];
	const float *logits = (const float *)(h + 4), *labels = logits + (long long)n * k;
	float *d = (float *)malloc(sizeof(float) * n * k);
	double out[2][3 * 64];
	for (int run = 0; run < 2; run++)
		vgg_launch(h[2], h[3], [&] { vgg_softmax_xent(logits, labels, d, out[run], n, k); });
	for (int run = 0; run < 2; run++)
		fwrite(out[run], sizeof(double), 3 * h[2], stdout);
	fwrite(d, sizeof(float), (size_t)n * k, stdout);
	return 0;
}
`, in.Bytes())
			slots := int(3 * grid)
			require.Len(t, got, 8*2*slots+4*tc.n*k)
			parts := make([][]float64, 2)
			for run := range parts {
				parts[run] = make([]float64, slots)
				for i := range parts[run] {
					parts[run][i] = math.Float64frombits(binary.LittleEndian.Uint64(got[8*(run*slots+i):]))
				}
			}
			assert.Equal(t, parts[0], parts[1], "the same launch gave other partial sums")
			sum := sumXent(parts[0])
			assert.Equal(t, float64(len(tc.bad)), sum[2], "bad labels")
			if len(tc.bad) > 0 {
				return
			}
			want, _ := kernels.NewHostTensor(tc.n, k)
			loss, correct, err := ref.New().SoftmaxCrossEntropy(logits, labels, want)
			require.NoError(t, err)
			assert.InDelta(t, loss, sum[0]/float64(tc.n), 1e-12, "mean loss")
			assert.Equal(t, float64(correct), sum[1], "correct count")
			off := 8 * 2 * slots
			for i, w := range want.Data() {
				assert.InDelta(t, w, math.Float32frombits(binary.LittleEndian.Uint32(got[off+4*i:])), 1e-9, "dlogits %d", i)
			}
		})
	}
}
