//go:build linux && cgo

package cuda

import (
	"errors"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// convPlan is everything cuDNN needs for one convolution problem (convKey):
// descriptors made once, and per direction the algorithm chosen at its first
// use, with its math type and workspace size.
type convPlan struct {
	key        convKey
	x, y, bias cu.TensorDesc
	w          cu.FilterDesc
	conv       cu.ConvDesc
	chosen     [3]bool
	algo       [3]choice
}

// plan returns the cached plan of a convolution, making it on first use.
func (b *Backend) plan(d kernels.ConvDims, p kernels.Conv) (*convPlan, error) {
	key := convKeyOf(d, p)
	if pl, ok := b.convs[key]; ok {
		return pl, nil
	}
	pl := &convPlan{key: key}
	var err error
	if pl.x, err = b.desc(d.N, d.C, d.H, d.W); err != nil {
		return nil, err
	}
	if pl.y, err = b.desc(d.N, d.K, d.P, d.Q); err != nil {
		return nil, err
	}
	if pl.bias, err = b.desc(1, d.K, 1, 1); err != nil {
		return nil, err
	}
	if pl.w, err = b.dnn.NewFilter4d(d.K, d.C, d.R, d.S); err != nil {
		return nil, err
	}
	if pl.conv, err = b.dnn.NewConv2d(p.PadH, p.PadW, p.StrideH, p.StrideW, b.convMath()); err != nil {
		_ = b.dnn.DestroyFilter(pl.w)
		return nil, err
	}
	b.convs[key] = pl
	return pl, nil
}

// convMath is the math type descriptors start with: cuDNN's default lets it
// use TF32 tensor cores for float data; FMA math forbids them.
func (b *Backend) convMath() int {
	if b.cfg.precision == FP32 {
		return cu.DNNFMAMath
	}
	return cu.DNNDefaultMath
}

func (b *Backend) destroyPlan(pl *convPlan) error {
	return errors.Join(b.dnn.DestroyFilter(pl.w), b.dnn.DestroyConv(pl.conv))
}

// prepare chooses (once) the algorithm of one direction of pl, sets the
// descriptor's math type to the one the algorithm was ranked with, and
// returns the algorithm and a workspace large enough for it.
func (b *Backend) prepare(pl *convPlan, dir direction) (choice, cu.DevicePtr, error) {
	if !pl.chosen[dir] {
		if err := b.choose(pl, dir); err != nil {
			return choice{}, 0, err
		}
	}
	c := pl.algo[dir]
	if b.cfg.precision == TF32 {
		if err := b.dnn.SetConvMathType(pl.conv, c.math); err != nil {
			return choice{}, 0, err
		}
	}
	ws, err := b.workspace(c.workspace)
	return c, ws, err
}

func (b *Backend) choose(pl *convPlan, dir direction) error {
	find := b.cfg.search == SearchFind
	if err := b.dnn.SetConvMathType(pl.conv, b.convMath()); err != nil {
		return err
	}
	var perfs []cu.AlgoPerf
	var err error
	switch dir {
	case dirForward:
		perfs, err = b.dnn.ConvForwardAlgos(b.dh, pl.x, pl.w, pl.conv, pl.y, find)
	case dirBackwardData:
		perfs, err = b.dnn.ConvBackwardDataAlgos(b.dh, pl.w, pl.y, pl.conv, pl.x, find)
	default:
		perfs, err = b.dnn.ConvBackwardFilterAlgos(b.dh, pl.x, pl.y, pl.conv, pl.w, find)
	}
	if err != nil {
		return err
	}
	cands := make([]candidate, len(perfs))
	for i, p := range perfs {
		cands[i] = candidate{algo: p.Algo, status: p.Status, memory: p.Memory, math: p.MathType}
	}
	c, err := pick(cands, b.cfg.precision, b.cfg.workspaceLimit, dir, pl.key)
	if err != nil {
		return err
	}
	// The ranking's memory figure is for the math type it was ranked with;
	// ask for the size of exactly this algorithm and math type.
	math := b.convMath()
	if b.cfg.precision == TF32 {
		math = c.math
	}
	if err := b.dnn.SetConvMathType(pl.conv, math); err != nil {
		return err
	}
	var ws uint64
	switch dir {
	case dirForward:
		ws, err = b.dnn.ConvForwardWorkspace(b.dh, pl.x, pl.w, pl.conv, pl.y, c.algo)
	case dirBackwardData:
		ws, err = b.dnn.ConvBackwardDataWorkspace(b.dh, pl.w, pl.y, pl.conv, pl.x, c.algo)
	default:
		ws, err = b.dnn.ConvBackwardFilterWorkspace(b.dh, pl.x, pl.y, pl.conv, pl.w, c.algo)
	}
	if err != nil {
		return err
	}
	c.workspace = max(c.workspace, ws)
	pl.algo[dir], pl.chosen[dir] = c, true
	return nil
}

// Conv2DForward implements kernels.Ops: cudnnConvolutionForward, then the
// bias and the optional ReLU in one pass of vgg_bias_forward.
// x is (N,C,H,W), w is (K,C,R,S), b is (K), y is (N,K,P,Q).
func (b *Backend) Conv2DForward(x, w, bias, y kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DForward"
	d, err := kernels.CheckConv(op, x, w, bias, y, p)
	if err != nil {
		return err
	}
	var ptr [4]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "w", "b", "y"}, ptr[:], x, w, bias, y); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end()
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	c, ws, err := b.prepare(pl, dirForward)
	if err != nil {
		return err
	}
	if err := b.dnn.ConvForward(b.dh, 1, pl.x, ptr[0], pl.w, ptr[1], pl.conv, c.algo,
		ws, b.wsBytes, 0, pl.y, ptr[3]); err != nil {
		return err
	}
	relu := int32(0)
	if p.ReLU {
		relu = 1
	}
	total := int64(d.N) * int64(d.K) * int64(d.P) * int64(d.Q)
	return b.launch(b.fn.biasFwd, total, cu.ArgPtr(ptr[3]), cu.ArgPtr(ptr[2]),
		cu.ArgI32(int32(d.K)), cu.ArgI32(int32(d.P*d.Q)), cu.ArgU64(uint64(total)), cu.ArgI32(relu))
}

// Conv2DBackwardData implements kernels.Ops: cudnnConvolutionBackwardData.
// dy is (N,K,P,Q), w is (K,C,R,S), dx is (N,C,H,W).
func (b *Backend) Conv2DBackwardData(dy, w, dx kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardData"
	d, err := kernels.CheckConv(op, dx, w, nil, dy, p)
	if err != nil {
		return err
	}
	var ptr [3]cu.DevicePtr
	if err := b.ptrs(op, []string{"dy", "w", "dx"}, ptr[:], dy, w, dx); err != nil {
		return err
	}
	pdy, pw, pdx := ptr[0], ptr[1], ptr[2]
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end()
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	c, ws, err := b.prepare(pl, dirBackwardData)
	if err != nil {
		return err
	}
	return b.dnn.ConvBackwardData(b.dh, 1, pl.w, pw, pl.y, pdy, pl.conv, c.algo,
		ws, b.wsBytes, 0, pl.x, pdx)
}

// Conv2DBackwardFilter implements kernels.Ops: cudnnConvolutionBackwardFilter
// for dw and cudnnConvolutionBackwardBias for db.
// x is (N,C,H,W), dy is (N,K,P,Q), dw is (K,C,R,S), db is (K).
func (b *Backend) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, p kernels.Conv) error {
	const op = "Conv2DBackwardFilter"
	d, err := kernels.CheckConv(op, x, dw, db, dy, p)
	if err != nil {
		return err
	}
	var ptr [4]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "dy", "dw", "db"}, ptr[:], x, dy, dw, db); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end()
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	c, ws, err := b.prepare(pl, dirBackwardFilter)
	if err != nil {
		return err
	}
	if err := b.dnn.ConvBackwardFilter(b.dh, 1, pl.x, ptr[0], pl.y, ptr[1], pl.conv, c.algo,
		ws, b.wsBytes, 0, pl.w, ptr[2]); err != nil {
		return err
	}
	return b.dnn.ConvBackwardBias(b.dh, 1, pl.y, ptr[1], 0, pl.bias, ptr[3])
}
