#include <stddef.h>

#include "cpu.h"
#include "direct.h"

// Direct convolution of one single-channel image, for the first layer of a
// grey-scale VGG where im2col + sgemm has a poor shape (C·R·S = 9 rows). xp
// is the image zero-padded to (P+R-1) rows of wp >= Q+S-1 floats; w is
// (K,R,S); y is (K,P,Q). Each output row stays in L1 while the R·S taps are
// added, and the inner loops run over contiguous q, which the compiler
// vectorizes; on amd64, target_clones picks AVX-512, AVX2+FMA or SSE at load
// time.
VGGO_SIMD void vggo_conv1_fwd(const float *restrict xp, int wp, const float *restrict w,
                              const float *restrict b, float *restrict y,
                              int K, int R, int S, int P, int Q, int relu) {
	for (int p = 0; p < P; p++) {
		for (int k = 0; k < K; k++) {
			float *restrict yr = y + ((size_t)k * P + p) * Q;
			const float *wk = w + (size_t)k * R * S;
			float bias = b[k];
			for (int q = 0; q < Q; q++) yr[q] = bias;
			for (int r = 0; r < R; r++) {
				const float *xr = xp + (size_t)(p + r) * wp;
				for (int s = 0; s < S; s++) {
					float wv = wk[r * S + s];
					const float *xs = xr + s;
#pragma omp simd
					for (int q = 0; q < Q; q++) yr[q] += wv * xs[q];
				}
			}
			if (relu) {
#pragma omp simd
				for (int q = 0; q < Q; q++) yr[q] = yr[q] > 0 ? yr[q] : 0;
			}
		}
	}
}

// Filter and bias gradients of the same convolution for one image, added
// to acc (K·R·S weights, then K biases) in double: each row's dot products
// are vectorized float sums of Q terms, then widened.
VGGO_SIMD void vggo_conv1_bwd_filter(const float *restrict xp, int wp, const float *restrict dy,
                                     double *restrict acc, int K, int R, int S, int P, int Q) {
	double *db = acc + (size_t)K * R * S;
	for (int p = 0; p < P; p++) {
		for (int k = 0; k < K; k++) {
			const float *dyr = dy + ((size_t)k * P + p) * Q;
			float sb = 0;
#pragma omp simd reduction(+ : sb)
			for (int q = 0; q < Q; q++) sb += dyr[q];
			db[k] += sb;
			for (int r = 0; r < R; r++) {
				const float *xr = xp + (size_t)(p + r) * wp;
				for (int s = 0; s < S; s++) {
					const float *xs = xr + s;
					float sum = 0;
#pragma omp simd reduction(+ : sum)
					for (int q = 0; q < Q; q++) sum += dyr[q] * xs[q];
					acc[((size_t)k * R + r) * S + s] += sum;
				}
			}
		}
	}
}
