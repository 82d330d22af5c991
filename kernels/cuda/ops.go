//go:build linux && cgo

package cuda

import (
	"fmt"
	"unsafe"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// ptrs resolves the device addresses of ts, named by names in errors.
func (b *Backend) ptrs(op string, names []string, out []cu.DevicePtr, ts ...kernels.Tensor) error {
	for i, t := range ts {
		p, err := b.own.ptr(op, names[i], t)
		if err != nil {
			return err
		}
		out[i] = cu.DevicePtr(p)
	}
	return nil
}

// MaxPoolForward implements kernels.Ops with vgg_maxpool_forward (the first
// maximum of each window, as ref). x is (N,C,H,W), y is (N,C,P,Q).
func (b *Backend) MaxPoolForward(x, y kernels.Tensor, p kernels.Pool) (err error) {
	const op = "MaxPoolForward"
	d, err := kernels.CheckPool(op, x, y, nil, nil, p)
	if err != nil {
		return err
	}
	var ptr [2]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "y"}, ptr[:], x, y); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	planes := int64(d.N) * int64(d.C)
	return b.launch(b.fn.poolFwd, planes*int64(d.P*d.Q), cu.ArgPtr(ptr[0]), cu.ArgPtr(ptr[1]), cu.ArgU64(uint64(planes)),
		cu.ArgI32(int32(d.H)), cu.ArgI32(int32(d.W)), cu.ArgI32(int32(d.P)), cu.ArgI32(int32(d.Q)),
		cu.ArgI32(int32(p.WindowH)), cu.ArgI32(int32(p.WindowW)), cu.ArgI32(int32(p.StrideH)), cu.ArgI32(int32(p.StrideW)))
}

// MaxPoolBackward implements kernels.Ops with vgg_maxpool_backward: each dy
// goes to its window's first maximum in x, overlapping windows add in
// double, deterministically. y is validated but not read.
// x, dx are (N,C,H,W); y, dy are (N,C,P,Q).
func (b *Backend) MaxPoolBackward(x, y, dy, dx kernels.Tensor, p kernels.Pool) (err error) {
	const op = "MaxPoolBackward"
	d, err := kernels.CheckPool(op, x, y, dy, dx, p)
	if err != nil {
		return err
	}
	var ptr [4]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "y", "dy", "dx"}, ptr[:], x, y, dy, dx); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	planes := int64(d.N) * int64(d.C)
	return b.launch(b.fn.poolBwd, planes*int64(d.H*d.W), cu.ArgPtr(ptr[0]), cu.ArgPtr(ptr[2]), cu.ArgPtr(ptr[3]),
		cu.ArgU64(uint64(planes)), cu.ArgI32(int32(d.H)), cu.ArgI32(int32(d.W)), cu.ArgI32(int32(d.P)), cu.ArgI32(int32(d.Q)),
		cu.ArgI32(int32(p.WindowH)), cu.ArgI32(int32(p.WindowW)), cu.ArgI32(int32(p.StrideH)), cu.ArgI32(int32(p.StrideW)))
}

// ReLUForward implements kernels.Ops with cudnnActivationForward. x and y
// may be the same tensor.
func (b *Backend) ReLUForward(x, y kernels.Tensor) (err error) {
	const op = "ReLUForward"
	if err := kernels.CheckSame(op, []string{"x", "y"}, x, y); err != nil {
		return err
	}
	var ptr [2]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "y"}, ptr[:], x, y); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	td, err := b.flatDesc(x.(*Tensor))
	if err != nil {
		return err
	}
	return b.dnn.ActivationForward(b.dh, b.act, 1, td, ptr[0], 0, td, ptr[1])
}

// ReLUBackward implements kernels.Ops with cudnnActivationBackward, passing
// the forward output y as its input x (for ReLU, y > 0 exactly where x > 0).
// dx may be dy.
func (b *Backend) ReLUBackward(y, dy, dx kernels.Tensor) (err error) {
	const op = "ReLUBackward"
	if err := kernels.CheckSame(op, []string{"y", "dy", "dx"}, y, dy, dx); err != nil {
		return err
	}
	var ptr [3]cu.DevicePtr
	if err := b.ptrs(op, []string{"y", "dy", "dx"}, ptr[:], y, dy, dx); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	td, err := b.flatDesc(y.(*Tensor))
	if err != nil {
		return err
	}
	return b.dnn.ActivationBackward(b.dh, b.act, 1, td, ptr[0], td, ptr[1], td, ptr[0], 0, td, ptr[2])
}

// DenseForward implements kernels.Ops: Y = X·Wᵀ as one column-major SGEMM
// (Yᵀ = W·Xᵀ, no transposes in memory), then the bias with vgg_bias_forward.
// x is (N,In), w is (Out,In), b is (Out), y is (N,Out).
func (b *Backend) DenseForward(x, w, bias, y kernels.Tensor) (err error) {
	const op = "DenseForward"
	d, err := kernels.CheckDense(op, x, w, bias, y)
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
	if err := b.blas.Sgemm(b.bh, cu.OpT, cu.OpN, d.Out, d.N, d.In, 1, ptr[1], d.In, ptr[0], d.In, 0, ptr[3], d.Out); err != nil {
		return err
	}
	total := int64(d.N) * int64(d.Out)
	return b.launch(b.fn.biasFwd, total, cu.ArgPtr(ptr[3]), cu.ArgPtr(ptr[2]), cu.ArgI32(int32(d.Out)), cu.ArgI32(1),
		cu.ArgU64(uint64(total)), cu.ArgI32(0))
}

// DenseBackward implements kernels.Ops: dX = dY·W and dW = dYᵀ·X as SGEMMs,
// db = Σₙ dY with cudnnConvolutionBackwardBias on dY viewed as (N,Out,1,1)
// (vgg_bias_backward in deterministic mode).
// x is (N,In), w is (Out,In), dy is (N,Out), dx is (N,In) or nil, dw is
// (Out,In), db is (Out).
func (b *Backend) DenseBackward(x, w, dy, dx, dw, db kernels.Tensor) (err error) {
	const op = "DenseBackward"
	d, err := kernels.CheckDense(op, x, w, db, dy)
	if err != nil {
		return err
	}
	if err := kernels.CheckSame(op, []string{"w", "dw"}, w, dw); err != nil {
		return err
	}
	if dx != nil {
		if err := kernels.CheckSame(op, []string{"x", "dx"}, x, dx); err != nil {
			return err
		}
	}
	var ptr [5]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "w", "dy", "dw", "db"}, ptr[:], x, w, dy, dw, db); err != nil {
		return err
	}
	pdx, err := b.own.optPtr(op, "dx", dx)
	if err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	if pdx != 0 {
		if err := b.blas.Sgemm(b.bh, cu.OpN, cu.OpN, d.In, d.N, d.Out, 1, ptr[1], d.In, ptr[2], d.Out, 0, cu.DevicePtr(pdx), d.In); err != nil {
			return err
		}
	}
	if err := b.blas.Sgemm(b.bh, cu.OpN, cu.OpT, d.In, d.Out, d.N, 1, ptr[0], d.In, ptr[2], d.Out, 0, ptr[3], d.In); err != nil {
		return err
	}
	dyd, err := b.desc(d.N, d.Out, 1, 1)
	if err != nil {
		return err
	}
	dbd, err := b.desc(1, d.Out, 1, 1)
	if err != nil {
		return err
	}
	return b.biasBackward(dyd, ptr[2], dbd, ptr[4], d.N, d.Out, 1)
}

// DropoutForward implements kernels.Ops with vgg_dropout_forward, whose mask
// is kernels.DropKeep bit for bit. x, mask, y have the same shape; y may be x.
func (b *Backend) DropoutForward(x, mask, y kernels.Tensor, rate float32, seed uint64) (err error) {
	const op = "DropoutForward"
	if err := kernels.CheckSame(op, []string{"x", "mask", "y"}, x, mask, y); err != nil {
		return err
	}
	if err := kernels.CheckRate(op, rate); err != nil {
		return err
	}
	var ptr [3]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "mask", "y"}, ptr[:], x, mask, y); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	n := int64(x.Len())
	return b.launch(b.fn.dropFwd, n, cu.ArgPtr(ptr[0]), cu.ArgPtr(ptr[1]), cu.ArgPtr(ptr[2]), cu.ArgU64(uint64(n)),
		cu.ArgF32(rate), cu.ArgU64(seed))
}

// DropoutBackward implements kernels.Ops: dx = dy*mask. dx may be dy.
func (b *Backend) DropoutBackward(dy, mask, dx kernels.Tensor) (err error) {
	const op = "DropoutBackward"
	if err := kernels.CheckSame(op, []string{"dy", "mask", "dx"}, dy, mask, dx); err != nil {
		return err
	}
	var ptr [3]cu.DevicePtr
	if err := b.ptrs(op, []string{"dy", "mask", "dx"}, ptr[:], dy, mask, dx); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	n := int64(dy.Len())
	return b.launch(b.fn.dropBwd, n, cu.ArgPtr(ptr[0]), cu.ArgPtr(ptr[1]), cu.ArgPtr(ptr[2]), cu.ArgU64(uint64(n)))
}

// SoftmaxCrossEntropy implements kernels.Ops with vgg_softmax_xent, which
// reduces the loss sum, the correct count and the number of bad labels per
// block on the device; reading those doubles back (three per block, at most
// xentMaxBlocks blocks) and adding them in block order is the backend's one
// wait for the device per training batch. The sums run in an order fixed by
// N, without atomics, so the loss is the same bits on every run: this is
// always on, since it costs a 7-step tree in shared memory and a read-back
// of 3 doubles per 128 rows (one block at batch 128) against one
// atomicAdd(double) per row before. logits and dlogits are (N,K), labels is
// (N).
func (b *Backend) SoftmaxCrossEntropy(logits, labels, dlogits kernels.Tensor) (float64, int, error) {
	const op = "SoftmaxCrossEntropy"
	n, k, err := kernels.CheckSoftmax(op, logits, labels, dlogits)
	if err != nil {
		return 0, 0, err
	}
	var ptr [2]cu.DevicePtr
	if err := b.ptrs(op, []string{"logits", "labels"}, ptr[:], logits, labels); err != nil {
		return 0, 0, err
	}
	pdl, err := b.own.optPtr(op, "dlogits", dlogits)
	if err != nil {
		return 0, 0, err
	}
	out, err := b.softmax(ptr[0], ptr[1], cu.DevicePtr(pdl), n, k)
	if err != nil {
		return 0, 0, err
	}
	if out[2] > 0 {
		return 0, 0, b.badLabel(op, labels, k)
	}
	return out[0] / float64(n), int(out[1]), nil
}

func (b *Backend) softmax(logits, labels, dlogits cu.DevicePtr, n, k int) (out [3]float64, err error) {
	if err := b.begin(); err != nil {
		return out, err
	}
	defer b.end("SoftmaxCrossEntropy", &err)
	grid := xentGrid(n)
	b.stats.Launches++
	if err := b.drv.LaunchKernel(b.fn.xent, cu.Dim3{X: grid, Y: 1, Z: 1}, cu.Dim3{X: xentBlock, Y: 1, Z: 1}, 0, b.stream, cu.ArgPtr(logits), cu.ArgPtr(labels),
		cu.ArgPtr(dlogits), cu.ArgPtr(b.xent), cu.ArgI32(int32(n)), cu.ArgI32(int32(k))); err != nil {
		return out, err
	}
	bytes := uint64(3*grid) * 8
	if err := b.drv.MemcpyDtoHAsync(b.xentHost, b.xent, bytes, b.stream); err != nil {
		return out, err
	}
	if err := b.syncStream(); err != nil {
		return out, err
	}
	return sumXent(unsafe.Slice((*float64)(b.xentHost), 3*grid)), nil
}

// badLabel finds the first label the kernel rejected, for the error.
func (b *Backend) badLabel(op string, labels kernels.Tensor, k int) error {
	host := make([]float32, labels.Len())
	if err := b.CopyOut(host, labels); err != nil {
		return err
	}
	for i, l := range host {
		if _, err := kernels.CheckLabel(op, i, l, k); err != nil {
			return err
		}
	}
	return &kernels.ShapeError{Op: op, Msg: fmt.Sprintf("the device rejected a label that the host accepts (labels %v, %d classes)", host, k)}
}

// SGDUpdate implements kernels.Ops with vgg_sgd_update: w -= lr*dw.
func (b *Backend) SGDUpdate(w, dw kernels.Tensor, lr float32) (err error) {
	const op = "SGDUpdate"
	if err := kernels.CheckSame(op, []string{"w", "dw"}, w, dw); err != nil {
		return err
	}
	var ptr [2]cu.DevicePtr
	if err := b.ptrs(op, []string{"w", "dw"}, ptr[:], w, dw); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	n := int64(w.Len())
	return b.launch(b.fn.sgd, n, cu.ArgPtr(ptr[0]), cu.ArgPtr(ptr[1]), cu.ArgF32(lr), cu.ArgU64(uint64(n)))
}

// LoadImages implements kernels.ImageLoader. The bytes and labels are copied
// into one of two pinned buffers (waiting, if need be, until the copy that
// last read it is done), sent with asynchronous copies, and the images are
// resized by vgg_resize_bilinear_u8 into x, all queued on the stream behind
// the work already queued. images is (n,1,srcH,srcW), x is (n,1,H,W), lab is
// (n).
func (b *Backend) LoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab kernels.Tensor) (err error) {
	const op = "LoadImages"
	if err := kernels.CheckLoadImages(images, labels, n, srcH, srcW, x, lab); err != nil {
		return err
	}
	var ptr [2]cu.DevicePtr
	if err := b.ptrs(op, []string{"x", "lab"}, ptr[:], x, lab); err != nil {
		return err
	}
	xs := x.Shape()
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end(op, &err)
	imgBytes := uint64(n * srcH * srcW)
	labOff := roundUp(imgBytes, 16)
	st := &b.load[b.loadIdx]
	b.loadIdx ^= 1
	if err := b.ready(st, labOff+uint64(n)*4); err != nil {
		return err
	}
	if b.loadLen < imgBytes {
		if b.loadDev != 0 {
			if err := b.syncStream(); err != nil {
				return err
			}
			if err := b.drv.MemFree(b.loadDev); err != nil {
				return err
			}
			b.stats.Frees++
			b.loadDev, b.loadLen = 0, 0
		}
		size := roundUp(imgBytes, 1<<20)
		p, err := b.drv.MemAlloc(size)
		if err != nil {
			return err
		}
		b.stats.Allocs++
		b.loadDev, b.loadLen = p, size
	}
	copy(unsafe.Slice((*uint8)(st.p), imgBytes), images[:imgBytes])
	labHost := unsafe.Add(st.p, labOff)
	copy(unsafe.Slice((*float32)(labHost), n), labels[:n])
	if err := b.drv.MemcpyHtoDAsync(b.loadDev, st.p, imgBytes, b.stream); err != nil {
		return err
	}
	if err := b.drv.MemcpyHtoDAsync(ptr[1], labHost, uint64(n)*4, b.stream); err != nil {
		return err
	}
	if err := b.record(st); err != nil {
		return err
	}
	total := int64(n) * int64(xs[2]) * int64(xs[3])
	return b.launch(b.fn.resize, total, cu.ArgPtr(b.loadDev), cu.ArgPtr(ptr[0]), cu.ArgI32(int32(n)),
		cu.ArgI32(int32(srcH)), cu.ArgI32(int32(srcW)), cu.ArgI32(int32(xs[2])), cu.ArgI32(int32(xs[3])))
}
