package cuda

import (
	"fmt"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// convKey identifies a convolution problem: the cuDNN descriptors and the
// algorithm chosen for each direction are cached under it. The ReLU flag is
// not part of it (the backend applies ReLU after the convolution).
type convKey struct {
	n, c, h, w, k, r, s          int
	padH, padW, strideH, strideW int
}

func convKeyOf(d kernels.ConvDims, p kernels.Conv) convKey {
	return convKey{n: d.N, c: d.C, h: d.H, w: d.W, k: d.K, r: d.R, s: d.S,
		padH: p.PadH, padW: p.PadW, strideH: p.StrideH, strideW: p.StrideW}
}

// String describes the problem: input and filter shapes, padding, stride.
func (k convKey) String() string {
	return fmt.Sprintf("x (%d,%d,%d,%d), w (%d,%d,%d,%d), pad %d,%d, stride %d,%d",
		k.n, k.c, k.h, k.w, k.k, k.c, k.r, k.s, k.padH, k.padW, k.strideH, k.strideW)
}

// direction is one of a convolution's three cuDNN operations.
type direction int

const (
	dirForward direction = iota
	dirBackwardData
	dirBackwardFilter
)

// String is the direction's name, as errors print it.
func (d direction) String() string {
	return [...]string{"forward", "backward data", "backward filter"}[d]
}

// candidate is one ranked cuDNN algorithm, as Find or Get reports it.
type candidate struct {
	algo        int
	status      int
	memory      uint64
	math        int
	determinism int
}

// choice is an algorithm a plan may use for one direction, with the math
// type to set on the descriptor before using it and its workspace size.
type choice struct {
	algo      int
	math      int
	workspace uint64
}

// rules are what a backend accepts of cuDNN's ranked algorithms.
type rules struct {
	precision Precision
	// deterministic admits only algorithms that give the same bits on
	// every run.
	deterministic bool
	// limit is the largest workspace, in bytes.
	limit uint64
}

// accepts says whether c may be used: it can run the problem (status 0),
// fits the workspace limit, never uses CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION
// (it may convert FP32 data to FP16, which overflows above 65504 and loses
// precision, at either precision), and under FP32 was ranked with
// CUDNN_FMA_MATH. cuDNN ranks each algorithm under the descriptor's math
// type and under CUDNN_DEFAULT_MATH, which permits TF32 on Ampere and
// newer; an FP32 backend runs every algorithm under FMA math, so only the
// entries ranked under FMA describe what it runs. In deterministic mode c
// must also be reported CUDNN_DETERMINISTIC and not be one of the
// algorithms cudnn_ops.h documents as non-deterministic (atomic adds),
// whatever the entry says.
func (r rules) accepts(c candidate, dir direction) bool {
	if c.status != 0 || c.memory > r.limit || c.math == cu.DNNTensorOpMathAllowConversion {
		return false
	}
	if r.precision == FP32 && c.math != cu.DNNFMAMath {
		return false
	}
	return !r.deterministic || (c.determinism == cu.DNNDeterministic && !atomicAlgo(dir, c.algo))
}

// atomicAlgo says whether algo of dir sums with atomic adds (cudnn_ops.h:
// backward-filter ALGO_0 and ALGO_3, backward-data ALGO_0).
func atomicAlgo(dir direction, algo int) bool {
	switch dir {
	case dirBackwardData:
		return algo == cu.DNNBwdDataAlgo0
	case dirBackwardFilter:
		return algo == cu.DNNBwdFilterAlgo0 || algo == cu.DNNBwdFilterAlgo3
	}
	return false
}

// pick returns the candidates r accepts, in cuDNN's order (best first).
// Without one it is an *AlgorithmError.
func pick(cands []candidate, r rules, dir direction, key convKey) ([]choice, error) {
	var out []choice
	for _, c := range cands {
		if r.accepts(c, dir) {
			out = append(out, choice{algo: c.algo, math: c.math, workspace: c.memory})
		}
	}
	if len(out) == 0 {
		return nil, r.noAlgorithm(dir, key, len(cands), 0)
	}
	return out, nil
}

// noAlgorithm is the *AlgorithmError of a direction whose candidates are all
// refused.
func (r rules) noAlgorithm(dir direction, key convKey, candidates, rejected int) *AlgorithmError {
	return &AlgorithmError{Direction: dir.String(), Problem: key.String(), Precision: r.precision,
		Deterministic: r.deterministic, WorkspaceLimit: r.limit, Candidates: candidates, Rejected: rejected}
}

// algoQueue is one direction's accepted candidates, best first; the head is
// the algorithm in use. cuDNN's ranking is made without running the exact
// algorithm and math type, so the workspace query or the convolution itself
// may still answer that one cannot run the problem: the queue then moves on
// to the next candidate instead of failing the op.
type algoQueue struct {
	// ranked: pick has filled cands.
	ranked bool
	// cands are the accepted candidates not yet refused, best first.
	cands []choice
	// ready: cands[0] passed the exact workspace query (its workspace is
	// the larger of the ranking's and the query's figures).
	ready bool
	// ranking is how many candidates cuDNN ranked, rejected how many
	// accepted ones were refused since: not supported, or over the limit.
	ranking, rejected int
}

// fill takes pick's accepted candidates of a ranking of n.
func (q *algoQueue) fill(cands []choice, n int) {
	q.ranked, q.cands, q.ready, q.ranking, q.rejected = true, cands, false, n, 0
}

// head returns the algorithm to use: the first candidate whose exact
// workspace query (query: set the math type, ask cuDNN) succeeds within
// limit. Candidates the query answers with a not-supported status, or with
// a workspace over the limit, are dropped; any other error is returned.
func (q *algoQueue) head(r rules, query func(choice) (uint64, error), dir direction, key convKey) (choice, error) {
	for len(q.cands) > 0 {
		c := &q.cands[0]
		if q.ready {
			return *c, nil
		}
		ws, err := query(*c)
		switch {
		case cu.IsUnsupported(err), err == nil && ws > r.limit:
			q.drop()
			continue
		case err != nil:
			return choice{}, err
		}
		c.workspace = max(c.workspace, ws)
		q.ready = true
		return *c, nil
	}
	return choice{}, r.noAlgorithm(dir, key, q.ranking, q.rejected)
}

// drop refuses the head candidate.
func (q *algoQueue) drop() {
	q.cands, q.ready = q.cands[1:], false
	q.rejected++
}

// run runs op with the head algorithm and, while op answers that the
// algorithm does not support the problem, with the next ones (op must be
// safe to repeat: the convolutions overwrite their output, beta = 0).
func (q *algoQueue) run(r rules, query func(choice) (uint64, error), op func(choice) error, dir direction, key convKey) error {
	for {
		c, err := q.head(r, query, dir, key)
		if err != nil {
			return err
		}
		if err := op(c); !cu.IsUnsupported(err) {
			return err
		}
		q.drop()
	}
}
