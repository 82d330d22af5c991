#include <immintrin.h>
#include <stddef.h>

#include "cpu.h"
#include "direct.h"

// The same two for 3x3 filters with AVX-512, 16 output columns at a time
// in registers: the forward pass loads the 9 shifted input vectors once and
// reuses them for every output channel; the filter gradient keeps its 9
// sums (and the bias gradient's) in registers down all P rows, reducing
// them once per column block. Masked loads cover the last block.
VGGO_AVX512 void vggo_conv1_fwd3x3_512(const float *restrict xp, int wp,
                                       const float *restrict w,
                                       const float *restrict b, float *restrict y,
                                       int K, int P, int Q, int relu) {
	for (int p = 0; p < P; p++) {
		const float *x0 = xp + (size_t)p * wp, *x1 = x0 + wp, *x2 = x1 + wp;
		for (int q = 0; q < Q; q += 16) {
			__mmask16 m = Q - q >= 16 ? 0xffff : (__mmask16)((1u << (Q - q)) - 1);
			__m512 v0 = _mm512_maskz_loadu_ps(m, x0 + q), v1 = _mm512_maskz_loadu_ps(m, x0 + q + 1),
			       v2 = _mm512_maskz_loadu_ps(m, x0 + q + 2), v3 = _mm512_maskz_loadu_ps(m, x1 + q),
			       v4 = _mm512_maskz_loadu_ps(m, x1 + q + 1), v5 = _mm512_maskz_loadu_ps(m, x1 + q + 2),
			       v6 = _mm512_maskz_loadu_ps(m, x2 + q), v7 = _mm512_maskz_loadu_ps(m, x2 + q + 1),
			       v8 = _mm512_maskz_loadu_ps(m, x2 + q + 2);
			for (int k = 0; k < K; k++) {
				const float *wk = w + (size_t)k * 9;
				__m512 a = _mm512_set1_ps(b[k]);
				a = _mm512_fmadd_ps(v0, _mm512_set1_ps(wk[0]), a);
				a = _mm512_fmadd_ps(v1, _mm512_set1_ps(wk[1]), a);
				a = _mm512_fmadd_ps(v2, _mm512_set1_ps(wk[2]), a);
				a = _mm512_fmadd_ps(v3, _mm512_set1_ps(wk[3]), a);
				a = _mm512_fmadd_ps(v4, _mm512_set1_ps(wk[4]), a);
				a = _mm512_fmadd_ps(v5, _mm512_set1_ps(wk[5]), a);
				a = _mm512_fmadd_ps(v6, _mm512_set1_ps(wk[6]), a);
				a = _mm512_fmadd_ps(v7, _mm512_set1_ps(wk[7]), a);
				a = _mm512_fmadd_ps(v8, _mm512_set1_ps(wk[8]), a);
				if (relu) a = _mm512_max_ps(a, _mm512_setzero_ps());
				_mm512_mask_storeu_ps(y + ((size_t)k * P + p) * Q + q, m, a);
			}
		}
	}
}

// The sum of v's 16 lanes, in double.
VGGO_AVX512 static double vggo_sum512(__m512 v) {
	__m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
	__m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
	return _mm512_reduce_add_pd(_mm512_add_pd(lo, hi));
}

VGGO_AVX512 void vggo_conv1_bwd_filter3x3_512(const float *restrict xp, int wp,
                                              const float *restrict dy,
                                              double *restrict acc, int K, int P,
                                              int Q) {
	double *db = acc + (size_t)K * 9;
	for (int k = 0; k < K; k++) {
		const float *dk = dy + (size_t)k * P * Q;
		for (int q = 0; q < Q; q += 16) {
			__mmask16 m = Q - q >= 16 ? 0xffff : (__mmask16)((1u << (Q - q)) - 1);
			__m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
			       a8 = a0, ab = a0;
			for (int p = 0; p < P; p++) {
				__m512 g = _mm512_maskz_loadu_ps(m, dk + (size_t)p * Q + q);
				const float *x0 = xp + (size_t)p * wp + q, *x1 = x0 + wp, *x2 = x1 + wp;
				ab = _mm512_add_ps(ab, g);
				a0 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x0), a0);
				a1 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x0 + 1), a1);
				a2 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x0 + 2), a2);
				a3 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x1), a3);
				a4 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x1 + 1), a4);
				a5 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x1 + 2), a5);
				a6 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x2), a6);
				a7 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x2 + 1), a7);
				a8 = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, x2 + 2), a8);
			}
			double *ak = acc + (size_t)k * 9;
			ak[0] += vggo_sum512(a0), ak[1] += vggo_sum512(a1), ak[2] += vggo_sum512(a2);
			ak[3] += vggo_sum512(a3), ak[4] += vggo_sum512(a4), ak[5] += vggo_sum512(a5);
			ak[6] += vggo_sum512(a6), ak[7] += vggo_sum512(a7), ak[8] += vggo_sum512(a8);
			db[k] += vggo_sum512(ab);
		}
	}
}
