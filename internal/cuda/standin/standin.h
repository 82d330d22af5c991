/*
 * standin.h: the interface between the CPU stand-in libraries.
 *
 * The stand-in libcuda.so.1 owns contexts, device memory, streams and fault
 * injection; the stand-in libcublas.so.13 and libcudnn.so.9 link against it
 * (DT_NEEDED libcuda.so.1, RUNPATH $ORIGIN, so they share the copy the
 * binding loaded) and use only the functions below. None of these is a CUDA
 * API function: the vgsi_ prefix keeps them apart, and nothing in the Go
 * binding calls them.
 */
#ifndef VGGO_STANDIN_H
#define VGGO_STANDIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* vgsi_ctx_current reports whether the calling OS thread has a current,
 * live context (the driver's per-thread state). 1 yes, 0 no. */
int vgsi_ctx_current(void);

/* vgsi_check_device_range checks that [ptr, ptr+bytes) lies inside one live
 * device allocation of the current context. It returns 0 (CUDA_SUCCESS) or a
 * CUDA error code (1 INVALID_VALUE for a host pointer, a freed range, or a
 * range that crosses the end of its allocation) and, on error, writes a
 * one-line description naming what (e.g. "cublasSgemm C") into the stand-in's
 * last-error text (vgsi_last_error). bytes == 0 checks nothing. */
int vgsi_check_device_range(uint64_t ptr, size_t bytes, const char *what);

/* vgsi_enqueue appends work to stream (NULL: the legacy default stream) of the
 * current context. The stream's worker thread calls fn(arg) in order after
 * everything queued before it, then free_arg(arg) when free_arg is not NULL.
 * fn returns 0 or a CUDA error code; a non-zero code becomes the context's
 * sticky error (reported by later synchronisations and calls). Returns 0, 400
 * (INVALID_HANDLE) for an unknown stream, or the sticky error. */
int vgsi_enqueue(void *stream, int (*fn)(void *arg), void *arg, void (*free_arg)(void *arg));

/* vgsi_stream_sync blocks until stream has drained (cuStreamSynchronize). */
int vgsi_stream_sync(void *stream);

/* vgsi_fault asks whether this call of the named library ("cublas", "cudnn")
 * is the one the environment asks to fail (VGGO_STANDIN_FAIL_CUBLAS=N,
 * VGGO_STANDIN_FAIL_CUDNN=N: the Nth call, counting from 1, of any of that
 * library's functions that can fail). 1 fail it, 0 go on. */
int vgsi_fault(const char *lib);

/* vgsi_track / vgsi_untrack record an object a library created in the
 * current context (kind: "cublas handle", "cudnn handle", "tensor
 * descriptor", ...), so that resetting the context reports what is still
 * alive. */
void vgsi_track(const void *obj, const char *kind);
void vgsi_untrack(const void *obj);

/* vgsi_last_error is the text of the most recent stand-in error on this
 * thread ("" when none). */
const char *vgsi_last_error(void);

/* vgsi_cc is the compute capability of the current context's device
 * (major*10 + minor, 90 for the stand-in H200), 0 without a context. */
int vgsi_cc(void);

#ifdef __cplusplus
}
#endif

#endif
