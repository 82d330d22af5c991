/*
 * decl.h: the NVIDIA types, constants and function prototypes this binding
 * uses, declared by the project itself so that building needs no CUDA headers.
 *
 * Every function pointer type is named vg_pfn_<dlsym symbol>. Opaque handles
 * use NVIDIA's own struct tags (declaring an incomplete struct is harmless),
 * and enum-typed values use the vg* typedefs below, which are int here.
 *
 * check/abi_check.c includes this file together with NVIDIA's real headers
 * with VG_VENDOR_TYPES defined, maps each vg* typedef to NVIDIA's type, and
 * asserts that every prototype, constant and struct layout equals theirs; see
 * abi_test.go.
 */
#ifndef VGGO_CUDA_DECL_H
#define VGGO_CUDA_DECL_H

#include <stddef.h>

/* ---- handles (pointers to opaque structs; NVIDIA's tags) ---- */
typedef struct CUctx_st *vgCUcontext;
typedef struct CUmod_st *vgCUmodule;
typedef struct CUfunc_st *vgCUfunction;
typedef struct CUstream_st *vgCUstream;
typedef struct CUevent_st *vgCUevent;
typedef struct cublasContext *vgCublasHandle;
typedef struct cudnnContext *vgCudnnHandle;
typedef struct cudnnTensorStruct *vgCudnnTensorDesc;
typedef struct cudnnFilterStruct *vgCudnnFilterDesc;
typedef struct cudnnConvolutionStruct *vgCudnnConvDesc;
typedef struct cudnnActivationStruct *vgCudnnActivationDesc;
typedef struct _nvrtcProgram *vgNvrtcProgram;

/* ---- scalar types ---- */
typedef int vgCUdevice;
typedef unsigned long long vgCUdeviceptr;

#ifndef VG_VENDOR_TYPES
/* Enum types: 4-byte ints on LP64 (checked against NVIDIA's enums). */
typedef int vgCUresult;
typedef int vgCUdevice_attribute;
typedef int vgCUjit_option;
typedef int vgCublasStatus;
typedef int vgCublasOperation;
typedef int vgCublasMath;
typedef int vgLibraryPropertyType;
typedef int vgCudnnStatus;
typedef int vgCudnnDataType;
typedef int vgCudnnTensorFormat;
typedef int vgCudnnConvMode;
typedef int vgCudnnMathType;
typedef int vgCudnnConvFwdAlgo;
typedef int vgCudnnConvBwdDataAlgo;
typedef int vgCudnnConvBwdFilterAlgo;
typedef int vgCudnnNanPropagation;
typedef int vgCudnnActivationMode;
typedef int vgCudnnDeterminism;
typedef int vgNvrtcResult;

#endif

/* cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t share this layout. */
struct vgCudnnConvAlgoPerf_s {
	int algo;
	vgCudnnStatus status;
	float time;
	size_t memory;
	vgCudnnDeterminism determinism;
	vgCudnnMathType mathType;
	int reserved[3];
};
#ifndef VG_VENDOR_TYPES
typedef struct vgCudnnConvAlgoPerf_s vgCudnnConvFwdAlgoPerf;
typedef struct vgCudnnConvAlgoPerf_s vgCudnnConvBwdDataAlgoPerf;
typedef struct vgCudnnConvAlgoPerf_s vgCudnnConvBwdFilterAlgoPerf;
#endif

/* ---- constants ---- */
enum {
	VG_CUDA_SUCCESS = 0,
	VG_CUDA_ERROR_INVALID_VALUE = 1,
	VG_CUDA_ERROR_OUT_OF_MEMORY = 2,
	VG_CUDA_ERROR_NOT_INITIALIZED = 3,
	VG_CUDA_ERROR_STUB_LIBRARY = 34,
	VG_CUDA_ERROR_NO_DEVICE = 100,
	VG_CUDA_ERROR_INVALID_CONTEXT = 201,
	VG_CUDA_ERROR_NOT_FOUND = 500,

	VG_CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
	VG_CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
	VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
	VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,

	VG_CU_CTX_SCHED_BLOCKING_SYNC = 0x04,
	VG_CU_STREAM_NON_BLOCKING = 0x1,
	VG_CU_EVENT_DEFAULT = 0x0,
	VG_CU_EVENT_DISABLE_TIMING = 0x2,

	VG_CU_JIT_ERROR_LOG_BUFFER = 5,
	VG_CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,

	VG_CUBLAS_STATUS_SUCCESS = 0,
	VG_CUBLAS_OP_N = 0,
	VG_CUBLAS_OP_T = 1,
	VG_CUBLAS_DEFAULT_MATH = 0,
	VG_CUBLAS_PEDANTIC_MATH = 2,
	VG_CUBLAS_TF32_TENSOR_OP_MATH = 3,
	VG_MAJOR_VERSION = 0,
	VG_MINOR_VERSION = 1,
	VG_PATCH_LEVEL = 2,

	VG_CUDNN_STATUS_SUCCESS = 0,
	VG_CUDNN_STATUS_NOT_INITIALIZED = 1001,
	VG_CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED = 1008,
	VG_CUDNN_STATUS_BAD_PARAM = 2000,
	VG_CUDNN_STATUS_NOT_SUPPORTED = 3000,
	VG_CUDNN_STATUS_INTERNAL_ERROR = 4000,
	VG_CUDNN_STATUS_EXECUTION_FAILED = 5000,
	VG_CUDNN_DATA_FLOAT = 0,
	VG_CUDNN_TENSOR_NCHW = 0,
	VG_CUDNN_CONVOLUTION = 0,
	VG_CUDNN_CROSS_CORRELATION = 1,
	VG_CUDNN_DEFAULT_MATH = 0,
	VG_CUDNN_TENSOR_OP_MATH = 1,
	VG_CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
	VG_CUDNN_FMA_MATH = 3,
	VG_CUDNN_NOT_PROPAGATE_NAN = 0,
	VG_CUDNN_PROPAGATE_NAN = 1,
	VG_CUDNN_ACTIVATION_RELU = 1,
	VG_CUDNN_NON_DETERMINISTIC = 0,
	VG_CUDNN_DETERMINISTIC = 1,
	VG_CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0,
	VG_CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0,
	VG_CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
	VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0,
	VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
	VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,

	VG_NVRTC_SUCCESS = 0,
	VG_NVRTC_ERROR_COMPILATION = 6
};

/* ---- driver API (libcuda.so.1); symbol = name after vg_pfn_ ---- */
typedef vgCUresult (*vg_pfn_cuInit)(unsigned int flags);
typedef vgCUresult (*vg_pfn_cuDriverGetVersion)(int *driverVersion);
typedef vgCUresult (*vg_pfn_cuDeviceGetCount)(int *count);
typedef vgCUresult (*vg_pfn_cuDeviceGet)(vgCUdevice *device, int ordinal);
typedef vgCUresult (*vg_pfn_cuDeviceGetName)(char *name, int len, vgCUdevice dev);
typedef vgCUresult (*vg_pfn_cuDeviceTotalMem_v2)(size_t *bytes, vgCUdevice dev);
typedef vgCUresult (*vg_pfn_cuDeviceGetAttribute)(int *pi, vgCUdevice_attribute attrib, vgCUdevice dev);
typedef vgCUresult (*vg_pfn_cuDevicePrimaryCtxRetain)(vgCUcontext *pctx, vgCUdevice dev);
typedef vgCUresult (*vg_pfn_cuDevicePrimaryCtxRelease_v2)(vgCUdevice dev);
typedef vgCUresult (*vg_pfn_cuDevicePrimaryCtxSetFlags_v2)(vgCUdevice dev, unsigned int flags);
typedef vgCUresult (*vg_pfn_cuCtxSetCurrent)(vgCUcontext ctx);
typedef vgCUresult (*vg_pfn_cuCtxGetCurrent)(vgCUcontext *pctx);
typedef vgCUresult (*vg_pfn_cuCtxSynchronize)(void);
typedef vgCUresult (*vg_pfn_cuMemGetInfo_v2)(size_t *free, size_t *total);
typedef vgCUresult (*vg_pfn_cuMemAlloc_v2)(vgCUdeviceptr *dptr, size_t bytesize);
typedef vgCUresult (*vg_pfn_cuMemFree_v2)(vgCUdeviceptr dptr);
typedef vgCUresult (*vg_pfn_cuMemAllocHost_v2)(void **pp, size_t bytesize);
typedef vgCUresult (*vg_pfn_cuMemFreeHost)(void *p);
typedef vgCUresult (*vg_pfn_cuMemcpyHtoD_v2)(vgCUdeviceptr dstDevice, const void *srcHost, size_t ByteCount);
typedef vgCUresult (*vg_pfn_cuMemcpyDtoH_v2)(void *dstHost, vgCUdeviceptr srcDevice, size_t ByteCount);
typedef vgCUresult (*vg_pfn_cuMemcpyDtoD_v2)(vgCUdeviceptr dstDevice, vgCUdeviceptr srcDevice, size_t ByteCount);
typedef vgCUresult (*vg_pfn_cuMemcpyHtoDAsync_v2)(vgCUdeviceptr dstDevice, const void *srcHost, size_t ByteCount, vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuMemcpyDtoHAsync_v2)(void *dstHost, vgCUdeviceptr srcDevice, size_t ByteCount, vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuMemcpyDtoDAsync_v2)(vgCUdeviceptr dstDevice, vgCUdeviceptr srcDevice, size_t ByteCount, vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuMemsetD32_v2)(vgCUdeviceptr dstDevice, unsigned int ui, size_t N);
typedef vgCUresult (*vg_pfn_cuMemsetD32Async)(vgCUdeviceptr dstDevice, unsigned int ui, size_t N, vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuStreamCreate)(vgCUstream *phStream, unsigned int Flags);
typedef vgCUresult (*vg_pfn_cuStreamSynchronize)(vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuStreamDestroy_v2)(vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuEventCreate)(vgCUevent *phEvent, unsigned int Flags);
typedef vgCUresult (*vg_pfn_cuEventRecord)(vgCUevent hEvent, vgCUstream hStream);
typedef vgCUresult (*vg_pfn_cuEventSynchronize)(vgCUevent hEvent);
typedef vgCUresult (*vg_pfn_cuEventElapsedTime)(float *pMilliseconds, vgCUevent hStart, vgCUevent hEnd);
typedef vgCUresult (*vg_pfn_cuEventDestroy_v2)(vgCUevent hEvent);
typedef vgCUresult (*vg_pfn_cuModuleLoadDataEx)(vgCUmodule *module, const void *image, unsigned int numOptions, vgCUjit_option *options, void **optionValues);
typedef vgCUresult (*vg_pfn_cuModuleUnload)(vgCUmodule hmod);
typedef vgCUresult (*vg_pfn_cuModuleGetFunction)(vgCUfunction *hfunc, vgCUmodule hmod, const char *name);
typedef vgCUresult (*vg_pfn_cuLaunchKernel)(vgCUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, vgCUstream hStream, void **kernelParams, void **extra);
typedef vgCUresult (*vg_pfn_cuGetErrorName)(vgCUresult error, const char **pStr);
typedef vgCUresult (*vg_pfn_cuGetErrorString)(vgCUresult error, const char **pStr);

/* ---- cuBLAS (libcublas.so.13 / .12) ---- */
typedef vgCublasStatus (*vg_pfn_cublasCreate_v2)(vgCublasHandle *handle);
typedef vgCublasStatus (*vg_pfn_cublasDestroy_v2)(vgCublasHandle handle);
typedef vgCublasStatus (*vg_pfn_cublasGetProperty)(vgLibraryPropertyType type, int *value);
typedef vgCublasStatus (*vg_pfn_cublasSetStream_v2)(vgCublasHandle handle, vgCUstream streamId);
typedef vgCublasStatus (*vg_pfn_cublasSetMathMode)(vgCublasHandle handle, vgCublasMath mode);
typedef vgCublasStatus (*vg_pfn_cublasSgemm_v2)(vgCublasHandle handle, vgCublasOperation transa, vgCublasOperation transb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc);
typedef const char *(*vg_pfn_cublasGetStatusName)(vgCublasStatus status);
typedef const char *(*vg_pfn_cublasGetStatusString)(vgCublasStatus status);

/* ---- cuDNN 9 legacy API (libcudnn.so.9) ---- */
typedef size_t (*vg_pfn_cudnnGetVersion)(void);
typedef size_t (*vg_pfn_cudnnGetCudartVersion)(void);
typedef const char *(*vg_pfn_cudnnGetErrorString)(vgCudnnStatus status);
typedef vgCudnnStatus (*vg_pfn_cudnnCreate)(vgCudnnHandle *handle);
typedef vgCudnnStatus (*vg_pfn_cudnnDestroy)(vgCudnnHandle handle);
typedef vgCudnnStatus (*vg_pfn_cudnnSetStream)(vgCudnnHandle handle, vgCUstream streamId);
typedef vgCudnnStatus (*vg_pfn_cudnnCreateTensorDescriptor)(vgCudnnTensorDesc *tensorDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnSetTensor4dDescriptor)(vgCudnnTensorDesc tensorDesc, vgCudnnTensorFormat format, vgCudnnDataType dataType, int n, int c, int h, int w);
typedef vgCudnnStatus (*vg_pfn_cudnnDestroyTensorDescriptor)(vgCudnnTensorDesc tensorDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnCreateFilterDescriptor)(vgCudnnFilterDesc *filterDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnSetFilter4dDescriptor)(vgCudnnFilterDesc filterDesc, vgCudnnDataType dataType, vgCudnnTensorFormat format, int k, int c, int h, int w);
typedef vgCudnnStatus (*vg_pfn_cudnnDestroyFilterDescriptor)(vgCudnnFilterDesc filterDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnCreateConvolutionDescriptor)(vgCudnnConvDesc *convDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnSetConvolution2dDescriptor)(vgCudnnConvDesc convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, vgCudnnConvMode mode, vgCudnnDataType computeType);
typedef vgCudnnStatus (*vg_pfn_cudnnSetConvolutionMathType)(vgCudnnConvDesc convDesc, vgCudnnMathType mathType);
typedef vgCudnnStatus (*vg_pfn_cudnnDestroyConvolutionDescriptor)(vgCudnnConvDesc convDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionForwardAlgorithmMaxCount)(vgCudnnHandle handle, int *count);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionForwardAlgorithm_v7)(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnFilterDesc filterDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc destDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnFindConvolutionForwardAlgorithm)(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionForwardWorkspaceSize)(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, vgCudnnConvFwdAlgo algo, size_t *sizeInBytes);
typedef vgCudnnStatus (*vg_pfn_cudnnConvolutionForward)(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnConvDesc convDesc, vgCudnnConvFwdAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardDataAlgorithmMaxCount)(vgCudnnHandle handle, int *count);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardDataAlgorithm_v7)(vgCudnnHandle handle, const vgCudnnFilterDesc filterDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnFindConvolutionBackwardDataAlgorithm)(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardDataWorkspaceSize)(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, vgCudnnConvBwdDataAlgo algo, size_t *sizeInBytes);
typedef vgCudnnStatus (*vg_pfn_cudnnConvolutionBackwardData)(vgCudnnHandle handle, const void *alpha, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdDataAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardFilterAlgorithmMaxCount)(vgCudnnHandle handle, int *count);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardFilterAlgorithm_v7)(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnFindConvolutionBackwardFilterAlgorithm)(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc dwDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
typedef vgCudnnStatus (*vg_pfn_cudnnGetConvolutionBackwardFilterWorkspaceSize)(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, vgCudnnConvBwdFilterAlgo algo, size_t *sizeInBytes);
typedef vgCudnnStatus (*vg_pfn_cudnnConvolutionBackwardFilter)(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdFilterAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnFilterDesc dwDesc, void *dw);
typedef vgCudnnStatus (*vg_pfn_cudnnConvolutionBackwardBias)(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc dyDesc, const void *dy, const void *beta, const vgCudnnTensorDesc dbDesc, void *db);
typedef vgCudnnStatus (*vg_pfn_cudnnCreateActivationDescriptor)(vgCudnnActivationDesc *activationDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnSetActivationDescriptor)(vgCudnnActivationDesc activationDesc, vgCudnnActivationMode mode, vgCudnnNanPropagation reluNanOpt, double coef);
typedef vgCudnnStatus (*vg_pfn_cudnnDestroyActivationDescriptor)(vgCudnnActivationDesc activationDesc);
typedef vgCudnnStatus (*vg_pfn_cudnnActivationForward)(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
typedef vgCudnnStatus (*vg_pfn_cudnnActivationBackward)(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc yDesc, const void *y, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);

/* ---- NVRTC (libnvrtc.so.13 / .12) ---- */
typedef const char *(*vg_pfn_nvrtcGetErrorString)(vgNvrtcResult result);
typedef vgNvrtcResult (*vg_pfn_nvrtcVersion)(int *major, int *minor);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetNumSupportedArchs)(int *numArchs);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetSupportedArchs)(int *supportedArchs);
typedef vgNvrtcResult (*vg_pfn_nvrtcCreateProgram)(vgNvrtcProgram *prog, const char *src, const char *name, int numHeaders, const char *const *headers, const char *const *includeNames);
typedef vgNvrtcResult (*vg_pfn_nvrtcCompileProgram)(vgNvrtcProgram prog, int numOptions, const char *const *options);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetProgramLogSize)(vgNvrtcProgram prog, size_t *logSizeRet);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetProgramLog)(vgNvrtcProgram prog, char *log);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetPTXSize)(vgNvrtcProgram prog, size_t *ptxSizeRet);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetPTX)(vgNvrtcProgram prog, char *ptx);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetCUBINSize)(vgNvrtcProgram prog, size_t *cubinSizeRet);
typedef vgNvrtcResult (*vg_pfn_nvrtcGetCUBIN)(vgNvrtcProgram prog, char *cubin);
typedef vgNvrtcResult (*vg_pfn_nvrtcDestroyProgram)(vgNvrtcProgram *prog);

#endif
