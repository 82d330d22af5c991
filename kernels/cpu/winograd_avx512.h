// The AVX-512 passes along a tile row of the Winograd transforms, for
// winograd.c, which includes this on x86-64 only. They are static functions
// of winograd.c's translation unit, as the drivers that call them are.
#ifndef VGGO_WINOGRAD_AVX512_H
#define VGGO_WINOGRAD_AVX512_H

#include <immintrin.h>
#include <stddef.h>

#include "cpu.h"
#include "winograd_transforms.h"

// Index vectors of the AVX-512 (de)interleaves.
#define VGGO_IDX(...) _mm512_set_epi32(__VA_ARGS__)
#define IDX_EVEN VGGO_IDX(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0)
#define IDX_ODD VGGO_IDX(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1)
#define IDX_NEXT0 VGGO_IDX(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define IDX_NEXT1 VGGO_IDX(17, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define IDX_ZIPLO VGGO_IDX(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0)
#define IDX_ZIPHI VGGO_IDX(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8)

// De-interleaves 16 tiles of 4 columns from b[0..63]: e_m[l] = b[4l+m].
VGGO_AVX512 static inline void vggo_split4(const float *b, __m512 *e0, __m512 *e1, __m512 *e2, __m512 *e3) {
	__m512 z0 = _mm512_loadu_ps(b), z1 = _mm512_loadu_ps(b + 16), z2 = _mm512_loadu_ps(b + 32),
	       z3 = _mm512_loadu_ps(b + 48);
	__m512 a = _mm512_permutex2var_ps(z0, IDX_EVEN, z1), c = _mm512_permutex2var_ps(z2, IDX_EVEN, z3);
	__m512 o = _mm512_permutex2var_ps(z0, IDX_ODD, z1), d = _mm512_permutex2var_ps(z2, IDX_ODD, z3);
	*e0 = _mm512_permutex2var_ps(a, IDX_EVEN, c);
	*e2 = _mm512_permutex2var_ps(a, IDX_ODD, c);
	*e1 = _mm512_permutex2var_ps(o, IDX_EVEN, d);
	*e3 = _mm512_permutex2var_ps(o, IDX_ODD, d);
}

static __mmask16 vggo_tail(int n) { return n >= 16 ? 0xffff : (__mmask16)((1u << n) - 1); }

// Stores 16 tiles' 6 transformed values v0..v5 to o[j*xs + q] (lanes under
// k only).
VGGO_AVX512 static inline void vggo_store6(float *o, size_t xs, __mmask16 k, __m512 v0, __m512 v1, __m512 v2,
                                           __m512 v3, __m512 v4, __m512 v5) {
	_mm512_mask_storeu_ps(o, k, v0);
	_mm512_mask_storeu_ps(o + xs, k, v1);
	_mm512_mask_storeu_ps(o + 2 * xs, k, v2);
	_mm512_mask_storeu_ps(o + 3 * xs, k, v3);
	_mm512_mask_storeu_ps(o + 4 * xs, k, v4);
	_mm512_mask_storeu_ps(o + 5 * xs, k, v5);
}

// vggo_wino_in_row on AVX-512, 16 tiles at a time (winograd.c).
VGGO_AVX512 static void vggo_wino_in_row512(const float *s, float *o, size_t xs, int tW) {
	for (int q = 0; q < tW; q += 16) {
		const float *b = s + 4 * q;
		__m512 e0, e1, e2, e3, e4, e5, o0, o1, o2, o3, o4, o5;
		vggo_split4(b, &e0, &e1, &e2, &e3);
		__m512 z4 = _mm512_loadu_ps(b + 64);
		e4 = _mm512_permutex2var_ps(e0, IDX_NEXT0, z4);
		e5 = _mm512_permutex2var_ps(e1, IDX_NEXT1, z4);
		WINO_BT(e0, e1, e2, e3, e4, e5, o0, o1, o2, o3, o4, o5);
		vggo_store6(o + q, xs, vggo_tail(tW - q), o0, o1, o2, o3, o4, o5);
	}
}

// vggo_wino_out_row on AVX-512, 16 tiles at a time (winograd.c).
VGGO_AVX512 static void vggo_wino_out_row512(const float *m, float *u, size_t xs, int tW) {
	for (int q = 0; q < tW; q += 16) {
		__mmask16 k = vggo_tail(tW - q);
		const float *s = m + q;
		__m512 m0 = _mm512_maskz_loadu_ps(k, s), m1 = _mm512_maskz_loadu_ps(k, s + xs),
		       m2 = _mm512_maskz_loadu_ps(k, s + 2 * xs), m3 = _mm512_maskz_loadu_ps(k, s + 3 * xs),
		       m4 = _mm512_maskz_loadu_ps(k, s + 4 * xs), m5 = _mm512_maskz_loadu_ps(k, s + 5 * xs);
		__m512 y0, y1, y2, y3;
		WINO_AT(m0, m1, m2, m3, m4, m5, y0, y1, y2, y3);
		__m512 lo01 = _mm512_permutex2var_ps(y0, IDX_ZIPLO, y1), hi01 = _mm512_permutex2var_ps(y0, IDX_ZIPHI, y1);
		__m512 lo23 = _mm512_permutex2var_ps(y2, IDX_ZIPLO, y3), hi23 = _mm512_permutex2var_ps(y2, IDX_ZIPHI, y3);
		__m512i pl = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), ph = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
		float *d = u + 4 * q;
		_mm512_storeu_pd((double *)d, _mm512_permutex2var_pd(_mm512_castps_pd(lo01), pl, _mm512_castps_pd(lo23)));
		_mm512_storeu_pd((double *)(d + 16), _mm512_permutex2var_pd(_mm512_castps_pd(lo01), ph, _mm512_castps_pd(lo23)));
		_mm512_storeu_pd((double *)(d + 32), _mm512_permutex2var_pd(_mm512_castps_pd(hi01), pl, _mm512_castps_pd(hi23)));
		_mm512_storeu_pd((double *)(d + 48), _mm512_permutex2var_pd(_mm512_castps_pd(hi01), ph, _mm512_castps_pd(hi23)));
	}
}

// vggo_wino_dy_row on AVX-512, 16 tiles at a time (winograd.c).
VGGO_AVX512 static void vggo_wino_dy_row512(const float *s, float *o, size_t xs, int tW) {
	for (int q = 0; q < tW; q += 16) {
		__m512 e0, e1, e2, e3, z0, z1, z2, z3, z4, z5;
		vggo_split4(s + 4 * q, &e0, &e1, &e2, &e3);
		WINO_A(e0, e1, e2, e3, z0, z1, z2, z3, z4, z5);
		vggo_store6(o + q, xs, vggo_tail(tW - q), z0, z1, z2, z3, z4, z5);
	}
}

#endif
