/*
 * abi_check.c: compiled by abi_test.go against NVIDIA's real headers (from
 * the pip wheels) to prove that decl.h, which the binding is built from,
 * declares exactly what NVIDIA declares: every function pointer type equals
 * the type of NVIDIA's function (or the driver's PFN typedef for the exact
 * versioned symbol), every constant has NVIDIA's value, every enum is an int,
 * and the perf-result struct has NVIDIA's layout. Compiling is the test.
 */
#include <cuda.h>
#include <cudaTypedefs.h>
#include <library_types.h>
#include <cublas_api.h>
#include <cudnn.h>
#include <nvrtc.h>
#include <stddef.h>

/* Our enum typedefs, mapped to NVIDIA's types for the comparison. */
#define VG_VENDOR_TYPES
typedef CUresult vgCUresult;
typedef CUdevice_attribute vgCUdevice_attribute;
typedef CUjit_option vgCUjit_option;
typedef cublasStatus_t vgCublasStatus;
typedef cublasOperation_t vgCublasOperation;
typedef cublasMath_t vgCublasMath;
typedef libraryPropertyType vgLibraryPropertyType;
typedef cudnnStatus_t vgCudnnStatus;
typedef cudnnDataType_t vgCudnnDataType;
typedef cudnnTensorFormat_t vgCudnnTensorFormat;
typedef cudnnConvolutionMode_t vgCudnnConvMode;
typedef cudnnMathType_t vgCudnnMathType;
typedef cudnnConvolutionFwdAlgo_t vgCudnnConvFwdAlgo;
typedef cudnnConvolutionBwdDataAlgo_t vgCudnnConvBwdDataAlgo;
typedef cudnnConvolutionBwdFilterAlgo_t vgCudnnConvBwdFilterAlgo;
typedef cudnnNanPropagation_t vgCudnnNanPropagation;
typedef cudnnActivationMode_t vgCudnnActivationMode;
typedef cudnnDeterminism_t vgCudnnDeterminism;
typedef nvrtcResult vgNvrtcResult;
typedef cudnnConvolutionFwdAlgoPerf_t vgCudnnConvFwdAlgoPerf;
typedef cudnnConvolutionBwdDataAlgoPerf_t vgCudnnConvBwdDataAlgoPerf;
typedef cudnnConvolutionBwdFilterAlgoPerf_t vgCudnnConvBwdFilterAlgoPerf;

#include "../decl.h"

#define SAME_TYPE(a, b) _Static_assert(__builtin_types_compatible_p(a, b), #a " differs from NVIDIA's " #b)
#define SAME_FN(sym) SAME_TYPE(vg_pfn_##sym, __typeof__(&sym))
#define SAME_VALUE(ours, theirs) _Static_assert((long long)(ours) == (long long)(theirs), #ours " != NVIDIA's " #theirs)
#define INT_ENUM(t) _Static_assert(sizeof(t) == sizeof(int), #t " is not int-sized")

/* The binding's Go side sees every enum as a C int. */
INT_ENUM(CUresult); INT_ENUM(CUdevice_attribute); INT_ENUM(CUjit_option);
INT_ENUM(cublasStatus_t); INT_ENUM(cublasOperation_t); INT_ENUM(cublasMath_t);
INT_ENUM(libraryPropertyType); INT_ENUM(cudnnStatus_t); INT_ENUM(cudnnDataType_t);
INT_ENUM(cudnnTensorFormat_t); INT_ENUM(cudnnConvolutionMode_t); INT_ENUM(cudnnMathType_t);
INT_ENUM(cudnnConvolutionFwdAlgo_t); INT_ENUM(cudnnConvolutionBwdDataAlgo_t);
INT_ENUM(cudnnConvolutionBwdFilterAlgo_t);
INT_ENUM(cudnnNanPropagation_t); INT_ENUM(cudnnActivationMode_t);
INT_ENUM(cudnnDeterminism_t); INT_ENUM(nvrtcResult);

/* Scalars and handles. */
SAME_TYPE(vgCUdevice, CUdevice);
SAME_TYPE(vgCUdeviceptr, CUdeviceptr);
SAME_TYPE(vgCUcontext, CUcontext);
SAME_TYPE(vgCUmodule, CUmodule);
SAME_TYPE(vgCUfunction, CUfunction);
SAME_TYPE(vgCUstream, CUstream);
SAME_TYPE(vgCUstream, cudaStream_t);
SAME_TYPE(vgCUevent, CUevent);
SAME_TYPE(vgCublasHandle, cublasHandle_t);
SAME_TYPE(vgCudnnHandle, cudnnHandle_t);
SAME_TYPE(vgCudnnTensorDesc, cudnnTensorDescriptor_t);
SAME_TYPE(vgCudnnFilterDesc, cudnnFilterDescriptor_t);
SAME_TYPE(vgCudnnConvDesc, cudnnConvolutionDescriptor_t);
SAME_TYPE(vgCudnnActivationDesc, cudnnActivationDescriptor_t);
SAME_TYPE(vgNvrtcProgram, nvrtcProgram);

/* Perf-result layout, against all three of NVIDIA's structs. */
#define SAME_LAYOUT(t) \
	_Static_assert(sizeof(struct vgCudnnConvAlgoPerf_s) == sizeof(t), #t " size"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, algo) == offsetof(t, algo), #t ".algo"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, status) == offsetof(t, status), #t ".status"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, time) == offsetof(t, time), #t ".time"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, memory) == offsetof(t, memory), #t ".memory"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, determinism) == offsetof(t, determinism), #t ".determinism"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, mathType) == offsetof(t, mathType), #t ".mathType"); \
	_Static_assert(offsetof(struct vgCudnnConvAlgoPerf_s, reserved) == offsetof(t, reserved), #t ".reserved")
SAME_LAYOUT(cudnnConvolutionFwdAlgoPerf_t);
SAME_LAYOUT(cudnnConvolutionBwdDataAlgoPerf_t);
SAME_LAYOUT(cudnnConvolutionBwdFilterAlgoPerf_t);

/* Constants. */
SAME_VALUE(VG_CUDA_SUCCESS, CUDA_SUCCESS);
SAME_VALUE(VG_CUDA_ERROR_INVALID_VALUE, CUDA_ERROR_INVALID_VALUE);
SAME_VALUE(VG_CUDA_ERROR_OUT_OF_MEMORY, CUDA_ERROR_OUT_OF_MEMORY);
SAME_VALUE(VG_CUDA_ERROR_NOT_INITIALIZED, CUDA_ERROR_NOT_INITIALIZED);
SAME_VALUE(VG_CUDA_ERROR_STUB_LIBRARY, CUDA_ERROR_STUB_LIBRARY);
SAME_VALUE(VG_CUDA_ERROR_NO_DEVICE, CUDA_ERROR_NO_DEVICE);
SAME_VALUE(VG_CUDA_ERROR_INVALID_CONTEXT, CUDA_ERROR_INVALID_CONTEXT);
SAME_VALUE(VG_CUDA_ERROR_NOT_FOUND, CUDA_ERROR_NOT_FOUND);
SAME_VALUE(VG_CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
SAME_VALUE(VG_CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
SAME_VALUE(VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
SAME_VALUE(VG_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
SAME_VALUE(VG_CU_CTX_SCHED_BLOCKING_SYNC, CU_CTX_SCHED_BLOCKING_SYNC);
SAME_VALUE(VG_CU_STREAM_NON_BLOCKING, CU_STREAM_NON_BLOCKING);
SAME_VALUE(VG_CU_EVENT_DEFAULT, CU_EVENT_DEFAULT);
SAME_VALUE(VG_CU_EVENT_DISABLE_TIMING, CU_EVENT_DISABLE_TIMING);
SAME_VALUE(VG_CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER);
SAME_VALUE(VG_CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
SAME_VALUE(VG_CUBLAS_STATUS_SUCCESS, CUBLAS_STATUS_SUCCESS);
SAME_VALUE(VG_CUBLAS_OP_N, CUBLAS_OP_N);
SAME_VALUE(VG_CUBLAS_OP_T, CUBLAS_OP_T);
SAME_VALUE(VG_CUBLAS_DEFAULT_MATH, CUBLAS_DEFAULT_MATH);
SAME_VALUE(VG_CUBLAS_PEDANTIC_MATH, CUBLAS_PEDANTIC_MATH);
SAME_VALUE(VG_CUBLAS_TF32_TENSOR_OP_MATH, CUBLAS_TF32_TENSOR_OP_MATH);
SAME_VALUE(VG_MAJOR_VERSION, MAJOR_VERSION);
SAME_VALUE(VG_MINOR_VERSION, MINOR_VERSION);
SAME_VALUE(VG_PATCH_LEVEL, PATCH_LEVEL);
SAME_VALUE(VG_CUDNN_STATUS_SUCCESS, CUDNN_STATUS_SUCCESS);
SAME_VALUE(VG_CUDNN_STATUS_NOT_INITIALIZED, CUDNN_STATUS_NOT_INITIALIZED);
SAME_VALUE(VG_CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED, CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED);
SAME_VALUE(VG_CUDNN_STATUS_BAD_PARAM, CUDNN_STATUS_BAD_PARAM);
SAME_VALUE(VG_CUDNN_STATUS_NOT_SUPPORTED, CUDNN_STATUS_NOT_SUPPORTED);
SAME_VALUE(VG_CUDNN_STATUS_INTERNAL_ERROR, CUDNN_STATUS_INTERNAL_ERROR);
SAME_VALUE(VG_CUDNN_STATUS_EXECUTION_FAILED, CUDNN_STATUS_EXECUTION_FAILED);
SAME_VALUE(VG_CUDNN_DATA_FLOAT, CUDNN_DATA_FLOAT);
SAME_VALUE(VG_CUDNN_TENSOR_NCHW, CUDNN_TENSOR_NCHW);
SAME_VALUE(VG_CUDNN_CONVOLUTION, CUDNN_CONVOLUTION);
SAME_VALUE(VG_CUDNN_CROSS_CORRELATION, CUDNN_CROSS_CORRELATION);
SAME_VALUE(VG_CUDNN_DEFAULT_MATH, CUDNN_DEFAULT_MATH);
SAME_VALUE(VG_CUDNN_TENSOR_OP_MATH, CUDNN_TENSOR_OP_MATH);
SAME_VALUE(VG_CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION);
SAME_VALUE(VG_CUDNN_FMA_MATH, CUDNN_FMA_MATH);
SAME_VALUE(VG_CUDNN_NOT_PROPAGATE_NAN, CUDNN_NOT_PROPAGATE_NAN);
SAME_VALUE(VG_CUDNN_PROPAGATE_NAN, CUDNN_PROPAGATE_NAN);
SAME_VALUE(VG_CUDNN_ACTIVATION_RELU, CUDNN_ACTIVATION_RELU);
SAME_VALUE(VG_CUDNN_NON_DETERMINISTIC, CUDNN_NON_DETERMINISTIC);
SAME_VALUE(VG_CUDNN_DETERMINISTIC, CUDNN_DETERMINISTIC);
SAME_VALUE(VG_CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM);
SAME_VALUE(VG_CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, CUDNN_CONVOLUTION_BWD_DATA_ALGO_0);
SAME_VALUE(VG_CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1);
SAME_VALUE(VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0);
SAME_VALUE(VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1);
SAME_VALUE(VG_CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3);
SAME_VALUE(VG_NVRTC_SUCCESS, NVRTC_SUCCESS);
SAME_VALUE(VG_NVRTC_ERROR_COMPILATION, NVRTC_ERROR_COMPILATION);

/* Driver API: our prototype equals the PFN typedef of the exact versioned symbol. */
SAME_TYPE(vg_pfn_cuInit, PFN_cuInit_v2000);
SAME_TYPE(vg_pfn_cuDriverGetVersion, PFN_cuDriverGetVersion_v2020);
SAME_TYPE(vg_pfn_cuDeviceGetCount, PFN_cuDeviceGetCount_v2000);
SAME_TYPE(vg_pfn_cuDeviceGet, PFN_cuDeviceGet_v2000);
SAME_TYPE(vg_pfn_cuDeviceGetName, PFN_cuDeviceGetName_v2000);
SAME_TYPE(vg_pfn_cuDeviceTotalMem_v2, PFN_cuDeviceTotalMem_v3020);
SAME_TYPE(vg_pfn_cuDeviceGetAttribute, PFN_cuDeviceGetAttribute_v2000);
SAME_TYPE(vg_pfn_cuDevicePrimaryCtxRetain, PFN_cuDevicePrimaryCtxRetain_v7000);
SAME_TYPE(vg_pfn_cuDevicePrimaryCtxRelease_v2, PFN_cuDevicePrimaryCtxRelease_v11000);
SAME_TYPE(vg_pfn_cuDevicePrimaryCtxSetFlags_v2, PFN_cuDevicePrimaryCtxSetFlags_v11000);
SAME_TYPE(vg_pfn_cuCtxSetCurrent, PFN_cuCtxSetCurrent_v4000);
SAME_TYPE(vg_pfn_cuCtxGetCurrent, PFN_cuCtxGetCurrent_v4000);
SAME_TYPE(vg_pfn_cuCtxSynchronize, PFN_cuCtxSynchronize_v2000);
SAME_TYPE(vg_pfn_cuMemGetInfo_v2, PFN_cuMemGetInfo_v3020);
SAME_TYPE(vg_pfn_cuMemAlloc_v2, PFN_cuMemAlloc_v3020);
SAME_TYPE(vg_pfn_cuMemFree_v2, PFN_cuMemFree_v3020);
SAME_TYPE(vg_pfn_cuMemAllocHost_v2, PFN_cuMemAllocHost_v3020);
SAME_TYPE(vg_pfn_cuMemFreeHost, PFN_cuMemFreeHost_v2000);
SAME_TYPE(vg_pfn_cuMemcpyHtoD_v2, PFN_cuMemcpyHtoD_v3020);
SAME_TYPE(vg_pfn_cuMemcpyDtoH_v2, PFN_cuMemcpyDtoH_v3020);
SAME_TYPE(vg_pfn_cuMemcpyDtoD_v2, PFN_cuMemcpyDtoD_v3020);
SAME_TYPE(vg_pfn_cuMemcpyHtoDAsync_v2, PFN_cuMemcpyHtoDAsync_v3020);
SAME_TYPE(vg_pfn_cuMemcpyDtoHAsync_v2, PFN_cuMemcpyDtoHAsync_v3020);
SAME_TYPE(vg_pfn_cuMemcpyDtoDAsync_v2, PFN_cuMemcpyDtoDAsync_v3020);
SAME_TYPE(vg_pfn_cuMemsetD32_v2, PFN_cuMemsetD32_v3020);
SAME_TYPE(vg_pfn_cuMemsetD32Async, PFN_cuMemsetD32Async_v3020);
SAME_TYPE(vg_pfn_cuStreamCreate, PFN_cuStreamCreate_v2000);
SAME_TYPE(vg_pfn_cuStreamSynchronize, PFN_cuStreamSynchronize_v2000);
SAME_TYPE(vg_pfn_cuStreamDestroy_v2, PFN_cuStreamDestroy_v4000);
SAME_TYPE(vg_pfn_cuEventCreate, PFN_cuEventCreate_v2000);
SAME_TYPE(vg_pfn_cuEventRecord, PFN_cuEventRecord_v2000);
SAME_TYPE(vg_pfn_cuEventSynchronize, PFN_cuEventSynchronize_v2000);
SAME_TYPE(vg_pfn_cuEventElapsedTime, PFN_cuEventElapsedTime_v2000);
SAME_TYPE(vg_pfn_cuEventDestroy_v2, PFN_cuEventDestroy_v4000);
SAME_TYPE(vg_pfn_cuModuleLoadDataEx, PFN_cuModuleLoadDataEx_v2010);
SAME_TYPE(vg_pfn_cuModuleUnload, PFN_cuModuleUnload_v2000);
SAME_TYPE(vg_pfn_cuModuleGetFunction, PFN_cuModuleGetFunction_v2000);
SAME_TYPE(vg_pfn_cuLaunchKernel, PFN_cuLaunchKernel_v4000);
SAME_TYPE(vg_pfn_cuGetErrorName, PFN_cuGetErrorName_v6000);
SAME_TYPE(vg_pfn_cuGetErrorString, PFN_cuGetErrorString_v6000);

/* cuBLAS, cuDNN, NVRTC: our prototype equals the type of NVIDIA's declaration. */
SAME_FN(cublasCreate_v2);
SAME_FN(cublasDestroy_v2);
SAME_FN(cublasGetProperty);
SAME_FN(cublasSetStream_v2);
SAME_FN(cublasSetMathMode);
SAME_FN(cublasSgemm_v2);
SAME_FN(cublasGetStatusName);
SAME_FN(cublasGetStatusString);
SAME_FN(cudnnGetVersion);
SAME_FN(cudnnGetCudartVersion);
SAME_FN(cudnnGetErrorString);
SAME_FN(cudnnCreate);
SAME_FN(cudnnDestroy);
SAME_FN(cudnnSetStream);
SAME_FN(cudnnCreateTensorDescriptor);
SAME_FN(cudnnSetTensor4dDescriptor);
SAME_FN(cudnnDestroyTensorDescriptor);
SAME_FN(cudnnCreateFilterDescriptor);
SAME_FN(cudnnSetFilter4dDescriptor);
SAME_FN(cudnnDestroyFilterDescriptor);
SAME_FN(cudnnCreateConvolutionDescriptor);
SAME_FN(cudnnSetConvolution2dDescriptor);
SAME_FN(cudnnSetConvolutionMathType);
SAME_FN(cudnnDestroyConvolutionDescriptor);
SAME_FN(cudnnGetConvolutionForwardAlgorithmMaxCount);
SAME_FN(cudnnGetConvolutionForwardAlgorithm_v7);
SAME_FN(cudnnFindConvolutionForwardAlgorithm);
SAME_FN(cudnnGetConvolutionForwardWorkspaceSize);
SAME_FN(cudnnConvolutionForward);
SAME_FN(cudnnGetConvolutionBackwardDataAlgorithmMaxCount);
SAME_FN(cudnnGetConvolutionBackwardDataAlgorithm_v7);
SAME_FN(cudnnFindConvolutionBackwardDataAlgorithm);
SAME_FN(cudnnGetConvolutionBackwardDataWorkspaceSize);
SAME_FN(cudnnConvolutionBackwardData);
SAME_FN(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount);
SAME_FN(cudnnGetConvolutionBackwardFilterAlgorithm_v7);
SAME_FN(cudnnFindConvolutionBackwardFilterAlgorithm);
SAME_FN(cudnnGetConvolutionBackwardFilterWorkspaceSize);
SAME_FN(cudnnConvolutionBackwardFilter);
SAME_FN(cudnnConvolutionBackwardBias);
SAME_FN(cudnnCreateActivationDescriptor);
SAME_FN(cudnnSetActivationDescriptor);
SAME_FN(cudnnDestroyActivationDescriptor);
SAME_FN(cudnnActivationForward);
SAME_FN(cudnnActivationBackward);
SAME_FN(nvrtcGetErrorString);
SAME_FN(nvrtcVersion);
SAME_FN(nvrtcGetNumSupportedArchs);
SAME_FN(nvrtcGetSupportedArchs);
SAME_FN(nvrtcCreateProgram);
SAME_FN(nvrtcCompileProgram);
SAME_FN(nvrtcGetProgramLogSize);
SAME_FN(nvrtcGetProgramLog);
SAME_FN(nvrtcGetPTXSize);
SAME_FN(nvrtcGetPTX);
SAME_FN(nvrtcGetCUBINSize);
SAME_FN(nvrtcGetCUBIN);
SAME_FN(nvrtcDestroyProgram);
