package cuda

import (
	"embed"
	"sort"
	"strings"
)

// cudaFiles holds the CUDA C sources of the backend's own kernels, for what
// cuDNN and cuBLAS do not cover. New compiles them with NVRTC for the
// device's architecture (compile.go).
//
//go:embed *.cu
var cudaFiles embed.FS

// The CUDA kernel names (extern "C", so unmangled), as passed to
// cuModuleGetFunction. Each is documented, with its arguments, in the .cu
// file that defines it.
const (
	// kernelBiasForward: y (N,K,PQ) += b[k], optional fused ReLU. elementwise.cu
	kernelBiasForward = "vgg_bias_forward"
	// kernelBiasBackward: db[k] = Σ dy over n, p, q. elementwise.cu
	kernelBiasBackward = "vgg_bias_backward"
	// kernelSGDUpdate: w -= lr*dw. elementwise.cu
	kernelSGDUpdate = "vgg_sgd_update"
	// kernelDropoutForward: mask and y from DropKeep. dropout.cu
	kernelDropoutForward = "vgg_dropout_forward"
	// kernelDropoutBackward: dx = dy*mask. dropout.cu
	kernelDropoutBackward = "vgg_dropout_backward"
	// kernelSoftmaxXent: fused softmax cross-entropy, loss and correct count
	// reduced on the device. softmax.cu
	kernelSoftmaxXent = "vgg_softmax_xent"
	// kernelResizeBilinearU8: uint8 image to float [0,1], OpenCV INTER_LINEAR
	// as kernels/ref.Resizer computes it. resize.cu
	kernelResizeBilinearU8 = "vgg_resize_bilinear_u8"
	// kernelMaxPoolForward: y = max of each window. pool.cu
	kernelMaxPoolForward = "vgg_maxpool_forward"
	// kernelMaxPoolBackward: dy routed to each window's first maximum. pool.cu
	kernelMaxPoolBackward = "vgg_maxpool_backward"
)

// KernelNames lists the entry points New looks up in the compiled Source.
func KernelNames() []string {
	return []string{kernelBiasForward, kernelBiasBackward, kernelSGDUpdate, kernelDropoutForward,
		kernelDropoutBackward, kernelSoftmaxXent, kernelResizeBilinearU8, kernelMaxPoolForward, kernelMaxPoolBackward}
}

// Source returns all the .cu files concatenated in name order, as one
// NVRTC program.
func Source() string {
	entries, err := cudaFiles.ReadDir(".")
	if err != nil {
		panic("kernels/cuda: embedded CUDA sources unreadable: " + err.Error())
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
			panic("kernels/cuda: embedded CUDA source unreadable: " + err.Error())
		}
		b.WriteString("// ---- " + n + "\n")
		b.Write(src)
		b.WriteString("\n")
	}
	return b.String()
}
