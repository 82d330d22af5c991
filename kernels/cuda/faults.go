package cuda

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// FaultError is the error of every op and of every later New on a GPU once
// a sticky device fault (errors.Is(err, ErrDeviceFault): an illegal address,
// a failed launch, ...) has made it unusable for the rest of the process.
// It names the op that first reported the fault; errors.Is(err,
// ErrDeviceFault) is true for it, and errors.As reaches the driver's error.
type FaultError struct {
	// Ordinal is the GPU.
	Ordinal int
	// Op is the op (or "New", "Close") whose call first reported the fault.
	Op string
	// Synced is true when that backend synchronised after every op
	// (WithSyncEveryOp, VGGO_CUDA_SYNC=1), so that Op is the op that
	// faulted; otherwise an op queued before it may have.
	Synced bool
	// Err is the driver's error.
	Err error
}

// Error says which GPU is lost, which op reported it first, and that only a
// restart helps.
func (e *FaultError) Error() string {
	where := fmt.Sprintf("%s faulted", e.Op)
	if !e.Synced {
		where = fmt.Sprintf("%s reported a device fault (ops run asynchronously, so an earlier op may have faulted: set %s=1 to name it)", e.Op, EnvSync)
	}
	return fmt.Sprintf("cuda: GPU %d is unusable for the rest of this process: %s: %v; "+
		"the driver keeps this error in the GPU's context until the process exits: restart the process to use the GPU again",
		e.Ordinal, where, e.Err)
}

// Unwrap returns the driver's error.
func (e *FaultError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrDeviceFault) true.
func (e *FaultError) Is(target error) bool { return target == ErrDeviceFault }

// faults is the process's record of the GPUs a sticky fault has made
// unusable, by ordinal (fixed for a process: CUDA_VISIBLE_DEVICES is read
// once). It is process-wide because the fault is: the driver keeps the
// error in the device's primary context, which every Backend on that GPU
// shares and which the CUDA runtime inside cuBLAS and cuDNN keeps retained,
// so that closing every Backend does not reset it. Backends hold their
// device's record from New on.
var faults = faultRecord{devices: map[int]*deviceRecord{}}

// faultRecord maps ordinals to their records; mu guards the map, each
// record's fault is set at most once.
type faultRecord struct {
	mu      sync.Mutex
	devices map[int]*deviceRecord
}

// deviceRecord is what the process knows of one GPU: the first fault, if
// any.
type deviceRecord struct {
	fault atomic.Pointer[FaultError]
}

// device returns the record of GPU ordinal, made on first use.
func (r *faultRecord) device(ordinal int) *deviceRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.devices[ordinal]
	if !ok {
		d = &deviceRecord{}
		r.devices[ordinal] = d
	}
	return d
}

// mark records f unless a fault is recorded already, and returns the one
// recorded: the first op to report a fault keeps the blame.
func (d *deviceRecord) mark(f *FaultError) *FaultError {
	if d.fault.CompareAndSwap(nil, f) {
		return f
	}
	return d.fault.Load()
}
