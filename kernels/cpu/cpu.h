// What the C files of the backend share: the attributes that pick a
// vectorized clone of a loop for the CPU it runs on, and the AVX-512 check.
//
// The portable loops (simd.c, direct.c, winograd.c) build on every
// architecture. The AVX-512 intrinsics build only on x86-64: in the
// *_amd64.c files, which Go compiles only for GOARCH=amd64, and in
// winograd_avx512.h, which winograd.c includes only there. The *_other.c
// files stand in for the *_amd64.c ones elsewhere.
#ifndef VGGO_CPU_H
#define VGGO_CPU_H

#if defined(__x86_64__)
// VGGO_SIMD: target_clones picks AVX-512, AVX2 or SSE when the library loads.
#define VGGO_SIMD __attribute__((target_clones("avx512f", "avx2,fma", "default")))
// VGGO_AVX512 marks a function of AVX-512 intrinsics.
#define VGGO_AVX512 __attribute__((target("avx512f")))
#else
// Elsewhere the loops are compiled once, for the target's baseline.
#define VGGO_SIMD
#endif

// vggo_avx512 reports whether the CPU has AVX-512F (always 0 off amd64).
int vggo_avx512(void);

#endif
