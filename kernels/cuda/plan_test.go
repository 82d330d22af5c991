package cuda

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

func TestParsePrecision(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Precision
		err  bool
	}{
		{"tf32", TF32, false}, {"", TF32, false}, {" FP32 ", FP32, false}, {"fp16", 0, true}, {"double", 0, true},
	} {
		got, err := ParsePrecision(tc.in)
		if tc.err {
			assert.ErrorContains(t, err, "want tf32", tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, strings.ToLower(strings.TrimSpace(tc.in)) == "fp32", got.String() == "fp32")
	}
}

func TestDefaults(t *testing.T) {
	c := newConfig(nil)
	assert.Equal(t, TF32, c.precision, "TF32 tensor-op math by default")
	assert.Equal(t, SearchFind, c.search)
	assert.Equal(t, uint64(DefaultWorkspaceLimit), c.workspaceLimit)
	c = newConfig([]Option{WithPrecision(FP32), WithAlgoSearch(SearchHeuristic), WithWorkspaceLimit(5), nil, WithLibraryPath("/x")})
	assert.Equal(t, FP32, c.precision)
	assert.Equal(t, SearchHeuristic, c.search)
	assert.Equal(t, uint64(5), c.workspaceLimit)
	assert.Len(t, c.libOpts, 1)
}

func TestPick(t *testing.T) {
	key := convKeyOf(kernels.ConvDims{N: 2, C: 3, H: 8, W: 8, K: 4, R: 3, S: 3, P: 8, Q: 8}, kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1})
	for _, tc := range []struct {
		name  string
		cands []candidate
		prec  Precision
		limit uint64
		want  int
		err   string
	}{
		{"first runnable", []candidate{{algo: 6, status: 3}, {algo: 1, math: cu.DNNDefaultMath, memory: 10}, {algo: 0}}, TF32, 100, 1, ""},
		{"workspace limit", []candidate{{algo: 7, memory: 1 << 30}, {algo: 2, memory: 1 << 10}}, TF32, 1 << 20, 2, ""},
		{"tensor ops allowed under tf32", []candidate{{algo: 1, math: cu.DNNTensorOpMath}}, TF32, 100, 1, ""},
		{"fp32 skips tensor ops", []candidate{{algo: 1, math: cu.DNNTensorOpMath}, {algo: 5, math: cu.DNNTensorOpMathAllowConversion}, {algo: 0, math: cu.DNNFMAMath}}, FP32, 100, 0, ""},
		{"tf32 skips fp16 conversion", []candidate{{algo: 5, math: cu.DNNTensorOpMathAllowConversion}, {algo: 4, math: cu.DNNTensorOpMath}}, TF32, 100, 4, ""},
		{"tf32 falls back to fma", []candidate{{algo: 5, math: cu.DNNTensorOpMathAllowConversion}, {algo: 3, status: 1, math: cu.DNNTensorOpMath}, {algo: 0, math: cu.DNNFMAMath}}, TF32, 100, 0, ""},
		{"only fp16 conversion", []candidate{{algo: 5, math: cu.DNNTensorOpMathAllowConversion}}, TF32, 100, 0, "no backward filter algorithm"},
		{"nothing fits", []candidate{{algo: 1, math: cu.DNNTensorOpMath}}, FP32, 100, 0, "no backward filter algorithm"},
		{"empty", nil, TF32, 100, 0, "0 candidates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pick(tc.cands, tc.prec, tc.limit, dirBackwardFilter, key)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				assert.Contains(t, err.Error(), "x (2,3,8,8), w (4,3,3,3), pad 1,1, stride 1,1")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.algo)
		})
	}
}

func TestConvKeyIgnoresReLU(t *testing.T) {
	d := kernels.ConvDims{N: 128, C: 16, H: 224, W: 224, K: 16, R: 3, S: 3, P: 224, Q: 224}
	p := kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	a := convKeyOf(d, p)
	p.ReLU = true
	assert.Equal(t, a, convKeyOf(d, p), "forward with fused ReLU and backward share one plan")
	d.N = 96 // the last, partial batch
	assert.NotEqual(t, a, convKeyOf(d, p))
}

func TestGridFor(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		sms  int
		want uint32
	}{
		{1, 132, 1}, {256, 132, 1}, {257, 132, 2}, {1 << 30, 132, 132 * blocksPerSM}, {1000, 0, 4}, {0, 10, 1},
	} {
		assert.Equal(t, tc.want, gridFor(tc.n, tc.sms), "n=%d sms=%d", tc.n, tc.sms)
	}
	assert.Equal(t, uint64(32), roundUp(17, 16))
	assert.Equal(t, uint64(16), roundUp(16, 16))
}

func TestTensorOwnershipViewsAndFree(t *testing.T) {
	a, b := &owner{}, &owner{}
	m := &memory{ptr: 0x1000, bytes: 24 * 4, owner: a}
	base := &Tensor{shape: []int{2, 3, 4}, n: 24, mem: m}

	v, err := a.reshape(base, []int{4, 6})
	require.NoError(t, err)
	assert.Equal(t, []int{4, 6}, v.Shape())
	p, err := a.ptr("ReLUForward", "x", v)
	require.NoError(t, err)
	assert.Equal(t, uint64(0x1000), p, "a view shares its tensor's memory")

	_, err = a.reshape(base, []int{5, 5})
	assert.ErrorIs(t, err, kernels.ErrShape)
	_, err = a.reshape(base, []int{})
	assert.ErrorIs(t, err, kernels.ErrShape)

	_, err = b.ptr("SGDUpdate", "w", base)
	assert.ErrorContains(t, err, "another cuda backend")
	_, err = a.ptr("SGDUpdate", "w", kernels.Tensor(nil))
	assert.ErrorContains(t, err, "w is nil")
	var typedNil *Tensor
	_, err = a.ptr("SGDUpdate", "w", typedNil)
	assert.ErrorContains(t, err, "nil *cuda.Tensor")
	assert.Nil(t, typedNil.Shape())
	assert.Zero(t, typedNil.Len())
	host, _ := kernels.NewHostTensor(2, 3)
	_, err = a.ptr("CopyOut", "src", host)
	assert.ErrorContains(t, err, "not a cuda tensor")
	q, err := a.optPtr("DenseBackward", "dx", nil)
	assert.NoError(t, err)
	assert.Zero(t, q)

	v.freed = true // Free of a view
	_, err = a.ptr("ReLUForward", "x", v)
	assert.ErrorContains(t, err, "was freed")
	_, err = a.ptr("ReLUForward", "x", base)
	assert.NoError(t, err, "freeing a view leaves its tensor usable")

	v2, err := a.reshape(base, []int{24})
	require.NoError(t, err)
	m.freed = true // Free of the tensor
	_, err = a.ptr("CopyOut", "src", v2)
	assert.ErrorContains(t, err, "was freed", "freeing a tensor invalidates its views")
	assert.Equal(t, "cuda.Tensor(24,)", v2.String())
}

func TestCheckLoadImages(t *testing.T) {
	o := &owner{}
	mk := func(shape ...int) *Tensor {
		return &Tensor{shape: shape, n: kernels.Numel(shape), mem: &memory{owner: o}}
	}
	img, lab := make([]uint8, 2*28*28), make([]float32, 2)
	assert.NoError(t, kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2)))
	for name, err := range map[string]error{
		"short images": kernels.CheckLoadImages(img[:10], lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2)),
		"x batch":      kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(3, 1, 224, 224), mk(2)),
		"x channels":   kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 3, 224, 224), mk(2)),
		"lab":          kernels.CheckLoadImages(img, lab, 2, 28, 28, mk(2, 1, 224, 224), mk(2, 1)),
		"zero n":       kernels.CheckLoadImages(img, lab, 0, 28, 28, mk(2, 1, 224, 224), mk(2)),
	} {
		assert.ErrorIs(t, err, kernels.ErrShape, name)
	}
}

func TestReasonIsOneLine(t *testing.T) {
	le := &cu.LibraryError{Name: "libcuda.so.1", DlError: "libcuda.so.1: cannot open shared object file: No such file or directory",
		Tried: []string{"/opt/nv/libcuda.so.1: not found", "libcuda.so.1 (system search: LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib): libcuda.so.1: cannot open"}}
	r := Reason(errors.Join(le))
	assert.NotContains(t, r, "\n")
	assert.Contains(t, r, "cannot load libcuda.so.1: libcuda.so.1: cannot open shared object file")
	assert.Contains(t, r, "looked in: /opt/nv/libcuda.so.1, libcuda.so.1 (system search: LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib)")
	assert.Contains(t, r, "install the NVIDIA driver")
	assert.Equal(t, "a b", Reason(errors.New("a\n   b")))
	assert.Empty(t, Reason(nil))
}
