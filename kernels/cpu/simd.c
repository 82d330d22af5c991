// The memory-bound loops of the backend in C, so the compiler vectorizes
// them (on amd64, target_clones in cpu.h picks AVX-512, AVX2 or SSE when
// the library loads). Each has a Go twin in simd_go.go, used by builds
// without cgo.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "simd.h"

VGGO_SIMD void vggo_relu(const float *restrict x, float *y, size_t n) {
#pragma omp simd
	for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

VGGO_SIMD void vggo_relu_bwd(const float *restrict y, const float *dy, float *dx, size_t n) {
#pragma omp simd
	for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

VGGO_SIMD void vggo_bias_relu(float *restrict y, const float *restrict b, int k, size_t n, int relu) {
	for (int c = 0; c < k; c++) {
		float *r = y + (size_t)c * n;
		float bias = b[c];
		if (relu) {
#pragma omp simd
			for (size_t i = 0; i < n; i++) { float v = r[i] + bias; r[i] = v < 0 ? 0 : v; }
		} else {
#pragma omp simd
			for (size_t i = 0; i < n; i++) r[i] += bias;
		}
	}
}

// 2x2 stride-2 max pooling over np planes (H,W) -> (P,Q).
VGGO_SIMD void vggo_pool2x2(const float *restrict x, float *restrict y, int np, int H, int W, int P, int Q) {
	for (int i = 0; i < np; i++) {
		const float *xp = x + (size_t)i * H * W;
		float *yp = y + (size_t)i * P * Q;
		for (int oh = 0; oh < P; oh++) {
			const float *r0 = xp + (size_t)2 * oh * W, *r1 = r0 + W;
			float *o = yp + (size_t)oh * Q;
#pragma omp simd
			for (int ow = 0; ow < Q; ow++) {
				float m = r0[2 * ow], v = r0[2 * ow + 1];
				m = v > m ? v : m;
				v = r1[2 * ow];
				m = v > m ? v : m;
				v = r1[2 * ow + 1];
				o[ow] = v > m ? v : m;
			}
		}
	}
}

// Its gradient: each dx element stored once (dy at the first maximum of its
// window, else 0; 0 outside every window).
VGGO_SIMD void vggo_unpool2x2(const float *restrict x, const float *restrict dy, float *restrict dx,
                              int np, int H, int W, int P, int Q) {
	for (int i = 0; i < np; i++) {
		const float *xp = x + (size_t)i * H * W;
		const float *gp = dy + (size_t)i * P * Q;
		float *dp = dx + (size_t)i * H * W;
		for (int oh = 0; oh < P; oh++) {
			const float *r0 = xp + (size_t)2 * oh * W, *r1 = r0 + W;
			float *d0 = dp + (size_t)2 * oh * W, *d1 = d0 + W;
			const float *g = gp + (size_t)oh * Q;
			for (int o0 = 0; o0 < Q; o0 += 256) {
				int n = Q - o0 < 256 ? Q - o0 : 256;
				// Pass 1: the winning tap (0..3) of each window, and its
				// gradient; pass 2: the stores, two contiguous rows.
				uint32_t sel[4][256];
				const uint32_t *gi = (const uint32_t *)g;
#pragma omp simd
				for (int j = 0; j < n; j++) {
					int ow = o0 + j;
					float a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], e = r1[2 * ow + 1];
					uint32_t t1 = -(uint32_t)(b > a);
					float m = b > a ? b : a;
					uint32_t t2 = -(uint32_t)(c > m);
					m = c > m ? c : m;
					uint32_t t3 = -(uint32_t)(e > m);
					uint32_t v = gi[ow], n23 = ~t3 & ~t2;
					sel[0][j] = v & n23 & ~t1;
					sel[1][j] = v & n23 & t1;
					sel[2][j] = v & ~t3 & t2;
					sel[3][j] = v & t3;
				}
				uint32_t *e0 = (uint32_t *)d0 + 2 * o0, *e1 = (uint32_t *)d1 + 2 * o0;
#pragma omp simd
				for (int j = 0; j < n; j++) {
					e0[2 * j] = sel[0][j];
					e0[2 * j + 1] = sel[1][j];
					e1[2 * j] = sel[2][j];
					e1[2 * j + 1] = sel[3][j];
				}
			}
			if (W > 2 * Q) {
				memset(d0 + 2 * Q, 0, sizeof(float) * (W - 2 * Q));
				memset(d1 + 2 * Q, 0, sizeof(float) * (W - 2 * Q));
			}
		}
		if (H > 2 * P) memset(dp + (size_t)2 * P * W, 0, sizeof(float) * (size_t)(H - 2 * P) * W);
	}
}

// The range [lo, hi) of output columns whose input column q*stride-pad+s is
// inside [0, w).
static void vggo_valid(int q, int stride, int pad, int s, int w, int *lo, int *hi) {
	int l = 0, h = 0;
	if (pad - s > 0) l = (pad - s + stride - 1) / stride;
	if (w - 1 + pad - s >= 0) h = (w - 1 + pad - s) / stride + 1;
	if (h > q) h = q;
	if (l > h) l = h;
	*lo = l;
	*hi = h;
}

// im2col of one image (C,H,W) into col (C*R*S, P*Q), rows ld apart.
VGGO_SIMD void vggo_im2col(const float *restrict x, float *restrict col, size_t ld, int C, int H, int W, int R,
                           int S, int P, int Q, int sh, int sw, int ph, int pw) {
	for (int c = 0; c < C; c++) {
		const float *xc = x + (size_t)c * H * W;
		for (int r = 0; r < R; r++) {
			for (int s = 0; s < S; s++) {
				float *row = col + ((size_t)(c * R + r) * S + s) * ld;
				int lo, hi;
				vggo_valid(Q, sw, pw, s, W, &lo, &hi);
				for (int oh = 0; oh < P; oh++) {
					float *dst = row + (size_t)oh * Q;
					int ih = oh * sh - ph + r;
					if (ih < 0 || ih >= H) {
						memset(dst, 0, sizeof(float) * Q);
						continue;
					}
					const float *src = xc + (size_t)ih * W - pw + s;
					for (int ow = 0; ow < lo; ow++) dst[ow] = 0;
					for (int ow = hi; ow < Q; ow++) dst[ow] = 0;
					if (sw == 1) {
						memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
					} else {
						for (int ow = lo; ow < hi; ow++) dst[ow] = src[ow * sw];
					}
				}
			}
		}
	}
}

// col2im: dx (C,H,W) = the adjoint of im2col applied to dcol (rows ld
// apart). For a stride-1 "same" convolution the centre tap is copied (no
// zero-fill).
VGGO_SIMD void vggo_col2im(const float *restrict dcol, float *restrict dx, size_t ld, int C, int H, int W, int R,
                           int S, int P, int Q, int sh, int sw, int ph, int pw) {
	size_t pq = (size_t)P * Q, hw = (size_t)H * W;
	int centre = sh == 1 && sw == 1 && P == H && Q == W && ph < R && pw < S;
	for (int c = 0; c < C; c++) {
		float *dxc = dx + (size_t)c * hw;
		if (centre)
			memcpy(dxc, dcol + ((size_t)(c * R + ph) * S + pw) * ld, sizeof(float) * pq);
		else
			memset(dxc, 0, sizeof(float) * hw);
		for (int r = 0; r < R; r++) {
			for (int s = 0; s < S; s++) {
				if (centre && r == ph && s == pw) continue;
				const float *row = dcol + ((size_t)(c * R + r) * S + s) * ld;
				int lo, hi;
				vggo_valid(Q, sw, pw, s, W, &lo, &hi);
				for (int oh = 0; oh < P; oh++) {
					int ih = oh * sh - ph + r;
					if (ih < 0 || ih >= H) continue;
					float *dst = dxc + (size_t)ih * W - pw + s;
					const float *src = row + (size_t)oh * Q;
					if (sw == 1) {
#pragma omp simd
						for (int ow = lo; ow < hi; ow++) dst[ow] += src[ow];
					} else {
						for (int ow = lo; ow < hi; ow++) dst[ow * sw] += src[ow];
					}
				}
			}
		}
	}
}

// The offset table of vggo_im2col_small and vggo_col2im_small (output pixel
// j reads padded pixel off[j] of a tap's window) and a cleared pad; returns
// the padded plane's size.
static size_t vggo_small_setup(int C, int H, int P, int Q, int ph, int Wp, int *off, float *pad) {
	size_t plane = (size_t)(H + 2 * ph) * Wp;
	for (int oh = 0; oh < P; oh++)
		for (int ow = 0; ow < Q; ow++) off[oh * Q + ow] = oh * Wp + ow;
	memset(pad, 0, sizeof(float) * C * plane);
	return plane;
}

// im2col of one small image (P*Q <= 64) with stride 1: x is copied into
// pad (C, H+2ph, W+2pw) with zero borders, and each row of col is then one
// gather through a table of offsets, instead of P short copies.
VGGO_SIMD void vggo_im2col_small(const float *restrict x, float *restrict col, size_t ld, int C, int H, int W,
                                 int R, int S, int P, int Q, int ph, int pw, float *restrict pad) {
	int Wp = W + 2 * pw, pq = P * Q, off[64];
	size_t plane = vggo_small_setup(C, H, P, Q, ph, Wp, off, pad);
	for (int c = 0; c < C; c++)
		for (int h = 0; h < H; h++)
			memcpy(pad + c * plane + (size_t)(h + ph) * Wp + pw, x + ((size_t)c * H + h) * W, sizeof(float) * W);
	for (int c = 0; c < C; c++) {
		for (int r = 0; r < R; r++) {
			for (int s = 0; s < S; s++) {
				const float *src = pad + c * plane + (size_t)r * Wp + s;
				float *dst = col + ((size_t)(c * R + r) * S + s) * ld;
#pragma omp simd
				for (int j = 0; j < pq; j++) dst[j] = src[off[j]];
			}
		}
	}
}

// The adjoint of vggo_im2col_small: the rows of dcol are added into pad
// through the same offsets (distinct within a row), and pad's interior is
// copied to dx.
VGGO_SIMD void vggo_col2im_small(const float *restrict dcol, float *restrict dx, size_t ld, int C, int H, int W,
                                 int R, int S, int P, int Q, int ph, int pw, float *restrict pad) {
	int Wp = W + 2 * pw, pq = P * Q, off[64];
	size_t plane = vggo_small_setup(C, H, P, Q, ph, Wp, off, pad);
	for (int c = 0; c < C; c++) {
		for (int r = 0; r < R; r++) {
			for (int s = 0; s < S; s++) {
				float *dst = pad + c * plane + (size_t)r * Wp + s;
				const float *src = dcol + ((size_t)(c * R + r) * S + s) * ld;
#pragma omp simd
				for (int j = 0; j < pq; j++) dst[off[j]] += src[j];
			}
		}
	}
	for (int c = 0; c < C; c++)
		for (int h = 0; h < H; h++)
			memcpy(dx + ((size_t)c * H + h) * W, pad + c * plane + (size_t)(h + ph) * Wp + pw, sizeof(float) * W);
}
