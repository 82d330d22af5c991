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

#ifdef __cplusplus
extern "C" {
#endif

size_t cudnnGetVersion(void);
size_t cudnnGetCudartVersion(void); /* cudnn_graph.h:144-145; not yet in decl.h */
const char *cudnnGetErrorString(vgCudnnStatus status);
vgCudnnStatus cudnnCreate(vgCudnnHandle *handle);
vgCudnnStatus cudnnDestroy(vgCudnnHandle handle);
vgCudnnStatus cudnnSetStream(vgCudnnHandle handle, vgCUstream streamId);
vgCudnnStatus cudnnCreateTensorDescriptor(vgCudnnTensorDesc *tensorDesc);
vgCudnnStatus cudnnSetTensor4dDescriptor(vgCudnnTensorDesc tensorDesc, vgCudnnTensorFormat format, vgCudnnDataType dataType, int n, int c, int h, int w);
vgCudnnStatus cudnnDestroyTensorDescriptor(vgCudnnTensorDesc tensorDesc);
vgCudnnStatus cudnnCreateFilterDescriptor(vgCudnnFilterDesc *filterDesc);
vgCudnnStatus cudnnSetFilter4dDescriptor(vgCudnnFilterDesc filterDesc, vgCudnnDataType dataType, vgCudnnTensorFormat format, int k, int c, int h, int w);
vgCudnnStatus cudnnDestroyFilterDescriptor(vgCudnnFilterDesc filterDesc);
vgCudnnStatus cudnnCreateConvolutionDescriptor(vgCudnnConvDesc *convDesc);
vgCudnnStatus cudnnSetConvolution2dDescriptor(vgCudnnConvDesc convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, vgCudnnConvMode mode, vgCudnnDataType computeType);
vgCudnnStatus cudnnSetConvolutionMathType(vgCudnnConvDesc convDesc, vgCudnnMathType mathType);
vgCudnnStatus cudnnDestroyConvolutionDescriptor(vgCudnnConvDesc convDesc);
vgCudnnStatus cudnnGetConvolutionForwardAlgorithmMaxCount(vgCudnnHandle handle, int *count);
vgCudnnStatus cudnnGetConvolutionForwardAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnFilterDesc filterDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc destDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
vgCudnnStatus cudnnFindConvolutionForwardAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvFwdAlgoPerf *perfResults);
vgCudnnStatus cudnnGetConvolutionForwardWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnFilterDesc wDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc yDesc, vgCudnnConvFwdAlgo algo, size_t *sizeInBytes);
vgCudnnStatus cudnnConvolutionForward(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnConvDesc convDesc, vgCudnnConvFwdAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithmMaxCount(vgCudnnHandle handle, int *count);
vgCudnnStatus cudnnGetConvolutionBackwardDataAlgorithm_v7(vgCudnnHandle handle, const vgCudnnFilterDesc filterDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
vgCudnnStatus cudnnFindConvolutionBackwardDataAlgorithm(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdDataAlgoPerf *perfResults);
vgCudnnStatus cudnnGetConvolutionBackwardDataWorkspaceSize(vgCudnnHandle handle, const vgCudnnFilterDesc wDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnTensorDesc dxDesc, vgCudnnConvBwdDataAlgo algo, size_t *sizeInBytes);
vgCudnnStatus cudnnConvolutionBackwardData(vgCudnnHandle handle, const void *alpha, const vgCudnnFilterDesc wDesc, const void *w, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdDataAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);
vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(vgCudnnHandle handle, int *count);
vgCudnnStatus cudnnGetConvolutionBackwardFilterAlgorithm_v7(vgCudnnHandle handle, const vgCudnnTensorDesc srcDesc, const vgCudnnTensorDesc diffDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
vgCudnnStatus cudnnFindConvolutionBackwardFilterAlgorithm(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc dwDesc, const int requestedAlgoCount, int *returnedAlgoCount, vgCudnnConvBwdFilterAlgoPerf *perfResults);
vgCudnnStatus cudnnGetConvolutionBackwardFilterWorkspaceSize(vgCudnnHandle handle, const vgCudnnTensorDesc xDesc, const vgCudnnTensorDesc dyDesc, const vgCudnnConvDesc convDesc, const vgCudnnFilterDesc gradDesc, vgCudnnConvBwdFilterAlgo algo, size_t *sizeInBytes);
vgCudnnStatus cudnnConvolutionBackwardFilter(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnConvDesc convDesc, vgCudnnConvBwdFilterAlgo algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const vgCudnnFilterDesc dwDesc, void *dw);
vgCudnnStatus cudnnConvolutionBackwardBias(vgCudnnHandle handle, const void *alpha, const vgCudnnTensorDesc dyDesc, const void *dy, const void *beta, const vgCudnnTensorDesc dbDesc, void *db);
vgCudnnStatus cudnnCreateActivationDescriptor(vgCudnnActivationDesc *activationDesc);
vgCudnnStatus cudnnSetActivationDescriptor(vgCudnnActivationDesc activationDesc, vgCudnnActivationMode mode, vgCudnnNanPropagation reluNanOpt, double coef);
vgCudnnStatus cudnnDestroyActivationDescriptor(vgCudnnActivationDesc activationDesc);
vgCudnnStatus cudnnActivationForward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc yDesc, void *y);
vgCudnnStatus cudnnActivationBackward(vgCudnnHandle handle, vgCudnnActivationDesc activationDesc, const void *alpha, const vgCudnnTensorDesc yDesc, const void *y, const vgCudnnTensorDesc dyDesc, const void *dy, const vgCudnnTensorDesc xDesc, const void *x, const void *beta, const vgCudnnTensorDesc dxDesc, void *dx);

#ifdef __cplusplus
}
#endif

#endif
