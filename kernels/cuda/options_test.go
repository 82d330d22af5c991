package cuda

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.False(t, c.deterministic)
	assert.Equal(t, SearchFind, c.algoSearch())
	c = newConfig([]Option{WithPrecision(FP32), WithAlgoSearch(SearchHeuristic), WithWorkspaceLimit(5), nil, WithLibraryPath("/x")})
	assert.Equal(t, FP32, c.precision)
	assert.Equal(t, SearchHeuristic, c.search)
	assert.Equal(t, uint64(5), c.workspaceLimit)
	assert.Len(t, c.libOpts, 1)
}

// TestDeterministicRanksByHeuristics: deterministic mode never ranks by
// timing, whatever search was asked for.
func TestDeterministicRanksByHeuristics(t *testing.T) {
	for _, opts := range [][]Option{
		{WithDeterministic(true)},
		{WithAlgoSearch(SearchFind), WithDeterministic(true)},
		{WithDeterministic(true), WithAlgoSearch(SearchFind)},
	} {
		c := newConfig(opts)
		assert.True(t, c.deterministic)
		assert.Equal(t, SearchHeuristic, c.algoSearch())
	}
	assert.False(t, newConfig([]Option{WithDeterministic(true), WithDeterministic(false)}).deterministic)
}

// TestSyncMode: VGGO_CUDA_SYNC is read as a boolean, empty is off, anything
// else is an error naming the variable; the option overrides it.
func TestSyncMode(t *testing.T) {
	for _, tc := range []struct {
		env  string
		opts []Option
		want bool
		err  string
	}{
		{env: "", want: false}, {env: "1", want: true}, {env: " true ", want: true}, {env: "0", want: false},
		{env: "false", want: false}, {env: "yes", err: `cuda: VGGO_CUDA_SYNC="yes": want 1`}, {env: "2", err: "VGGO_CUDA_SYNC"},
		{env: "1", opts: []Option{WithSyncEveryOp(false)}, want: false},
		{env: "", opts: []Option{WithSyncEveryOp(true)}, want: true},
		{env: "bogus", opts: []Option{WithSyncEveryOp(true)}, want: true},
	} {
		got, err := newConfig(tc.opts).syncMode(func(name string) string {
			assert.Equal(t, EnvSync, name)
			return tc.env
		})
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%q", tc.env)
			continue
		}
		require.NoError(t, err, "%q", tc.env)
		assert.Equal(t, tc.want, got, "%q with %d options", tc.env, len(tc.opts))
	}
}
