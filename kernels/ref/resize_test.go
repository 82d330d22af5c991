package ref

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resizeBytes resizes one image with a fresh Resizer and returns the bytes.
func resizeBytes(t *testing.T, src []uint8, sr, sc, dr, dc int) []uint8 {
	t.Helper()
	r, err := NewResizer(sr, sc, dr, dc)
	require.NoError(t, err)
	out := make([]uint8, dr*dc)
	r.ResizeBytes(out, src)

	// Resize must be ResizeBytes divided by 255.
	f := make([]float32, dr*dc)
	r.Resize(f, src)
	for i, v := range out {
		require.Equal(t, float32(v)/255, f[i], "pixel %d", i)
	}
	return out
}

func TestResizeIdentity(t *testing.T) {
	src := randomImage(1, 28, 28)
	r, err := NewResizer(28, 28, 28, 28)
	require.NoError(t, err)
	dst := make([]float32, 28*28)
	r.Resize(dst, src)
	for i, p := range src {
		require.Equal(t, float32(p)/255, dst[i])
	}
}

func TestResizeConstantStaysConstant(t *testing.T) {
	for _, size := range []int{1, 2, 5, 13, 14, 27, 29, 56, 96, 224} {
		for _, c := range []uint8{0, 1, 77, 128, 254, 255} {
			src := make([]uint8, 28*28)
			for i := range src {
				src[i] = c
			}
			out := resizeBytes(t, src, 28, 28, size, size)
			for i, v := range out {
				require.Equal(t, c, v, "size %d, value %d, pixel %d", size, c, i)
			}
		}
	}
}

// The 2x upscale of a 2x2 image, computed by hand with OpenCV's
// INTER_LINEAR rules (see Resizer):
//
//	columns: src x = (dx+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25
//	         -> (x0,x1;a0,a1) = (0,1;2048,0) (0,1;1536,512) (0,1;512,1536) (1,1;2048,0)
//	rows:    same positions, rows clamped, weights kept
//	         -> (0,0;512,1536) (0,1;1536,512) (0,1;512,1536) (1,1;1536,512)
//	h(row 0 = 10 50)  >> 4 = 1280  2560  5120  6400
//	h(row 1 = 90 200) >> 4 = 11520 15040 22080 25600
//
// For example output (1,1) is (2560*1536>>16) + (15040*512>>16) = 60 + 117
// = 177, and (177+2)>>2 = 44 (exact bilinear: 44.375). Output (3,1) is
// (15040*1536>>16) + (15040*512>>16) = 352 + 117 = 469, (469+2)>>2 = 117,
// where exact bilinear and OpenCV's scalar path give 117.5 -> 118: this is the
// SIMD kernel's truncation, which OpenCV uses for output widths that fill a
// vector.
func TestResizeUpscale2xHandComputed(t *testing.T) {
	src := []uint8{
		10, 50,
		90, 200,
	}
	want := []uint8{
		10, 20, 40, 50,
		30, 44, 73, 88,
		70, 93, 139, 163,
		90, 117, 172, 200,
	}
	assert.Equal(t, want, resizeBytes(t, src, 2, 2, 4, 4))
}

// 28 -> 1 samples the center: src = 0.5*28-0.5 = 13.5, the mean of pixels
// 13 and 14 in both directions, rounded half up: (0+100+200+255)/4 = 138.75.
func TestResizeTo1HandComputed(t *testing.T) {
	src := make([]uint8, 28*28)
	src[13*28+13], src[13*28+14], src[14*28+13], src[14*28+14] = 0, 100, 200, 255
	assert.Equal(t, []uint8{139}, resizeBytes(t, src, 28, 28, 1, 1))
}

// 28 -> 14 is OpenCV's fast INTER_AREA: (a+b+c+d+2)>>2 over 2x2 blocks.
func TestResizeDownscale2xAveragesBlocks(t *testing.T) {
	src := randomImage(2, 28, 28)
	// Hand-made blocks with sums 2 mod 4 and 1 mod 4 pin down the rounding.
	src[0], src[1], src[28], src[29] = 0, 0, 1, 1         // 2/4 = 0.5 -> 1
	src[2], src[3], src[30], src[31] = 0, 0, 0, 1         // 1/4 -> 0
	src[4], src[5], src[32], src[33] = 0, 1, 1, 1         // 3/4 -> 1
	src[6], src[7], src[34], src[35] = 255, 255, 255, 253 // 1018/4 = 254.5 -> 255
	out := resizeBytes(t, src, 28, 28, 14, 14)
	assert.Equal(t, []uint8{1, 0, 1, 255}, out[:4])
	for y := range 14 {
		for x := range 14 {
			s := int(src[2*y*28+2*x]) + int(src[2*y*28+2*x+1]) + int(src[(2*y+1)*28+2*x]) + int(src[(2*y+1)*28+2*x+1])
			require.Equal(t, uint8((s+2)>>2), out[y*14+x], "(%d,%d)", y, x)
		}
	}
}

// The 28 -> 224 tables, by hand: src x = (dx+0.5)/8-0.5.
func TestResizeTables224(t *testing.T) {
	r, err := NewResizer(28, 28, 224, 224)
	require.NoError(t, err)
	tests := []struct {
		name           string
		ofs, w         []int32
		d              int
		wantOfs, wantW [2]int32
	}{
		// dx=0: -0.4375, left of pixel 0: the border pixel, weight 1.
		{"x 0", r.xofs, r.alpha, 0, [2]int32{0, 1}, [2]int32{2048, 0}},
		// dx=4: 0.0625 -> weights 0.9375, 0.0625.
		{"x 4", r.xofs, r.alpha, 4, [2]int32{0, 1}, [2]int32{1920, 128}},
		{"x 11", r.xofs, r.alpha, 11, [2]int32{0, 1}, [2]int32{128, 1920}},
		// dx=100: 12.0625.
		{"x 100", r.xofs, r.alpha, 100, [2]int32{12, 13}, [2]int32{1920, 128}},
		// dx=223: 27.4375, at the last pixel: the border pixel, weight 1.
		{"x 223", r.xofs, r.alpha, 223, [2]int32{27, 27}, [2]int32{2048, 0}},
		// Rows are clamped but keep their weights: dy=0 is -0.4375, row -1
		// with fraction 0.5625.
		{"y 0", r.yofs, r.beta, 0, [2]int32{0, 0}, [2]int32{896, 1152}},
		{"y 223", r.yofs, r.beta, 223, [2]int32{27, 27}, [2]int32{1152, 896}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.wantOfs, [2]int32{tc.ofs[2*tc.d], tc.ofs[2*tc.d+1]})
			assert.Equal(t, tc.wantW, [2]int32{tc.w[2*tc.d], tc.w[2*tc.d+1]})
		})
	}
}

// bilinear is plain floating-point bilinear interpolation with the same
// border rules, for checking that the fixed-point result is within a level.
func bilinear(src []uint8, sr, sc, dr, dc, y, x int) float64 {
	pos := func(d, s, n int) (int, int, float64, bool) {
		f := (float64(d)+0.5)*float64(s)/float64(n) - 0.5
		i := int(math.Floor(f))
		return i, i + 1, f - float64(i), true
	}
	clamp := func(i, n int) int { return min(max(i, 0), n-1) }
	y0, y1, fy, _ := pos(y, sr, dr)
	x0, x1, fx, _ := pos(x, sc, dc)
	if x0 < 0 {
		x0, x1, fx = 0, 0, 0
	}
	if x0 >= sc-1 {
		x0, x1, fx = sc-1, sc-1, 0
	}
	y0, y1 = clamp(y0, sr), clamp(y1, sr)
	at := func(r, c int) float64 { return float64(src[r*sc+c]) }
	top := at(y0, x0)*(1-fx) + at(y0, x1)*fx
	bot := at(y1, x0)*(1-fx) + at(y1, x1)*fx
	return top*(1-fy) + bot*fy
}

func TestResizeNearFloatBilinear(t *testing.T) {
	sizes := [][2]int{{1, 1}, {3, 7}, {13, 13}, {27, 27}, {29, 29}, {32, 32}, {56, 56}, {96, 96}, {100, 31}, {224, 224}}
	for i, s := range sizes {
		src := randomImage(uint64(10+i), 28, 28)
		out := resizeBytes(t, src, 28, 28, s[0], s[1])
		for y := range s[0] {
			for x := range s[1] {
				want := bilinear(src, 28, 28, s[0], s[1], y, x)
				require.InDelta(t, want, float64(out[y*s[1]+x]), 1.01, "size %v at (%d,%d)", s, y, x)
			}
		}
	}
}

func TestResizeBatch(t *testing.T) {
	r, err := NewResizer(28, 28, 40, 40)
	require.NoError(t, err)
	src := append(randomImage(3, 28, 28), randomImage(4, 28, 28)...)
	dst := make([]float32, 2*40*40)
	r.ResizeBatch(dst, src)
	one := make([]float32, 40*40)
	for i := range 2 {
		r.Resize(one, src[i*784:(i+1)*784])
		assert.Equal(t, one, dst[i*1600:(i+1)*1600])
	}
	for _, v := range dst {
		require.True(t, v >= 0 && v <= 1, "%v out of [0,1]", v)
	}
	allocs := testing.AllocsPerRun(20, func() { r.ResizeBatch(dst, src) })
	assert.Zero(t, allocs)
}

func TestResizerErrors(t *testing.T) {
	for _, sizes := range [][4]int{{28, 28, 0, 0}, {0, 28, 28, 28}, {28, 28, -1, 5}, {28, 28, 1 << 17, 2}} {
		_, err := NewResizer(sizes[0], sizes[1], sizes[2], sizes[3])
		require.ErrorContains(t, err, "every side must be in 1..65536", "%v", sizes)
	}
	r, err := NewResizer(28, 28, 14, 14)
	require.NoError(t, err)
	assert.PanicsWithValue(t,
		"ref: Resizer.Resize from 28x28 to 14x14: got 784 source bytes and 195 destination values, want 784 and 196 (n=1)",
		func() { r.Resize(make([]float32, 195), make([]uint8, 784)) })
	assert.Panics(t, func() { r.ResizeBatch(make([]float32, 196), make([]uint8, 785)) })
}

func BenchmarkResize224(b *testing.B) {
	r, err := NewResizer(28, 28, 224, 224)
	require.NoError(b, err)
	src := randomImage(1, 28, 28)
	dst := make([]float32, 224*224)
	for b.Loop() {
		r.Resize(dst, src)
	}
}

// randomImage returns rows*cols random pixels.
func randomImage(seed uint64, rows, cols int) []uint8 {
	r := rand.New(rand.NewPCG(seed, 2))
	img := make([]uint8, rows*cols)
	for i := range img {
		img[i] = uint8(r.IntN(256))
	}
	return img
}
