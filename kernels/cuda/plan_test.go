package cuda

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

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
				var ae *AlgorithmError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, AlgorithmError{Direction: "backward filter", Problem: key.String(), Precision: tc.prec,
					WorkspaceLimit: tc.limit, Candidates: len(tc.cands)}, *ae)
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
