//go:build linux && cgo

package cuda

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	cu "github.com/vggo/vggo/internal/cuda"
	"github.com/vggo/vggo/kernels"
)

// Backend is the CUDA implementation of kernels.Ops on one GPU. It owns a
// retained primary context, one non-blocking stream on which all its work
// is queued in order, a cuBLAS and a cuDNN handle bound to that stream, the
// project's kernels compiled for the device, pinned staging buffers, the
// cuDNN descriptor and algorithm caches and one shared workspace.
//
// Threads. The driver keeps the current context per OS thread, and a
// goroutine may move to another OS thread between any two statements. Every
// op therefore locks its goroutine to its OS thread for the op's duration
// and makes the context current first (begin/end). The alternative, one
// goroutine that owns the context and runs each op as a closure sent over a
// channel, was rejected: such a closure escapes to the heap, so a training
// step (about a hundred ops) would allocate in the steady state and pay two
// goroutine switches per op, while an op is a short straight sequence of
// cgo calls for which one extra cuCtxSetCurrent (a thread-local store in the
// driver) is the cheaper fix. Errors and panics also stay on the caller's
// stack, and there is no goroutine to shut down. As kernels.Ops says, a
// backend is driven by one goroutine at a time, so its cuDNN handle is never
// used by two threads at once, which is what cuDNN requires.
type Backend struct {
	cfg config
	own *owner
	// rec is the process's record of this GPU's faults (faults.go).
	rec *deviceRecord
	// syncEveryOp: every op waits for the device (WithSyncEveryOp).
	syncEveryOp bool

	drv  *cu.Driver
	blas *cu.CUBLAS
	dnn  *cu.CUDNN
	rtc  *cu.NVRTC

	info    Info
	dev     cu.Device
	ctx     cu.Context
	ctxHeld bool
	stream  cu.Stream
	bh      cu.BLASHandle
	dh      cu.DNNHandle
	bhOK    bool
	dhOK    bool
	mod     cu.Module
	modOK   bool
	fn      functions
	act     cu.ActivationDesc
	actOK   bool

	// live holds every allocation of Alloc not yet freed, to free at Close.
	live  map[*memory]struct{}
	descs map[[4]int]cu.TensorDesc
	convs map[convKey]*convPlan

	ws      cu.DevicePtr // the shared cuDNN workspace
	wsBytes uint64

	xent     cu.DevicePtr   // SoftmaxCrossEntropy's xentSlots partial sums on the device
	xentHost unsafe.Pointer // and their pinned host copy

	in, out staging    // CopyIn / CopyOut
	load    [2]staging // LoadImages, alternating
	loadIdx int
	loadDev cu.DevicePtr // the uint8 batch on the device
	loadLen uint64

	stats  Stats
	closed bool
}

// functions are the project's kernels in the loaded module.
type functions struct {
	biasFwd, biasBwd, sgd, dropFwd, dropBwd, xent, resize, poolFwd, poolBwd cu.Function
}

// staging is a pinned host buffer for asynchronous copies, with the event
// recorded after the last copy that reads or writes it.
type staging struct {
	p       unsafe.Pointer
	bytes   uint64
	ev      cu.Event
	evOK    bool
	pending bool
}

// Info describes the device and libraries a Backend runs on.
type Info struct {
	Ordinal int
	// Name is the card's name, e.g. "NVIDIA H100 80GB HBM3".
	Name string
	// CC is the compute capability as 10*major+minor, e.g. 90.
	CC int
	// SMs is the number of multiprocessors.
	SMs int
	// MemBytes is the device memory.
	MemBytes uint64
	// Driver is cuDriverGetVersion (13000 for 13.0).
	Driver int
	// CUDNN is cudnnGetVersion (91301 for 9.13.1).
	CUDNN int
	// CUDNNCUDA is the CUDA runtime cuDNN was built with,
	// cudnnGetCudartVersion (13020 for 13.2).
	CUDNNCUDA int
	// CUBLAS is "major.minor.patch".
	CUBLAS string
	// NVRTC is "major.minor".
	NVRTC string
	// Precision and Search are the backend's settings (Search is
	// SearchHeuristic in deterministic mode).
	Precision Precision
	Search    Search
	// Deterministic is true when the backend was made WithDeterministic.
	Deterministic bool
	// SyncEveryOp is true when every op waits for the device
	// (WithSyncEveryOp, VGGO_CUDA_SYNC=1).
	SyncEveryOp bool
	// Libs are the paths the libraries were loaded from.
	Libs []string
}

// String is a one-line description.
func (i Info) String() string {
	math := "TF32 tensor-op math"
	if i.Precision == FP32 {
		math = "strict FP32 math"
	}
	s := fmt.Sprintf("%s (sm_%d, %d SMs, %d GiB), driver %s, cuDNN %d.%d.%d (CUDA %s), cuBLAS %s, NVRTC %s, %s, cuDNN algorithms by %s",
		i.Name, i.CC, i.SMs, i.MemBytes>>30, cudaVersion(i.Driver),
		i.CUDNN/10000, i.CUDNN%10000/100, i.CUDNN%100, cudaVersion(i.CUDNNCUDA), i.CUBLAS, i.NVRTC, math, i.Search)
	if i.Deterministic {
		s += ", deterministic"
	}
	if i.SyncEveryOp {
		s += ", synchronised after every op"
	}
	return s
}

var (
	_ kernels.Ops         = (*Backend)(nil)
	_ kernels.ImageLoader = (*Backend)(nil)
)

// errClosed is returned by ops on a closed backend.
var errClosed = errors.New("cuda: backend is closed")

// New opens GPU ordinal: it loads libcuda, checks the device, loads cuBLAS,
// cuDNN and NVRTC of a CUDA major the driver supports, retains the device's
// primary context, and compiles the project's kernels for it. The error
// says which step failed, where libraries were looked for and what to do:
// internal/cuda's *LibraryError or *SymbolError for a library, a
// *DeviceError for an ordinal the driver lacks, and errors.Is(err,
// ErrNoDevice) when there is no device to run on, and a
// *CUDAMismatchError when cuDNN was built for a CUDA major the driver or
// cuBLAS does not match.
func New(ordinal int, opts ...Option) (*Backend, error) {
	b := &Backend{cfg: newConfig(opts), own: &owner{}, live: map[*memory]struct{}{},
		descs: map[[4]int]cu.TensorDesc{}, convs: map[convKey]*convPlan{}}
	b.info.Ordinal, b.info.Precision, b.info.Search = ordinal, b.cfg.precision, b.cfg.algoSearch()
	b.info.Deterministic = b.cfg.deterministic
	if ordinal < 0 {
		return nil, fmt.Errorf("cuda: GPU index %d is negative", ordinal)
	}
	b.rec = faults.device(ordinal)
	if f := b.rec.fault.Load(); f != nil {
		return nil, f
	}
	var err error
	if b.syncEveryOp, err = b.cfg.syncMode(os.Getenv); err != nil {
		return nil, err
	}
	b.info.SyncEveryOp = b.syncEveryOp
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := b.open(); err != nil {
		b.release()
		if _, bare := err.(*cu.Error); bare {
			// A library call of New's own: say that New made it.
			err = fmt.Errorf("cuda: New: %w", err)
		}
		return nil, b.noteFault("New", err)
	}
	return b, nil
}

// open does New's work in order; release undoes whatever it got to.
func (b *Backend) open() error {
	var err error
	if b.drv, err = cu.LoadDriver(b.cfg.libOpts...); err != nil {
		return err
	}
	if err := b.drv.Init(); err != nil {
		return fmt.Errorf("cuda: the driver %s loaded but cannot start: %w", b.drv.Path(), err)
	}
	if b.info.Driver, err = b.drv.DriverVersion(); err != nil {
		return err
	}
	count, err := b.drv.DeviceCount()
	if err != nil {
		return err
	}
	if b.info.Ordinal >= count {
		return &DeviceError{Ordinal: b.info.Ordinal, Count: count}
	}
	if b.dev, err = b.drv.DeviceGet(b.info.Ordinal); err != nil {
		return err
	}
	if b.info.Name, err = b.drv.DeviceName(b.dev); err != nil {
		return err
	}
	if b.info.CC, err = b.drv.ComputeCapability(b.dev); err != nil {
		return err
	}
	if b.info.SMs, err = b.drv.DeviceAttribute(b.dev, cu.AttrMultiprocessorCount); err != nil {
		return err
	}
	if b.info.MemBytes, err = b.drv.DeviceTotalMem(b.dev); err != nil {
		return err
	}
	libOpts := append(append([]cu.Option(nil), b.cfg.libOpts...), cu.WithCUDAMajor(cudaMajors(b.info.Driver)...))
	if b.blas, err = cu.LoadCUBLAS(libOpts...); err != nil {
		return err
	}
	if b.dnn, err = cu.LoadCUDNN(libOpts...); err != nil {
		return err
	}
	if b.rtc, err = cu.LoadNVRTC(libOpts...); err != nil {
		return err
	}
	b.info.CUDNN, b.info.CUDNNCUDA = b.dnn.Version(), b.dnn.CudartVersion()
	blasMajor := 0
	if ma, mi, pa, err := b.blas.Version(); err == nil {
		b.info.CUBLAS, blasMajor = fmt.Sprintf("%d.%d.%d", ma, mi, pa), ma
	}
	if err := checkCUDAMajors(CUDAMismatchError{Driver: b.info.Driver, CUDNN: b.dnn.Path(), CUDNNCUDA: b.info.CUDNNCUDA,
		CUBLAS: b.blas.Path(), CUBLASMajor: blasMajor}); err != nil {
		return err
	}
	if ma, mi, err := b.rtc.Version(); err == nil {
		b.info.NVRTC = fmt.Sprintf("%d.%d", ma, mi)
	}
	b.info.Libs = []string{b.drv.Path(), b.blas.Path(), b.dnn.Path(), b.rtc.Path()}

	// Blocking sync makes the per-batch wait sleep instead of spinning a
	// core; it fails harmlessly when another user already made the context
	// active with other flags.
	_ = b.drv.PrimaryCtxSetFlags(b.dev, cu.CtxSchedBlockingSync)
	if b.ctx, err = b.drv.PrimaryCtxRetain(b.dev); err != nil {
		return err
	}
	b.ctxHeld = true
	if err := b.drv.CtxSetCurrent(b.ctx); err != nil {
		return err
	}
	if b.stream, err = b.drv.StreamCreate(cu.StreamNonBlocking); err != nil {
		return err
	}
	if b.bh, err = b.blas.Create(); err != nil {
		return err
	}
	b.bhOK = true
	if err := b.blas.SetStream(b.bh, b.stream); err != nil {
		return err
	}
	mathMode := cu.MathTF32
	if b.cfg.precision == FP32 {
		mathMode = cu.MathDefault
	}
	if err := b.blas.SetMathMode(b.bh, mathMode); err != nil {
		return err
	}
	if b.dh, err = b.dnn.Create(); err != nil {
		return err
	}
	b.dhOK = true
	if err := b.dnn.SetStream(b.dh, b.stream); err != nil {
		return err
	}
	if b.act, err = b.dnn.NewActivation(cu.ActivationReLU, 0); err != nil {
		return err
	}
	b.actOK = true
	if err := b.loadKernels(); err != nil {
		return err
	}
	if b.xent, err = b.drv.MemAlloc(xentSlots * 8); err != nil {
		return err
	}
	if b.xentHost, err = b.drv.MemAllocHost(xentSlots * 8); err != nil {
		return err
	}
	return nil
}

// cudaMajors lists the cuBLAS/NVRTC majors a driver can run, best first:
// CUDA 13 libraries need a 13.0 driver.
func cudaMajors(driver int) []int {
	if driver >= 13000 {
		return []int{13, 12}
	}
	return []int{12}
}

func (b *Backend) loadKernels() error {
	src := Source()
	img, err := b.cfg.kernelCache.load(newKernelKey(b.info.CC, b.rtc.Path(), src), func() ([]byte, error) {
		prog, err := compileKernels(b.rtc, b.info.CC)
		return prog.Image(), err
	})
	if err != nil {
		return fmt.Errorf("cuda: compiling the project's kernels for sm_%d: %w", b.info.CC, err)
	}
	if b.mod, err = b.drv.ModuleLoadData(img); err != nil {
		return err
	}
	b.modOK = true
	for _, f := range []struct {
		name string
		dst  *cu.Function
	}{
		{kernelBiasForward, &b.fn.biasFwd}, {kernelBiasBackward, &b.fn.biasBwd}, {kernelSGDUpdate, &b.fn.sgd},
		{kernelDropoutForward, &b.fn.dropFwd}, {kernelDropoutBackward, &b.fn.dropBwd},
		{kernelSoftmaxXent, &b.fn.xent}, {kernelResizeBilinearU8, &b.fn.resize},
		{kernelMaxPoolForward, &b.fn.poolFwd}, {kernelMaxPoolBackward, &b.fn.poolBwd},
	} {
		if *f.dst, err = b.drv.ModuleGetFunction(b.mod, f.name); err != nil {
			return err
		}
	}
	return nil
}

// Info describes the device, libraries and settings.
func (b *Backend) Info() Info { return b.info }

// Stats returns the counters since New.
func (b *Backend) Stats() Stats { return b.stats }

// Name implements kernels.Ops; it is "cuda".
func (b *Backend) Name() string { return "cuda" }

// begin locks the calling goroutine to its OS thread and makes the
// backend's context current there; end undoes the lock and gives the op's
// error its final form (finish). See Backend. After a sticky fault on the
// GPU begin returns the *FaultError, so that every later op reports the
// first fault rather than the driver's repeat of it.
func (b *Backend) begin() error {
	if b.closed {
		return errClosed
	}
	if f := b.rec.fault.Load(); f != nil {
		return f
	}
	runtime.LockOSThread()
	if err := b.drv.CtxSetCurrent(b.ctx); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	return nil
}

func (b *Backend) end(op string, errp *error) {
	if *errp == nil && b.syncEveryOp {
		*errp = b.syncStream()
	}
	*errp = b.finish(op, *errp)
	runtime.UnlockOSThread()
}

// finish is the error op returns for err, the first error of its calls (or,
// synchronising after every op, of the synchronisation): a sticky fault's
// *FaultError, or a *kernels.ShapeError (which names op already), as they
// are; else when synchronising after every op an *OpError naming op, else
// err wrapped as "cuda: op: err", so that a failed library call (an
// out-of-memory, a cuDNN or cuBLAS status) names the op it failed in.
func (b *Backend) finish(op string, err error) error {
	err = b.noteFault(op, err)
	var fe *FaultError
	var se *kernels.ShapeError
	if err == nil || errors.As(err, &fe) || errors.As(err, &se) {
		return err
	}
	if b.syncEveryOp {
		return &OpError{Op: op, Err: err}
	}
	return fmt.Errorf("cuda: %s: %w", op, err)
}

// noteFault records a sticky device fault that op's err reports, and
// returns the *FaultError of the GPU's first fault in its place; other
// errors are returned as they are.
func (b *Backend) noteFault(op string, err error) error {
	if err == nil {
		return nil
	}
	if f := b.rec.fault.Load(); f != nil {
		return f
	}
	if errors.Is(err, ErrDeviceFault) {
		return b.rec.mark(&FaultError{Ordinal: b.info.Ordinal, Op: op, Synced: b.syncEveryOp, Err: err})
	}
	// cuBLAS and cuDNN report a sticky fault of earlier work (a failed
	// kernel) as a status of their own, EXECUTION_FAILED say: the
	// context's error is the cause to report.
	var le *cu.Error
	if errors.As(err, &le) && le.Lib != "cuda" && b.drv != nil && b.ctxHeld {
		if serr := b.drv.CtxSynchronize(); errors.Is(serr, ErrDeviceFault) {
			cause := fmt.Errorf("%w (%s then failed with %s)", serr, le.Call, le.Name)
			return b.rec.mark(&FaultError{Ordinal: b.info.Ordinal, Op: op, Synced: b.syncEveryOp, Err: cause})
		}
	}
	return err
}

// Sync implements kernels.Ops: it waits for all queued work.
func (b *Backend) Sync() (err error) {
	if err := b.begin(); err != nil {
		return err
	}
	defer b.end("Sync", &err)
	return b.syncStream()
}

func (b *Backend) syncStream() error {
	b.stats.StreamSyncs++
	return b.drv.StreamSynchronize(b.stream)
}

// Close implements kernels.Ops: it waits for queued work, then frees every
// tensor, buffer, descriptor and handle, and releases the context. Closing
// twice is not an error.
func (b *Backend) Close() error {
	if b.closed {
		return nil
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var errs []error
	if err := b.drv.CtxSetCurrent(b.ctx); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, b.noteFault("Close", b.drv.StreamSynchronize(b.stream)))
	}
	errs = append(errs, b.release())
	b.closed = true
	if f := b.rec.fault.Load(); f != nil {
		// After a sticky fault every free fails the same way: the fault
		// is the one thing to say.
		return f
	}
	return closeError(errs)
}

// closeError is Close's error for the failures errs (nils ignored, joined
// errors counted one by one): the first, wrapped, and how many more there
// were, on one line; nil for none.
func closeError(errs []error) error {
	var failed []error
	var add func(err error)
	add = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				add(e)
			}
		} else if err != nil {
			failed = append(failed, err)
		}
	}
	for _, err := range errs {
		add(err)
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("cuda: Close: %w", failed[0])
	}
	return fmt.Errorf("cuda: Close: %w (and %d more failures)", failed[0], len(failed)-1)
}

// release frees whatever open created, in reverse order. The context must be
// current (or not yet retained).
func (b *Backend) release() error {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	if b.drv != nil && b.ctxHeld {
		for m := range b.live {
			add(b.drv.MemFree(cu.DevicePtr(m.ptr)))
			m.freed = true
		}
		b.live = nil
		for _, p := range b.convs {
			add(b.destroyPlan(p))
		}
		b.convs = nil
		for _, d := range b.descs {
			add(b.dnn.DestroyTensor(d))
		}
		b.descs = nil
		for _, st := range []*staging{&b.in, &b.out, &b.load[0], &b.load[1]} {
			add(b.freeStaging(st))
		}
		for _, p := range []cu.DevicePtr{b.ws, b.xent, b.loadDev} {
			if p != 0 {
				add(b.drv.MemFree(p))
			}
		}
		b.ws, b.xent, b.loadDev = 0, 0, 0
		if b.xentHost != nil {
			add(b.drv.MemFreeHost(b.xentHost))
			b.xentHost = nil
		}
		if b.actOK {
			add(b.dnn.DestroyActivation(b.act))
		}
		if b.modOK {
			add(b.drv.ModuleUnload(b.mod))
		}
		if b.dhOK {
			add(b.dnn.Destroy(b.dh))
		}
		if b.bhOK {
			add(b.blas.Destroy(b.bh))
		}
		if b.stream != (cu.Stream{}) {
			add(b.drv.StreamDestroy(b.stream))
		}
		add(b.drv.PrimaryCtxRelease(b.dev))
		b.ctxHeld = false
	}
	if b.rtc != nil {
		add(b.rtc.Close())
	}
	if b.dnn != nil {
		add(b.dnn.Close())
	}
	if b.blas != nil {
		add(b.blas.Close())
	}
	if b.drv != nil {
		add(b.drv.Close())
	}
	return errors.Join(errs...)
}

// launch queues kernel f over n elements (grid-stride, blockSize threads).
func (b *Backend) launch(f cu.Function, n int64, args ...cu.Arg) error {
	b.stats.Launches++
	grid := cu.Dim3{X: gridFor(n, b.info.SMs), Y: 1, Z: 1}
	return b.drv.LaunchKernel(f, grid, cu.Dim3{X: blockSize, Y: 1, Z: 1}, 0, b.stream, args...)
}

// biasBackward queues db (K) = Σ over n and positions of dy (N,K,PQ):
// cudnnConvolutionBackwardBias, or in deterministic mode vgg_bias_backward,
// whose sums run in a fixed order (cuDNN does not document whether its
// bias gradient is deterministic). dyd and dbd describe dy and db for cuDNN.
func (b *Backend) biasBackward(dyd cu.TensorDesc, dy cu.DevicePtr, dbd cu.TensorDesc, db cu.DevicePtr, n, k, pq int) error {
	if !b.cfg.deterministic {
		return b.dnn.ConvBackwardBias(b.dh, 1, dyd, dy, 0, dbd, db)
	}
	grid, threads, err := biasBackwardGrid(k, biasBackwardBlock)
	if err != nil {
		return err
	}
	b.stats.Launches++
	return b.drv.LaunchKernel(b.fn.biasBwd, cu.Dim3{X: grid, Y: 1, Z: 1}, cu.Dim3{X: threads, Y: 1, Z: 1}, 0, b.stream,
		cu.ArgPtr(dy), cu.ArgPtr(db), cu.ArgI32(int32(n)), cu.ArgI32(int32(k)), cu.ArgI32(int32(pq)))
}

// desc returns the cached cuDNN descriptor of a float NCHW tensor.
func (b *Backend) desc(n, c, h, w int) (cu.TensorDesc, error) {
	k := [4]int{n, c, h, w}
	if d, ok := b.descs[k]; ok {
		return d, nil
	}
	d, err := b.dnn.NewTensor4d(n, c, h, w)
	if err != nil {
		return d, err
	}
	b.descs[k] = d
	return d, nil
}

// flatDesc describes a tensor of any shape as (shape[0], rest, 1, 1) for
// cuDNN's elementwise operations.
func (b *Backend) flatDesc(t *Tensor) (cu.TensorDesc, error) {
	return b.desc(t.shape[0], t.n/t.shape[0], 1, 1)
}
