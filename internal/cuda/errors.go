package cuda

import "fmt"

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
