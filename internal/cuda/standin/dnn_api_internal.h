/*
 * dnn_api_internal.h: the C prototypes of the stand-in libcudnn.so.9.
 *
 * cudnn.cc defines these and its test calls them. Each line is the binding's
 * prototype (internal/cuda/decl.h, vg_pfn_<name>) written as a function
 * declaration; cudnn.cc asserts at compile time that the type of every
 * exported function equals the binding's pointer type.
 */
#ifndef VGGO_STANDIN_DNN_API_INTERNAL_H
#define VGGO_STANDIN_DNN_API_INTERNAL_H

#include "decl.h"

/* The exported API: default visibility, since mk/standin.mk compiles with
 * -fvisibility=hidden (exports.map then keeps the NVIDIA names global). */
#ifndef VGSI_EXPORT
#define VGSI_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

VGSI_EXPORT size_t cudnnGetVersion(void);
VGSI_EXPORT size_t cudnnGetCudartVersion(void);
VGSI_EXPORT const char *cudnnGetErrorString(vgCudnnStatus status);
VGSI_EXPORT vgCudnnStatus cudnnCreate(vgCudnnHandle *handle);
VGSI_EXPORT vgCudnnStatus cudnnDestroy(vgCudnnHandle handle);
VGSI_EXPORT vgCudnnStatus cudnnSetStream(vgCudnnHandle handle, vgCUstream streamId);
VGSI_EXPORT vgCudnnStatus cudnnCreateTensorDescriptor(vgCudnnTensorDesc *tensorDesc);
VGSI_EXPORT vgCudnnStatus cudnnSetTensor4dDescriptor(vgCudnnTensorDesc tensorDesc, vgCudnnTensorFormat format, vgCudnnDataType dataType, int n, int c, int h, int w);
VGSI_EXPORT vgCudnnStatus cudnnDestroyTensorDescriptor(vgCudnnTensorDesc tensorDesc);
VGSI_EXPORT vgCudnnStatus cudnnCreateFilterDescriptor(vgCudnnFilterDesc *filterDesc);
VGSI_EXPORT vgCudnnStatus cudnnSetFilter4dDescriptor(vgCudnnFilterDesc filterDesc, vgCudnnDataType dataType, vgCudnnTensorFormat format, int k, int c, int h, int w);
VGSI_EXPORT vgCudnnStatus cudnnDestroyFilterDescriptor(vgCudnnFilterDesc filterDesc);
VGSI_EXPORT vgCudnnStatus cudnnCreateConvolutionDescriptor(vgCudnnConvDesc *convDesc);
VGSI_EXPORT vgCudnnStatus cudnnSetConvolution2dDescriptor(vgCudnnConvDesc convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, vgCudnnConvMode mode, vgCudnnDataType computeType);
VGSI_EXPORT vgCudnnStatus cudnnSetConvolutionMathType(vgCudnnConvDesc convDesc, vgCudnnMathType mathType);
VGSI_EXPORT vgCudnnStatus cudnnDestroyConvolutionDescriptor(vgCudnnConvDesc convDesc);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionForwardAlgorithmMaxCount(vgCudnnHandle handle, int *count);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionForwardAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnFilterDesc filterDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc destDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnFindConvolutionForwardAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionForwardWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, vgCudnnConvFwdAlgo algo, size_t *sizeInBytes);
VGSI_EXPORT vgCudnnStatus cudnnConvolutionForward(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnConvDesc convDesc, vgCudnnConvFwdAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithmMaxCount(vgCudnnHandle handle, int *count);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithm_v7(vgCudnnHandle handle, const vgCudnnFilterDesc filterDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnFindConvolutionBackwardDataAlgorithm(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardDataWorkspaceSize(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, vgCudnnConvBwdDataAlgo algo, size_t *sizeInBytes);
VGSI_EXPORT vgCudnnStatus cudnnConvolutionBackwardData(vgCudnnHandle handle, const void *alpha, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdDataAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(vgCudnnHandle handle, int *count);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnFindConvolutionBackwardFilterAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc dwDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
VGSI_EXPORT vgCudnnStatus cudnnGetConvolutionBackwardFilterWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, vgCudnnConvBwdFilterAlgo algo, size_t *sizeInBytes);
VGSI_EXPORT vgCudnnStatus cudnnConvolutionBackwardFilter(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdFilterAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnFilterDesc dwDesc, void *dw);
VGSI_EXPORT vgCudnnStatus cudnnConvolutionBackwardBias(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc dyDesc, const void *dy, const void *beta, const vgCudnnTensorDesc dbDesc, void *db);
VGSI_EXPORT vgCudnnStatus cudnnCreateActivationDescriptor(vgCudnnActivationDesc *activationDesc);
VGSI_EXPORT vgCudnnStatus cudnnSetActivationDescriptor(vgCudnnActivationDesc activationDesc, vgCudnnActivationMode mode, vgCudnnNanPropagation reluNanOpt, double coef);
VGSI_EXPORT vgCudnnStatus cudnnDestroyActivationDescriptor(vgCudnnActivationDesc activationDesc);
VGSI_EXPORT vgCudnnStatus cudnnActivationForward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
VGSI_EXPORT vgCudnnStatus cudnnActivationBackward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc yDesc, const void *y, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);

#ifdef __cplusplus
}
#endif

#endif
