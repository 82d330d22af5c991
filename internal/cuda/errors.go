package cuda

import (
	"fmt"
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
	switch {
	case e.Lib == "cuda" && e.Code == 34:
		return "a CUDA toolkit stub libcuda.so was loaded; point " + EnvPath + " away from lib64/stubs at the real driver"
	case e.Lib == "cuda" && e.Code == 100:
		return "no CUDA device is visible (check CUDA_VISIBLE_DEVICES and nvidia-smi); run with -device cpu"
	case e.Lib == "cuda" && (e.Code == 803 || e.Code == 804):
		return "the driver's user-space library and kernel module disagree; reinstall the driver or reboot"
	case e.Lib == "cuda" && e.Code == 201:
		return "no context is current on this OS thread: lock the goroutine with runtime.LockOSThread and call CtxSetCurrent"
	case e.Lib == "cuda" && e.Code == 222:
		return "the driver is older than NVRTC; compile for the device's sm_XX (CUBIN) or update the driver"
	case (e.Lib == "cuda" || e.Lib == "cublas") && (e.Code == 2 || e.Code == 3 && e.Lib == "cublas"):
		return "out of device memory; use a smaller batch or image size"
	case e.Lib == "cudnn" && e.Code == 1008:
		return "a cuDNN sub-library (libcudnn_ops/cnn/graph.so.9) did not load; keep them next to libcudnn.so.9"
	case e.Lib == "cudnn" && e.Code/1000 == 2:
		return "a tensor, filter or descriptor argument is inconsistent; check shapes"
	case e.Lib == "nvrtc" && e.Code == 6:
		return "see the compile log in the error"
	}
	return ""
}

// LibraryError reports a library that could not be opened from any place
// searched.
type LibraryError struct {
	// Name is the library, e.g. "libcudnn.so.9".
	Name string
	// Tried lists every place searched, in order, with why it failed.
	Tried []string
	// DlError is the loader's message for the most relevant failure: the
	// first file that exists but would not load, else the system search.
	DlError string
}

func (e *LibraryError) Error() string {
	return fmt.Sprintf("cuda: cannot load %s: %s\n  tried:\n    %s\n  hint: %s",
		e.Name, e.DlError, strings.Join(e.Tried, "\n    "), e.Hint())
}

// Hint says how to fix the failure.
func (e *LibraryError) Hint() string {
	if strings.HasPrefix(e.Name, "libcuda.so") {
		return "install the NVIDIA driver (libcuda.so.1 comes with it, not with the CUDA toolkit), " +
			"or run with -device cpu"
	}
	return "set " + EnvPath + " to the directory holding it (or a pip site-packages/nvidia directory); " +
		"install the CUDA 12 or 13 runtime libraries and cuDNN 9 (e.g. pip install nvidia-cudnn-cu13 " +
		"nvidia-cublas nvidia-cuda-nvrtc); or run with -device cpu"
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

func (e *SymbolError) Error() string {
	return fmt.Sprintf("cuda: %s has no symbol %s (%s); hint: install a CUDA 12/13 library and cuDNN 9 "+
		"release that provides it, point %s at it, or run with -device cpu", e.Library, e.Symbol, e.DlError, EnvPath)
}
