/*
 * fake_vgsi.h: test hooks of fake_vgsi.cc, the test-only libcuda.so.1 that
 * implements standin.h for one context, synchronously (or, on request,
 * deferring queued work until a stream synchronisation).
 */
#ifndef VGGO_STANDIN_FAKE_VGSI_H
#define VGGO_STANDIN_FAKE_VGSI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Device memory: 256-byte aligned, filled with 0x7FC00001 NaN words. */
void *fake_alloc(size_t bytes);
void fake_free(void *p);
/* A stream the fake accepts (besides NULL). */
void *fake_stream_create(void);
/* Whether the calling thread (and every other) has the context current. */
void fake_set_current(int current);
/* Compute capability reported by vgsi_cc (default 90). */
void fake_set_cc(int cc);
/* Deferred mode: queued work runs at vgsi_stream_sync (or fake_drain). */
void fake_set_deferred(int deferred);
int fake_drain(void);
/* Fail the nth (1 = next) fallible call of lib ("cublas"/"cudnn"); 0 = never. */
void fake_fail_call(const char *lib, int nth);
/* Objects tracked with vgsi_track and not untracked. */
int fake_live_objects(void);
/* Number of jobs run so far; number of stream syncs so far. */
int fake_jobs_run(void);
int fake_syncs(void);
/* The context's sticky error (0 none); clear it. */
int fake_sticky(void);
void fake_clear_sticky(void);

#ifdef __cplusplus
}
#endif

#endif
