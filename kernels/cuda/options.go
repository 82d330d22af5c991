package cuda

import (
	"fmt"
	"strconv"
	"strings"

	cu "github.com/vggo/vggo/internal/cuda"
)

// Precision is the math mode of convolutions and GEMMs on float32 data.
type Precision int

// The precisions.
const (
	// TF32 lets cuDNN and cuBLAS round GEMM inputs to TF32 (10-bit mantissa)
	// on tensor cores (Ampere and newer): several times faster, about 1e-3
	// relative error per product. The default.
	TF32 Precision = iota
	// FP32 keeps every product and sum in float32, as the CPU backends do.
	FP32
)

// String is the precision's name, "tf32" or "fp32", as ParsePrecision reads
// it.
func (p Precision) String() string {
	if p == FP32 {
		return "fp32"
	}
	return "tf32"
}

// ParsePrecision reads a Precision by its String name, "tf32" or "fp32",
// ignoring case and surrounding space; an empty string is the default, TF32.
func ParsePrecision(s string) (Precision, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tf32", "":
		return TF32, nil
	case "fp32":
		return FP32, nil
	}
	return 0, fmt.Errorf("cuda: unknown precision %q: want tf32 (fast, the default) or fp32 (strict)", s)
}

// Search is how cuDNN convolution algorithms are chosen, once per shape.
type Search int

// The algorithm searches.
const (
	// SearchFind times every applicable algorithm on the device
	// (cudnnFind*), like PyTorch's cudnn.benchmark. The default.
	SearchFind Search = iota
	// SearchHeuristic takes cuDNN's heuristic ranking (cudnnGet*_v7), which
	// runs nothing: faster to start, sometimes slower to train.
	SearchHeuristic
)

// String is the search's name, "find" or "heuristic".
func (s Search) String() string {
	if s == SearchHeuristic {
		return "heuristic"
	}
	return "find"
}

// DefaultWorkspaceLimit bounds the cuDNN workspace of one algorithm: faster
// algorithms that need more are skipped.
const DefaultWorkspaceLimit = 1 << 30

// Option configures New.
type Option func(*config)

type config struct {
	precision     Precision
	search        Search
	deterministic bool
	// syncEveryOp is WithSyncEveryOp's setting; nil: EnvSync decides.
	syncEveryOp    *bool
	workspaceLimit uint64
	libOpts        []cu.Option
	kernelCache    *KernelCache
}

func newConfig(opts []Option) config {
	c := config{precision: TF32, search: SearchFind, workspaceLimit: DefaultWorkspaceLimit}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithPrecision sets the math mode (TF32 by default).
func WithPrecision(p Precision) Option { return func(c *config) { c.precision = p } }

// WithAlgoSearch sets how convolution algorithms are chosen (SearchFind by
// default).
func WithAlgoSearch(s Search) Option { return func(c *config) { c.search = s } }

// WithDeterministic makes training bit-reproducible on one card and
// software stack: two runs from the same seed give the same losses and
// weights bit for bit. It takes only algorithms cuDNN reports as
// deterministic (never backward-filter ALGO_0 or ALGO_3 or backward-data
// ALGO_0, which sum with atomic adds), chosen by cuDNN's heuristic ranking
// rather than by timing (it overrides WithAlgoSearch: a timed ranking can
// change from run to run), and computes bias gradients with the project's
// vgg_bias_backward, whose sums run in a fixed order, instead of
// cudnnConvolutionBackwardBias, whose determinism cuDNN does not document.
// cuBLAS's GEMMs are already reproducible on one stream, and the loss sum
// is always reduced in a fixed order.
//
// Cost: it gives up the fastest algorithms where those are the
// non-deterministic or the timed-best ones, and the heuristic ranking may
// pick a slower one than a timed search would; how much that costs depends
// on the card and the shapes, and has to be measured on the card. Off by
// default.
func WithDeterministic(on bool) Option { return func(c *config) { c.deterministic = on } }

// algoSearch is the search New uses: SearchHeuristic in deterministic mode,
// else the one set.
func (c config) algoSearch() Search {
	if c.deterministic {
		return SearchHeuristic
	}
	return c.search
}

// EnvSync names the environment variable that, set to 1, makes New's
// backend synchronise after every op (see WithSyncEveryOp). New reads it
// once; WithSyncEveryOp overrides it.
const EnvSync = "VGGO_CUDA_SYNC"

// WithSyncEveryOp makes every op wait for the device before it returns, so
// that a kernel or library fault is reported by the op that caused it,
// named in the error (an *OpError), instead of by whichever later op
// synchronises next. It is a debugging switch: it costs one stream
// synchronisation per op, where training otherwise waits once per batch.
// Without the option, EnvSync decides (off unless VGGO_CUDA_SYNC=1).
func WithSyncEveryOp(on bool) Option { return func(c *config) { c.syncEveryOp = &on } }

// syncMode is whether to synchronise after every op: the option's setting,
// else EnvSync as getenv reads it, which must be empty, a boolean
// (strconv.ParseBool: 1, 0, true, false, ...) or fail with an error naming
// the variable.
func (c config) syncMode(getenv func(string) string) (bool, error) {
	if c.syncEveryOp != nil {
		return *c.syncEveryOp, nil
	}
	v := strings.TrimSpace(getenv(EnvSync))
	if v == "" {
		return false, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("cuda: %s=%q: want 1 (synchronise after every op, to name the op that faults) or 0 (off, the default)", EnvSync, v)
	}
	return on, nil
}

// WithWorkspaceLimit sets the largest cuDNN workspace one algorithm may use,
// in bytes (DefaultWorkspaceLimit by default).
func WithWorkspaceLimit(bytes uint64) Option { return func(c *config) { c.workspaceLimit = bytes } }

// WithLibraryPath searches dirs for NVIDIA's libraries before VGGO_CUDA_PATH
// and the system loader (see internal/cuda.WithLibraryPath).
func WithLibraryPath(dirs ...string) Option {
	return func(c *config) { c.libOpts = append(c.libOpts, cu.WithLibraryPath(dirs...)) }
}

// WithLibraryOptions passes options to internal/cuda's loaders, for tests
// that replace the system loader or the environment.
func WithLibraryOptions(opts ...cu.Option) Option {
	return func(c *config) { c.libOpts = append(c.libOpts, opts...) }
}

// WithKernelCache shares compiled kernels between backends: a backend built
// with the same cache, compute capability, NVRTC and kernel source loads the
// image compiled before instead of running NVRTC again (most of New's time).
// Without it every New compiles. Use one cache per process or test binary.
func WithKernelCache(k *KernelCache) Option { return func(c *config) { c.kernelCache = k } }
