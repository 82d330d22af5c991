package cuda

import (
	"fmt"

	cu "github.com/vggo/vggo/internal/cuda"
)

// Conditions a caller of New or of an op may branch on with errors.Is. They
// are internal/cuda's: a library status code that says one of them matches
// it however deeply it is wrapped.
var (
	// ErrNoDevice: there is no CUDA device to run on. New's error matches it
	// when the driver sees none (cuInit's CUDA_ERROR_NO_DEVICE) or none with
	// the ordinal asked for (a *DeviceError).
	ErrNoDevice = cu.ErrNoDevice
	// ErrOutOfMemory: device memory ran out (Alloc, the cuDNN workspace,
	// cuBLAS).
	ErrOutOfMemory = cu.ErrOutOfMemory
	// ErrDriverTooOld: the driver cannot load the kernels NVRTC compiled
	// (CUDA_ERROR_UNSUPPORTED_PTX_VERSION).
	ErrDriverTooOld = cu.ErrDriverTooOld
	// ErrDeviceFault: a sticky device fault (CUDA_ERROR_ILLEGAL_ADDRESS,
	// CUDA_ERROR_LAUNCH_FAILED, ...) has made the GPU unusable until the
	// process exits; the error is a *FaultError naming the op that
	// reported it first.
	ErrDeviceFault = cu.ErrDeviceFault
)

// DeviceError is New's error for a GPU ordinal the driver does not have.
// errors.Is(err, ErrNoDevice) is true for it.
type DeviceError struct {
	// Ordinal is the GPU asked for.
	Ordinal int
	// Count is the number of devices the driver sees.
	Count int
}

// Error names the ordinal and how many devices the driver sees.
func (e *DeviceError) Error() string {
	return fmt.Sprintf("cuda: no GPU %d: the driver sees %d device(s); check CUDA_VISIBLE_DEVICES and nvidia-smi", e.Ordinal, e.Count)
}

// Is makes errors.Is(err, ErrNoDevice) true.
func (e *DeviceError) Is(target error) bool { return target == ErrNoDevice }

// AlgorithmError is an op's error when cuDNN offers no algorithm for a
// convolution that the backend may use: none can run the problem, fits the
// workspace limit and suits the precision, or every one that seemed to was
// then refused by cuDNN as not supported.
type AlgorithmError struct {
	// Direction is "forward", "backward data" or "backward filter".
	Direction string
	// Problem describes the convolution: input and filter shapes, padding,
	// stride.
	Problem string
	// Precision is the backend's precision.
	Precision Precision
	// Deterministic is true in deterministic mode (WithDeterministic),
	// which admits only deterministic algorithms.
	Deterministic bool
	// WorkspaceLimit is the largest workspace allowed, in bytes.
	WorkspaceLimit uint64
	// Candidates is how many algorithms cuDNN ranked.
	Candidates int
	// Rejected is how many of the acceptable ones the exact workspace
	// query or the convolution then refused (not supported for this
	// problem, or a workspace over the limit).
	Rejected int
}

// Error describes the problem and the limits, and what to change.
func (e *AlgorithmError) Error() string {
	mode, fix := "", "raise the limit with WithWorkspaceLimit or use another precision"
	if e.Deterministic {
		mode, fix = " deterministic", fix+", or turn off WithDeterministic"
	}
	return fmt.Sprintf("cuda: cuDNN offers no%s %s algorithm for %s at %s precision within a %d MiB workspace (%d candidates, %d refused when tried); %s",
		mode, e.Direction, e.Problem, e.Precision, e.WorkspaceLimit>>20, e.Candidates, e.Rejected, fix)
}

// OpError is an op's error when the backend synchronises after every op
// (WithSyncEveryOp, VGGO_CUDA_SYNC=1): the device failed while running Op
// or one of the library calls it queued, and Op is the one, since all
// earlier work had finished without error.
type OpError struct {
	// Op is the kernels.Ops method, e.g. "MaxPoolBackward".
	Op string
	// Err is the failure, as the call or the synchronisation after it
	// reported it.
	Err error
}

// Error names the op and its cause.
func (e *OpError) Error() string {
	return fmt.Sprintf("cuda: %s failed (synchronised after every op, so this op is the one that failed): %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }
