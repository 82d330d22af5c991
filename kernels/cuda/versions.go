package cuda

import (
	"fmt"

	cu "github.com/vggo/vggo/internal/cuda"
)

// CUDAMismatchError is New's error when the loaded libraries were built for
// CUDA majors that cannot work together: cuDNN's (cudnnGetCudartVersion)
// newer than the driver supports, or different from cuBLAS's. cuDNN links
// its CUDA runtime statically and loads the cuBLASLt and NVRTC of its own
// major at run time, so a mismatch fails at the first convolution (a
// CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_* status) or silently loses the
// engines that need the other major's libraries.
type CUDAMismatchError struct {
	// Driver is cuDriverGetVersion, 1000*major + 10*minor: the newest CUDA
	// the driver supports.
	Driver int
	// CUDNN is the path cuDNN was loaded from, CUDNNCUDA the CUDA runtime
	// it was built with (1000*major + 10*minor).
	CUDNN     string
	CUDNNCUDA int
	// CUBLAS is the path cuBLAS was loaded from, CUBLASMajor its major
	// version, which is the CUDA major it belongs to.
	CUBLAS      string
	CUBLASMajor int
}

// Error says which library was built for which CUDA, and how to fix it.
func (e *CUDAMismatchError) Error() string {
	dnn := e.CUDNNCUDA / 1000
	if dnn > e.Driver/1000 {
		return fmt.Sprintf("cuda: cuDNN %s was built for CUDA %s, but the driver supports CUDA %s at most: "+
			"install the cuDNN built for CUDA %d (e.g. pip install nvidia-cudnn-cu%d, with cuBLAS and NVRTC of CUDA %d), "+
			"or update the driver (CUDA 13 needs branch 580 or newer)",
			e.CUDNN, cudaVersion(e.CUDNNCUDA), cudaVersion(e.Driver), e.Driver/1000, e.Driver/1000, e.Driver/1000)
	}
	return fmt.Sprintf("cuda: cuDNN %s was built for CUDA %s, but cuBLAS %s is of CUDA %d: cuDNN loads the cuBLASLt "+
		"of its own CUDA major, so install both for one CUDA (nvidia-cudnn-cu13 with nvidia-cublas, or nvidia-cudnn-cu12 "+
		"with nvidia-cublas-cu12), or point %s at a directory holding a matching pair",
		e.CUDNN, cudaVersion(e.CUDNNCUDA), e.CUBLAS, e.CUBLASMajor, cu.EnvPath)
}

// cudaVersion formats 1000*major + 10*minor as "major.minor".
func cudaVersion(v int) string { return fmt.Sprintf("%d.%d", v/1000, v%1000/10) }

// checkCUDAMajors is nil when cuDNN's CUDA major (cudnnCudart, from
// cudnnGetCudartVersion) is one the driver supports and cuBLAS's major;
// otherwise a *CUDAMismatchError. A cuBLAS major of 0 (its version
// unreadable) is not compared.
func checkCUDAMajors(e CUDAMismatchError) error {
	dnn := e.CUDNNCUDA / 1000
	if dnn > e.Driver/1000 || (e.CUBLASMajor != 0 && dnn != e.CUBLASMajor) {
		return &e
	}
	return nil
}
