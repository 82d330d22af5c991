//go:build linux && cgo

package cuda

import (
	"fmt"
	"unsafe"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// roundUp rounds n up to a multiple of m.
func roundUp(n, m uint64) uint64 { return (n + m - 1) / m * m }

// minStaging is the smallest pinned staging buffer, so that small copies
// do not reallocate as sizes grow.
const minStaging = 1 << 20

// Alloc implements kernels.Ops: a zero-filled device tensor (the zeroing is
// queued on the stream, before any later op).
func (b *Backend) Alloc(shape ...int) (_ kernels.Tensor, err error) {
	if err := kernels.CheckAlloc("Alloc", shape); err != nil {
		return nil, err
	}
	n := kernels.Numel(shape)
	if err := b.begin(); err != nil {
		return nil, err
	}
	defer b.end("Alloc", &err)
	bytes := uint64(n) * 4
	p, err := b.drv.MemAlloc(bytes)
	if err != nil {
		return nil, fmt.Errorf("%d MiB for %s: %w", bytes>>20, kernels.ShapeString(shape), err)
	}
	b.stats.Allocs++
	if err := b.drv.MemsetD32Async(p, 0, uint64(n), b.stream); err != nil {
		_ = b.drv.MemFree(p)
		return nil, err
	}
	m := &memory{ptr: uint64(p), bytes: bytes, owner: b.own}
	b.live[m] = struct{}{}
	return &Tensor{shape: append([]int(nil), shape...), n: n, mem: m}, nil
}

// Free implements kernels.Ops. Freeing a tensor from Alloc waits for the
// queued work (which may still read it) and frees its memory, which makes
// its views unusable too; freeing a view only makes the view unusable.
func (b *Backend) Free(t kernels.Tensor) (err error) {
	d, err := b.own.tensor("Free", "t", t)
	if err != nil {
		return err
	}
	if d.view {
		d.freed = true
		return nil
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end("Free", &err)
	if err := b.syncStream(); err != nil {
		return err
	}
	d.freed, d.mem.freed = true, true
	delete(b.live, d.mem)
	b.stats.Frees++
	return b.drv.MemFree(cu.DevicePtr(d.mem.ptr))
}

// Reshape implements kernels.Ops: a view sharing t's memory.
func (b *Backend) Reshape(t kernels.Tensor, shape ...int) (kernels.Tensor, error) {
	v, err := b.own.reshape(t, shape)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// CopyIn implements kernels.Ops. src goes through a pinned staging buffer and
// an asynchronous copy, so CopyIn returns before the copy is done; the next
// CopyIn waits until the staging buffer is free again.
func (b *Backend) CopyIn(dst kernels.Tensor, src []float32) (err error) {
	d, err := b.own.tensor("CopyIn", "dst", dst)
	if err != nil {
		return err
	}
	if len(src) != d.n {
		return &kernels.ShapeError{Op: "CopyIn", Msg: fmt.Sprintf("host slice has %d values, tensor %s has %d", len(src), kernels.ShapeString(d.shape), d.n)}
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end("CopyIn", &err)
	bytes := uint64(d.n) * 4
	if err := b.ready(&b.in, bytes); err != nil {
		return err
	}
	copy(unsafe.Slice((*float32)(b.in.p), d.n), src)
	if err := b.drv.MemcpyHtoDAsync(cu.DevicePtr(d.mem.ptr), b.in.p, bytes, b.stream); err != nil {
		return err
	}
	return b.record(&b.in)
}

// CopyOut implements kernels.Ops. It waits for the queued work, then for the
// copy into a pinned buffer.
func (b *Backend) CopyOut(dst []float32, src kernels.Tensor) (err error) {
	d, err := b.own.tensor("CopyOut", "src", src)
	if err != nil {
		return err
	}
	if len(dst) != d.n {
		return &kernels.ShapeError{Op: "CopyOut", Msg: fmt.Sprintf("host slice has %d values, tensor %s has %d", len(dst), kernels.ShapeString(d.shape), d.n)}
	}
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end("CopyOut", &err)
	bytes := uint64(d.n) * 4
	if err := b.ready(&b.out, bytes); err != nil {
		return err
	}
	if err := b.drv.MemcpyDtoHAsync(b.out.p, cu.DevicePtr(d.mem.ptr), bytes, b.stream); err != nil {
		return err
	}
	if err := b.syncStream(); err != nil {
		return err
	}
	copy(dst, unsafe.Slice((*float32)(b.out.p), d.n))
	return nil
}

// ready makes st a free pinned buffer of at least bytes: it waits for the
// copy that last used it, and grows it (rarely: sizes settle after the
// first batch).
func (b *Backend) ready(st *staging, bytes uint64) error {
	if st.pending {
		b.stats.StagingWaits++
		if err := b.drv.EventSynchronize(st.ev); err != nil {
			return err
		}
		st.pending = false
	}
	if !st.evOK {
		ev, err := b.drv.EventCreate(cu.EventDisableTiming)
		if err != nil {
			return err
		}
		st.ev, st.evOK = ev, true
	}
	if st.bytes >= bytes {
		return nil
	}
	if st.p != nil {
		if err := b.drv.MemFreeHost(st.p); err != nil {
			return err
		}
		st.p, st.bytes = nil, 0
	}
	size := roundUp(max(bytes, minStaging), minStaging)
	p, err := b.drv.MemAllocHost(size)
	if err != nil {
		return fmt.Errorf("cuda: pinned staging buffer of %d MiB: %w", size>>20, err)
	}
	st.p, st.bytes = p, size
	return nil
}

// record marks st as in use by the copies queued so far.
func (b *Backend) record(st *staging) error {
	if err := b.drv.EventRecord(st.ev, b.stream); err != nil {
		return err
	}
	st.pending = true
	return nil
}

func (b *Backend) freeStaging(st *staging) error {
	var err error
	if st.p != nil {
		err = b.drv.MemFreeHost(st.p)
	}
	if st.evOK {
		if e := b.drv.EventDestroy(st.ev); err == nil {
			err = e
		}
	}
	*st = staging{}
	return err
}

// workspace returns the shared cuDNN workspace, grown to at least bytes.
// Growing waits for the queued work that may use the old one; it happens
// while the first batch meets each new shape, never in the steady state.
func (b *Backend) workspace(bytes uint64) (cu.DevicePtr, error) {
	if bytes <= b.wsBytes {
		return b.ws, nil
	}
	if b.ws != 0 {
		if err := b.syncStream(); err != nil {
			return 0, err
		}
		if err := b.drv.MemFree(b.ws); err != nil {
			return 0, err
		}
		b.stats.Frees++
		b.ws, b.wsBytes = 0, 0
	}
	size := roundUp(bytes, 1<<20)
	p, err := b.drv.MemAlloc(size)
	if err != nil {
		return 0, fmt.Errorf("cuda: cuDNN workspace of %d MiB: %w; lower it with WithWorkspaceLimit", size>>20, err)
	}
	b.stats.Allocs++
	b.ws, b.wsBytes = p, size
	return p, nil
}
