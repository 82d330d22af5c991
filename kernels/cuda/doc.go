// Package cuda is the GPU backend of kernels.Ops: cuDNN for convolutions and
// ReLU, cuBLAS for dense layers, and the project's own CUDA kernels
// (kernels/*.cu, compiled by NVRTC for the device at hand) for bias,
// pooling, dropout, the fused softmax cross-entropy, SGD and the on-device
// image resize. It implements kernels.ImageLoader too.
//
// Every library is loaded at run time through internal/cuda, so the package
// builds without a CUDA toolkit; New reports a missing library or device as
// an error that says which library, where it was looked for and how to fix
// it. Without cgo (or off Linux) New always returns that error.
//
// Tensors live in device memory. During training nothing but the input batch
// crosses the bus, and the one host synchronisation per batch is the
// read-back of SoftmaxCrossEntropy's loss sum, correct count and bad-label count.
//
// Precision: by default FP32 convolutions and GEMMs may run on TF32 tensor
// cores (cuDNN's default math, cuBLAS's TF32 mode), as PyTorch does with
// allow_tf32; WithPrecision(FP32) forbids it, which the conformance suite
// needs (its tolerances reject TF32). WithDeterministic makes training
// bit-reproducible at the cost of the fastest algorithms.
//
// Faults: a sticky device fault makes the GPU unusable for the rest of the
// process (a *FaultError, errors.Is ErrDeviceFault); VGGO_CUDA_SYNC=1 or
// WithSyncEveryOp names the op that failed (an *OpError).
package cuda
