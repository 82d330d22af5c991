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
	algo   int
	status int
	memory uint64
	math   int
}

// choice is the algorithm a plan uses for one direction.
type choice struct {
	algo      int
	math      int
	workspace uint64
}

// pick returns the first usable candidate (they come best first): one that
// can run (status 0), fits the workspace limit, never uses
// CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION (it may convert FP32 data to FP16,
// which overflows above 65504 and loses precision, at either precision), and
// under FP32 does not use tensor-op math. Without one it is an
// *AlgorithmError.
func pick(cands []candidate, p Precision, limit uint64, dir direction, key convKey) (choice, error) {
	for _, c := range cands {
		if c.status != 0 || c.memory > limit || c.math == cu.DNNTensorOpMathAllowConversion {
			continue
		}
		if p == FP32 && c.math == cu.DNNTensorOpMath {
			continue
		}
		return choice{algo: c.algo, math: c.math, workspace: c.memory}, nil
	}
	return choice{}, &AlgorithmError{Direction: dir.String(), Problem: key.String(), Precision: p,
		WorkspaceLimit: limit, Candidates: len(cands)}
}
