package cuda

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/ref"
)

// The project's CUDA kernels are plain C++ apart from a few CUDA keywords.
// hostPrelude defines those so that the whole of Source compiles
// as host code, where a "launch" is one block of one thread walking every
// element through the kernels' grid-stride loops. The tests below run the
// kernels that have no cuDNN or cuBLAS counterpart that way and compare them
// with kernels/ref and ref.Resizer: the kernels' arithmetic and
// indexing are checked here, without a GPU, and the GPU conformance run
// (go test -tags cuda) checks them again on the device.
const hostPrelude = `
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
struct vgg_dim3 { unsigned x, y, z; };
static const vgg_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static void __syncthreads(void) {}
static double atomicAdd(double *p, double v) { double o = *p; *p += v; return o; }
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
	out, err := exec.Command(cxx, "-O1", "-ffp-contract=off", "-w", "-o", bin, src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	got, err := exec.Command(bin, input).Output()
	require.NoError(t, err)
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
