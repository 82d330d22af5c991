/*
 * blas_api_internal.h: the C prototypes of the stand-in libcublas.so.13.
 *
 * cublas.cc defines these and its test calls them. Each prototype is the
 * binding's (internal/cuda/decl.h, vg_pfn_<name>), written out as a function
 * declaration; cublas.cc asserts at compile time that the type of every
 * exported function equals the binding's pointer type, so the binding, this
 * file and the definitions cannot drift apart.
 */
#ifndef VGGO_STANDIN_BLAS_API_INTERNAL_H
#define VGGO_STANDIN_BLAS_API_INTERNAL_H

#include "decl.h"

/* The exported API: default visibility, since mk/standin.mk compiles with
 * -fvisibility=hidden (exports.map then keeps the NVIDIA names global). */
#ifndef VGSI_EXPORT
#define VGSI_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

VGSI_EXPORT vgCublasStatus cublasCreate_v2(vgCublasHandle *handle);
VGSI_EXPORT vgCublasStatus cublasDestroy_v2(vgCublasHandle handle);
VGSI_EXPORT vgCublasStatus cublasGetProperty(vgLibraryPropertyType type, int *value);
VGSI_EXPORT vgCublasStatus cublasSetStream_v2(vgCublasHandle handle, vgCUstream streamId);
VGSI_EXPORT vgCublasStatus cublasSetMathMode(vgCublasHandle handle, vgCublasMath mode);
VGSI_EXPORT vgCublasStatus cublasSgemm_v2(vgCublasHandle handle, vgCublasOperation transa, vgCublasOperation transb,
                                          int m, int n, int k, const float *alpha, const float *A, int lda,
                                          const float *B, int ldb, const float *beta, float *C, int ldc);
VGSI_EXPORT const char *cublasGetStatusName(vgCublasStatus status);
VGSI_EXPORT const char *cublasGetStatusString(vgCublasStatus status);

#ifdef __cplusplus
}
#endif

#endif
