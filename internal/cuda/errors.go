package cuda

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is a failed call into an NVIDIA library: a non-zero status code.
type Error struct {
	// Lib is "cuda" (driver), "cublas", "cudnn" or "nvrtc".
	Lib string
	// Call is the C function, e.g. "cuMemAlloc_v2".
	Call string
	// Code is the status value the function returned.
	Code int
	// Name is the library's name for the code, e.g. "CUDA_ERROR_OUT_OF_MEMORY".
	Name string
	// Msg is the library's description of the code.
	Msg string
}

// Error formats the call, the code with its name and text, and the hint.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s failed: %s (%d)", e.Lib, e.Call, e.Name, e.Code)
	if e.Msg != "" && e.Msg != e.Name {
		s += ": " + e.Msg
	}
	if h := e.Hint(); h != "" {
		s += "; hint: " + h
	}
	return s
}

// Hint suggests a fix for the common codes.
func (e *Error) Hint() string {
	if c := e.condition(); c != nil {
		return c.hint
	}
	return ""
}

// Is reports whether e is one of the conditions a caller may branch on:
// errors.Is(err, ErrNoDevice), ErrOutOfMemory, ErrDriverTooOld or
// ErrDeviceFault, for err an *Error or wrapping one.
func (e *Error) Is(target error) bool {
	c := e.condition()
	return c != nil && c.is != nil && c.is == target
}

// Conditions a caller may branch on, whichever library and code report them;
// errors.Is matches them against an *Error.
var (
	// ErrNoDevice: the driver sees no CUDA device (CUDA_ERROR_NO_DEVICE).
	ErrNoDevice = errors.New("cuda: no CUDA device")
	// ErrOutOfMemory: device memory ran out (CUDA_ERROR_OUT_OF_MEMORY,
	// CUBLAS_STATUS_ALLOC_FAILED,
	// CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED).
	ErrOutOfMemory = errors.New("cuda: out of device memory")
	// ErrDriverTooOld: the driver cannot run code that a newer CUDA
	// compiler produced (CUDA_ERROR_UNSUPPORTED_PTX_VERSION).
	ErrDriverTooOld = errors.New("cuda: the driver is older than the compiler")
	// ErrDeviceFault: a sticky device fault, one of the driver errors that
	// cuda.h says leave "the process in an inconsistent state": every later
	// CUDA call in the process returns the same error, and "to continue
	// using CUDA, the process must be terminated and relaunched"
	// (CUDA_ERROR_ILLEGAL_ADDRESS, _LAUNCH_FAILED and the others in
	// stickyCodes).
	ErrDeviceFault = errors.New("cuda: the GPU faulted; its context is unusable until the process exits")
)

// stickyCodes are the driver errors cuda.h (CUDA 13) documents as leaving
// the process in an inconsistent state until it is relaunched.
var stickyCodes = []int{
	226, // CUDA_ERROR_CONTAINED
	700, // CUDA_ERROR_ILLEGAL_ADDRESS
	702, // CUDA_ERROR_LAUNCH_TIMEOUT
	714, // CUDA_ERROR_HARDWARE_STACK_ERROR
	715, // CUDA_ERROR_ILLEGAL_INSTRUCTION
	716, // CUDA_ERROR_MISALIGNED_ADDRESS
	717, // CUDA_ERROR_INVALID_ADDRESS_SPACE
	718, // CUDA_ERROR_INVALID_PC
	719, // CUDA_ERROR_LAUNCH_FAILED
	721, // CUDA_ERROR_TENSOR_MEMORY_LEAK
	810, // CUDA_ERROR_MPS_CLIENT_TERMINATED
	911, // CUDA_ERROR_EXTERNAL_DEVICE
}

// IsUnsupported reports whether err is, or wraps, a cuDNN status of the
// NOT_SUPPORTED family (CUDNN_STATUS_NOT_SUPPORTED, 3000, to 3999) that
// concerns the problem or algorithm asked for, so that another algorithm may
// run it. CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER (3005) and
// _INCOMPATIBLE_CUDART (3006) are not: they say cuDNN cannot run on this
// driver or CUDA runtime at all.
func IsUnsupported(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Lib != "cudnn" || e.Code/1000 != 3 {
		return false
	}
	return e.Code != cudnnIncompatibleDriver && e.Code != cudnnIncompatibleCudart
}

// The cuDNN statuses that say the library as a whole cannot run here.
const (
	cudnnIncompatibleDriver = 3005 // CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER
	cudnnIncompatibleCudart = 3006 // CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART
)

// condition is a class of status codes of one library, with how to fix it
// and, where a caller may branch on it, the sentinel errors.Is matches.
type condition struct {
	lib   string
	match func(code int) bool
	is    error
	hint  string
}

// codeIn matches the given status codes.
func codeIn(codes ...int) func(int) bool {
	return func(c int) bool { return slices.Contains(codes, c) }
}

const oomHint = "out of device memory; use a smaller batch or image size"

// conditions are the status codes Error explains, first match wins.
var conditions = []condition{
	{"cuda", codeIn(34), nil, // CUDA_ERROR_STUB_LIBRARY
		"a CUDA toolkit stub libcuda.so was loaded; point " + EnvPath + " away from lib64/stubs at the real driver"},
	{"cuda", codeIn(100), ErrNoDevice, // CUDA_ERROR_NO_DEVICE
		"no CUDA device is visible (check CUDA_VISIBLE_DEVICES and nvidia-smi); use the CPU backend"},
	{"cuda", codeIn(803, 804), nil, // CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, _COMPAT_NOT_SUPPORTED_ON_DEVICE
		"the driver's user-space library and kernel module disagree; reinstall the driver or reboot"},
	{"cuda", codeIn(201), nil, // CUDA_ERROR_INVALID_CONTEXT
		"no context is current on this OS thread: lock the goroutine with runtime.LockOSThread and call CtxSetCurrent"},
	{"cuda", codeIn(222), ErrDriverTooOld, // CUDA_ERROR_UNSUPPORTED_PTX_VERSION
		"the driver is older than NVRTC; compile for the device's sm_XX (CUBIN) or update the driver"},
	{"cuda", codeIn(stickyCodes...), ErrDeviceFault,
		"a kernel or library call faulted on the GPU; the driver returns this error to every later CUDA call in the process: restart the process"},
	{"cuda", codeIn(2), ErrOutOfMemory, oomHint},     // CUDA_ERROR_OUT_OF_MEMORY
	{"cublas", codeIn(3), ErrOutOfMemory, oomHint},   // CUBLAS_STATUS_ALLOC_FAILED
	{"cudnn", codeIn(4004), ErrOutOfMemory, oomHint}, // CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED
	{"cudnn", codeIn(cudnnIncompatibleDriver), nil,
		"this cuDNN was built for a newer CUDA than the driver supports: update the driver (CUDA 13 needs branch 580 or newer) " +
			"or install the cuDNN built for the driver's CUDA major (e.g. nvidia-cudnn-cu12 for a CUDA 12 driver)"},
	{"cudnn", codeIn(cudnnIncompatibleCudart), nil,
		"cuDNN and the CUDA runtime libraries it found are of different CUDA majors: install cuDNN, cuBLAS and NVRTC " +
			"built for one CUDA major (nvidia-cudnn-cu13 with nvidia-cublas and nvidia-cuda-nvrtc, or the -cu12 ones) in one place"},
	{"cudnn", codeIn(1008), nil, // CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED
		"a cuDNN sub-library (libcudnn_ops/cnn/graph.so.9) did not load; keep them next to libcudnn.so.9"},
	{"cudnn", func(c int) bool { return c/1000 == 2 }, nil, // CUDNN_STATUS_BAD_PARAM*
		"a tensor, filter or descriptor argument is inconsistent; check shapes"},
	{"nvrtc", codeIn(6), nil, // NVRTC_ERROR_COMPILATION
		"see the compile log in the error"},
}

func (e *Error) condition() *condition {
	for i := range conditions {
		if c := &conditions[i]; c.lib == e.Lib && c.match(e.Code) {
			return c
		}
	}
	return nil
}

// LibraryError reports a library that could not be opened from any place
// searched.
type LibraryError struct {
	// Name is the library, e.g. "libcudnn.so.9"; where several sonames
	// would do, they are joined by " or " ("libcublas.so.13 or
	// libcublas.so.12").
	Name string
	// Tried lists every place searched, in order, with why it failed.
	Tried []string
	// DlError is the loader's message for the most relevant failure: the
	// first file that exists but would not load, else the system search.
	DlError string
}

// Error names the library, the loader's message, every place tried and the
// hint.
func (e *LibraryError) Error() string {
	return fmt.Sprintf("cuda: cannot load %s: %s\n  tried:\n    %s\n  hint: %s",
		e.Name, e.DlError, strings.Join(e.Tried, "\n    "), e.Hint())
}

// Hint says how to fix the failure.
func (e *LibraryError) Hint() string {
	if strings.HasPrefix(e.Name, "libcuda.so") {
		return "install the NVIDIA driver (libcuda.so.1 comes with it, not with the CUDA toolkit), " +
			"or use the CPU backend"
	}
	return "set " + EnvPath + " to the directory holding it (or a pip site-packages/nvidia directory); " +
		"install the CUDA 12 or 13 runtime libraries and cuDNN 9 (e.g. pip install nvidia-cudnn-cu13 " +
		"nvidia-cublas nvidia-cuda-nvrtc); or use the CPU backend"
}

// SymbolError reports a library that lacks a function of the binding,
// usually because it is older than the binding supports: a required one at
// load time, an optional one when it is called.
type SymbolError struct {
	// Library is the path the library was opened from.
	Library string
	// Symbol is the missing dlsym name.
	Symbol string
	// DlError is dlerror's message.
	DlError string
	// Optional is true for an optional symbol: the library loaded without
	// it, and only the call that needs it fails.
	Optional bool
}

// Error names the library and the symbol, with the loader's message and a
// hint.
func (e *SymbolError) Error() string {
	if e.Optional {
		return fmt.Sprintf("cuda: %s has no symbol %s (%s): the library loaded without this optional function; "+
			"hint: install a CUDA 12/13 library and cuDNN 9 release that provides it, or point %s at one",
			e.Library, e.Symbol, e.DlError, EnvPath)
	}
	return fmt.Sprintf("cuda: %s has no symbol %s (%s); hint: install a CUDA 12/13 library and cuDNN 9 "+
		"release that provides it, point %s at it, or use the CPU backend", e.Library, e.Symbol, e.DlError, EnvPath)
}
