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

var testKey = convKeyOf(kernels.ConvDims{N: 2, C: 3, H: 8, W: 8, K: 4, R: 3, S: 3, P: 8, Q: 8}, kernels.Conv{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1})

const (
	dflt  = cu.DNNDefaultMath
	tcore = cu.DNNTensorOpMath
	conv  = cu.DNNTensorOpMathAllowConversion
	fma   = cu.DNNFMAMath

	det    = cu.DNNDeterministic
	nondet = cu.DNNNonDeterministic
)

func algos(cs []choice) []int {
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.algo
	}
	return out
}

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cands []candidate
		r     rules
		want  []int // nil: an *AlgorithmError
	}{
		{"tf32: runnable ones in order", []candidate{{algo: 6, status: 3000}, {algo: 1, math: dflt, memory: 10}, {algo: 0, math: fma}},
			rules{precision: TF32, limit: 100}, []int{1, 0}},
		{"workspace limit", []candidate{{algo: 7, memory: 1 << 30}, {algo: 2, memory: 1 << 10}}, rules{precision: TF32, limit: 1 << 20}, []int{2}},
		{"tf32 takes tensor ops", []candidate{{algo: 1, math: tcore}}, rules{precision: TF32, limit: 100}, []int{1}},
		{"tf32 skips fp16 conversion", []candidate{{algo: 5, math: conv}, {algo: 4, math: tcore}, {algo: 0, math: fma}},
			rules{precision: TF32, limit: 100}, []int{4, 0}},
		{"fp32 takes fma only", []candidate{{algo: 1, math: tcore}, {algo: 5, math: conv}, {algo: 2, math: dflt}, {algo: 0, math: fma}, {algo: 2, math: fma}},
			rules{precision: FP32, limit: 100}, []int{0, 2}},
		{"fp32: default-math entries are not what runs", []candidate{{algo: 1, math: dflt}}, rules{precision: FP32, limit: 100}, nil},
		{"fp32: fma over the limit", []candidate{{algo: 1, math: fma, memory: 200}, {algo: 0, math: fma, status: 3000}}, rules{precision: FP32, limit: 100}, nil},
		{"only fp16 conversion", []candidate{{algo: 5, math: conv}}, rules{precision: TF32, limit: 100}, nil},
		{"empty", nil, rules{precision: TF32, limit: 100}, nil},
		{"deterministic: flag and documented algorithms", []candidate{{algo: 0, math: fma, determinism: det}, {algo: 3, math: fma, determinism: det},
			{algo: 5, math: fma, determinism: nondet}, {algo: 1, math: fma, determinism: det}, {algo: 6, math: fma, determinism: det}},
			rules{precision: FP32, deterministic: true, limit: 100}, []int{1, 6}},
		{"deterministic tf32 keeps tensor ops", []candidate{{algo: 3, math: tcore, determinism: nondet}, {algo: 1, math: tcore, determinism: det}},
			rules{precision: TF32, deterministic: true, limit: 100}, []int{1}},
		{"deterministic: only atomic ones", []candidate{{algo: 0, math: fma, determinism: nondet}, {algo: 3, math: fma, determinism: nondet}},
			rules{precision: FP32, deterministic: true, limit: 100}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pick(tc.cands, tc.r, dirBackwardFilter, testKey)
			if tc.want == nil {
				var ae *AlgorithmError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, AlgorithmError{Direction: "backward filter", Problem: testKey.String(), Precision: tc.r.precision,
					Deterministic: tc.r.deterministic, WorkspaceLimit: tc.r.limit, Candidates: len(tc.cands)}, *ae)
				assert.ErrorContains(t, err, "backward filter algorithm for x (2,3,8,8), w (4,3,3,3), pad 1,1, stride 1,1")
				assert.Equal(t, tc.r.deterministic, strings.Contains(err.Error(), "no deterministic backward filter algorithm"))
				assert.Equal(t, tc.r.deterministic, strings.Contains(err.Error(), "turn off WithDeterministic"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, algos(got))
		})
	}
}

// TestAlgoQueue: the workspace query and the op may refuse a ranked
// algorithm as not supported (or the query may find it over the limit);
// the queue then runs the next one, and fails the op only for other errors
// or when none is left.
func TestAlgoQueue(t *testing.T) {
	unsupported := &cu.Error{Lib: "cudnn", Code: 3000, Name: "CUDNN_STATUS_NOT_SUPPORTED"}
	shape := &cu.Error{Lib: "cudnn", Code: 3002, Name: "CUDNN_STATUS_NOT_SUPPORTED_SHAPE"}
	oom := &cu.Error{Lib: "cudnn", Code: 4004, Name: "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED"}
	driver := &cu.Error{Lib: "cudnn", Code: 3005, Name: "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER"}
	type answer struct {
		ws  uint64
		err error
	}
	for _, tc := range []struct {
		name     string
		query    map[int]answer // by algorithm; absent: 0 bytes, no error
		op       map[int]error
		ran      []int // the algorithms op was called with
		err      error // the op's error, or nil
		rejected int   // for an *AlgorithmError
	}{
		{name: "the first runs", ran: []int{1}},
		{name: "query not supported", query: map[int]answer{1: {err: unsupported}}, ran: []int{0}},
		{name: "query over the limit", query: map[int]answer{1: {ws: 1 << 40}}, ran: []int{0}},
		{name: "op not supported", op: map[int]error{1: shape}, ran: []int{1, 0}},
		{name: "all refused", query: map[int]answer{1: {err: unsupported}, 0: {ws: 1 << 40}, 5: {ws: 1 << 40}}, rejected: 3},
		{name: "op refuses all", op: map[int]error{1: unsupported, 0: unsupported, 5: shape}, ran: []int{1, 0, 5}, rejected: 3},
		{name: "other query error fails", query: map[int]answer{1: {err: oom}}, err: oom},
		{name: "other op error fails", op: map[int]error{1: oom}, ran: []int{1}, err: oom},
		{name: "incompatible driver is no reason to try another", op: map[int]error{1: driver}, ran: []int{1}, err: driver},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rules{precision: FP32, limit: 1 << 20}
			var q algoQueue
			q.fill([]choice{{algo: 1, math: fma, workspace: 10}, {algo: 0, math: fma}, {algo: 5, math: fma}}, 4)
			query := func(c choice) (uint64, error) {
				assert.Equal(t, fma, c.math)
				a := tc.query[c.algo]
				return a.ws, a.err
			}
			var ran []int
			op := func(c choice) error {
				ran = append(ran, c.algo)
				return tc.op[c.algo]
			}
			err := q.run(r, query, op, dirForward, testKey)
			assert.Equal(t, tc.ran, ran)
			var ae *AlgorithmError
			switch {
			case tc.rejected > 0:
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, AlgorithmError{Direction: "forward", Problem: testKey.String(), Precision: FP32,
					WorkspaceLimit: 1 << 20, Candidates: 4, Rejected: tc.rejected}, *ae)
				assert.ErrorContains(t, err, "(4 candidates, 3 refused when tried)")
			case tc.err != nil:
				assert.True(t, errors.Is(err, tc.err), "%v", err)
				assert.False(t, errors.As(err, &ae))
			default:
				require.NoError(t, err)
				// The algorithm found stays in use: no second query.
				again := 0
				require.NoError(t, q.run(r, func(choice) (uint64, error) { again++; return 0, nil }, func(c choice) error {
					assert.Equal(t, tc.ran[len(tc.ran)-1], c.algo)
					return nil
				}, dirForward, testKey))
				assert.Zero(t, again, "the workspace is queried once per algorithm")
			}
		})
	}
}

// TestAlgoQueueKeepsLargerWorkspace: the exact query can only grow the
// ranking's workspace figure.
func TestAlgoQueueKeepsLargerWorkspace(t *testing.T) {
	var q algoQueue
	q.fill([]choice{{algo: 1, math: fma, workspace: 64}}, 1)
	for _, ws := range []uint64{16, 128} {
		q.ready = false
		c, err := q.head(rules{precision: FP32, limit: 1 << 20}, func(choice) (uint64, error) { return ws, nil }, dirForward, testKey)
		require.NoError(t, err)
		assert.Equal(t, max(ws, 64), c.workspace)
	}
}

// TestAtomicAlgos: the algorithms cudnn_ops.h calls non-deterministic, per
// direction (the numbers mean other algorithms in other directions).
func TestAtomicAlgos(t *testing.T) {
	for _, tc := range []struct {
		dir    direction
		atomic []int
	}{{dirForward, nil}, {dirBackwardData, []int{0}}, {dirBackwardFilter, []int{0, 3}}} {
		var got []int
		for a := range 8 {
			if atomicAlgo(tc.dir, a) {
				got = append(got, a)
			}
		}
		assert.Equal(t, tc.atomic, got, "%s", tc.dir)
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
