package kernels

import (
	"embed"
	"sort"
	"strings"
)

// cudaFiles holds the CUDA C sources of the GPU backend's own kernels, for
// what cuDNN and cuBLAS do not cover. internal/cuda compiles them with NVRTC
// for the device's architecture at run time.
//
//go:embed *.cu
var cudaFiles embed.FS

// The CUDA kernel names (extern "C", so unmangled), as passed to
// cuModuleGetFunction. Each is documented, with its arguments, in the .cu
// file that defines it.
const (
	// KernelBiasForward: y (N,K,PQ) += b[k], optional fused ReLU. elementwise.cu
	KernelBiasForward = "vgg_bias_forward"
	// KernelBiasBackward: db[k] = Σ dy over n, p, q. elementwise.cu
	KernelBiasBackward = "vgg_bias_backward"
	// KernelSGDUpdate: w -= lr*dw. elementwise.cu
	KernelSGDUpdate = "vgg_sgd_update"
	// KernelDropoutForward: mask and y from DropKeep. dropout.cu
	KernelDropoutForward = "vgg_dropout_forward"
	// KernelDropoutBackward: dx = dy*mask. dropout.cu
	KernelDropoutBackward = "vgg_dropout_backward"
	// KernelSoftmaxXent: fused softmax cross-entropy, loss and correct count
	// reduced on the device. softmax.cu
	KernelSoftmaxXent = "vgg_softmax_xent"
	// KernelResizeBilinearU8: uint8 image to float [0,1], OpenCV INTER_LINEAR
	// as vgg/fashionmnist.Resizer computes it. resize.cu
	KernelResizeBilinearU8 = "vgg_resize_bilinear_u8"
	// KernelMaxPoolForward: y = max of each window. pool.cu
	KernelMaxPoolForward = "vgg_maxpool_forward"
	// KernelMaxPoolBackward: dy routed to each window's first maximum. pool.cu
	KernelMaxPoolBackward = "vgg_maxpool_backward"
)

// CUDAKernels lists every kernel name above.
func CUDAKernels() []string {
	return []string{KernelBiasForward, KernelBiasBackward, KernelSGDUpdate, KernelDropoutForward,
		KernelDropoutBackward, KernelSoftmaxXent, KernelResizeBilinearU8, KernelMaxPoolForward, KernelMaxPoolBackward}
}

// CUDASource returns all the .cu files concatenated in name order, as one
// NVRTC program.
func CUDASource() string {
	entries, err := cudaFiles.ReadDir(".")
	if err != nil {
		panic("kernels: embedded CUDA sources unreadable: " + err.Error())
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		src, err := cudaFiles.ReadFile(n)
		if err != nil {
			panic("kernels: embedded CUDA source unreadable: " + err.Error())
		}
		b.WriteString("// ---- " + n + "\n")
		b.Write(src)
		b.WriteString("\n")
	}
	return b.String()
}
