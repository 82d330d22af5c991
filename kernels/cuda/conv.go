//go:build linux && cgo

package cuda

import (
	"errors"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// convPlan is everything cuDNN needs for one convolution problem (convKey):
// descriptors made once, and per direction the algorithms ranked at its
// first use, the one in use first, with its math type and workspace size.
type convPlan struct {
	key        convKey
	x, y, bias cu.TensorDesc
	w          cu.FilterDesc
	conv       cu.ConvDesc
	algos      [3]algoQueue
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

// rules are the backend's limits on cuDNN's algorithms.
func (b *Backend) rules() rules {
	return rules{precision: b.cfg.precision, deterministic: b.cfg.deterministic, limit: b.cfg.workspaceLimit}
}

// runConv runs one direction of pl with the algorithm in use, ranking the
// candidates at the first use; op gets the algorithm and a workspace large
// enough for it. When the workspace query or op says an algorithm cannot run
// the problem, the next candidate is tried (see algoQueue).
func (b *Backend) runConv(pl *convPlan, dir direction, op func(c choice, ws cu.DevicePtr) error) error {
	q := &pl.algos[dir]
	if !q.ranked {
		if err := b.rank(pl, dir); err != nil {
			return err
		}
	}
	query := func(c choice) (uint64, error) {
		if err := b.dnn.SetConvMathType(pl.conv, c.math); err != nil {
			return 0, err
		}
		return b.convWorkspace(pl, dir, c.algo)
	}
	return q.run(b.rules(), query, func(c choice) error {
		if err := b.dnn.SetConvMathType(pl.conv, c.math); err != nil {
			return err
		}
		ws, err := b.workspace(c.workspace)
		if err != nil {
			return err
		}
		return op(c, ws)
	}, dir, pl.key)
}

// rank asks cuDNN for its ranking of one direction's algorithms under the
// descriptor math of the precision, and queues the acceptable ones.
func (b *Backend) rank(pl *convPlan, dir direction) error {
	find := b.cfg.algoSearch() == SearchFind
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
		cands[i] = candidate{algo: p.Algo, status: p.Status, memory: p.Memory, math: p.MathType, determinism: p.Determinism}
	}
	accepted, err := pick(cands, b.rules(), dir, pl.key)
	if err != nil {
		return err
	}
	pl.algos[dir].fill(accepted, len(cands))
	return nil
}

// convWorkspace asks cuDNN for the workspace of one algorithm of one
// direction under the descriptor's current math type.
func (b *Backend) convWorkspace(pl *convPlan, dir direction, algo int) (uint64, error) {
	switch dir {
	case dirForward:
		return b.dnn.ConvForwardWorkspace(b.dh, pl.x, pl.w, pl.conv, pl.y, algo)
	case dirBackwardData:
		return b.dnn.ConvBackwardDataWorkspace(b.dh, pl.w, pl.y, pl.conv, pl.x, algo)
	default:
		return b.dnn.ConvBackwardFilterWorkspace(b.dh, pl.x, pl.y, pl.conv, pl.w, algo)
	}
}

// Conv2DForward implements kernels.Ops: cudnnConvolutionForward, then the
// bias and the optional ReLU in one pass of vgg_bias_forward.
// x is (N,C,H,W), w is (K,C,R,S), b is (K), y is (N,K,P,Q).
func (b *Backend) Conv2DForward(x, w, bias, y kernels.Tensor, p kernels.Conv) (err error) {
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
	defer b.end(op, &err)
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	if err := b.runConv(pl, dirForward, func(c choice, ws cu.DevicePtr) error {
		return b.dnn.ConvForward(b.dh, 1, pl.x, ptr[0], pl.w, ptr[1], pl.conv, c.algo, ws, b.wsBytes, 0, pl.y, ptr[3])
	}); err != nil {
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
func (b *Backend) Conv2DBackwardData(dy, w, dx kernels.Tensor, p kernels.Conv) (err error) {
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
	defer b.end(op, &err)
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	return b.runConv(pl, dirBackwardData, func(c choice, ws cu.DevicePtr) error {
		return b.dnn.ConvBackwardData(b.dh, 1, pl.w, pw, pl.y, pdy, pl.conv, c.algo, ws, b.wsBytes, 0, pl.x, pdx)
	})
}

// Conv2DBackwardFilter implements kernels.Ops: cudnnConvolutionBackwardFilter
// for dw and cudnnConvolutionBackwardBias (vgg_bias_backward in
// deterministic mode) for db.
// x is (N,C,H,W), dy is (N,K,P,Q), dw is (K,C,R,S), db is (K).
func (b *Backend) Conv2DBackwardFilter(x, dy, dw, db kernels.Tensor, p kernels.Conv) (err error) {
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
	defer b.end(op, &err)
	pl, err := b.plan(d, p)
	if err != nil {
		return err
	}
	if err := b.runConv(pl, dirBackwardFilter, func(c choice, ws cu.DevicePtr) error {
		return b.dnn.ConvBackwardFilter(b.dh, 1, pl.x, ptr[0], pl.y, ptr[1], pl.conv, c.algo, ws, b.wsBytes, 0, pl.w, ptr[2])
	}); err != nil {
		return err
	}
	return b.biasBackward(pl.y, ptr[1], pl.bias, ptr[3], d.N, d.K, d.P*d.Q)
}
