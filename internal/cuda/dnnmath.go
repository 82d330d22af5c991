package cuda

// The cuDNN math types (cudnnMathType_t): what a convolution descriptor may
// use (NewConv2d, SetConvMathType) and what AlgoPerf.MathType reports an
// algorithm was ranked with. They are declared here, without cgo, so that
// code which only reasons about them builds and is tested everywhere;
// cudnn.go fails to compile if they differ from decl.h, which
// check/abi_check.c holds to NVIDIA's headers.
const (
	// DNNDefaultMath lets cuDNN use tensor cores where it chooses: TF32 for
	// float data on Ampere and newer.
	DNNDefaultMath = 0
	// DNNTensorOpMath asks for tensor-core (for float data, TF32) kernels.
	DNNTensorOpMath = 1
	// DNNTensorOpMathAllowConversion is DNNTensorOpMath that may also convert
	// FP32 data to FP16, which overflows above 65504 and loses precision.
	DNNTensorOpMathAllowConversion = 2
	// DNNFMAMath keeps float data in FP32 FMA arithmetic: no TF32.
	DNNFMAMath = 3
)

// The cuDNN determinism flags (cudnnDeterminism_t) of AlgoPerf.Determinism,
// and the algorithms cudnn_ops.h documents as non-deterministic (sums of
// matrix products with atomic adds), declared like the math types above.
const (
	// DNNNonDeterministic: results may vary across runs.
	DNNNonDeterministic = 0
	// DNNDeterministic: results are reproducible.
	DNNDeterministic = 1
	// DNNBwdDataAlgo0 is CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, non-deterministic.
	DNNBwdDataAlgo0 = 0
	// DNNBwdFilterAlgo0 is CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0,
	// non-deterministic.
	DNNBwdFilterAlgo0 = 0
	// DNNBwdFilterAlgo3 is CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 (ALGO_0 with
	// precomputed indices), non-deterministic.
	DNNBwdFilterAlgo3 = 3
)
