// The transforms of Winograd F(4x4,3x3) (see winograd.go for the matrices
// and layouts). Each 2-D transform is done as two 1-D passes: one down the
// columns of a tile row, which is contiguous in memory and vectorizes as it
// is, and one along the rows, tile by tile. On AVX-512 the pass along a row
// takes 16 tiles at a time, de-interleaving their columns with permutes
// (winograd_avx512.h); elsewhere it is a plain loop.

#include <stddef.h>
#include <string.h>

#include "cpu.h"
#include "winograd.h"
#include "winograd_transforms.h"

// The pitch of the transforms' row buffers for tW tiles: room for whole
// blocks of 16 tiles (64 columns) and the 16 more that the AVX-512 input
// pass loads unmasked after each block (for the 2 columns the block's last
// tile overlaps into the next).
static int vggo_wino_pitch(int tW) { return 4 * ((tW + 15) / 16 * 16) + 16; }

#if defined(__x86_64__)
#include "winograd_avx512.h"
#endif

// Stores one tile's 6 transformed values v0..v5 to o[j*xs].
static inline void vggo_put6(float *o, size_t xs, float v0, float v1, float v2, float v3, float v4, float v5) {
	o[0] = v0, o[xs] = v1, o[2 * xs] = v2, o[3 * xs] = v3, o[4 * xs] = v4, o[5 * xs] = v5;
}

// Bᵀ along one row s of a tile row: tile q's 6 values are s[4q .. 4q+5];
// o[j*xs + q] gets its transformed value j.
VGGO_SIMD static void vggo_wino_in_row(const float *s, float *o, size_t xs, int tW) {
#pragma omp simd
	for (int q = 0; q < tW; q++) {
		const float *e = s + 4 * q;
		float o0, o1, o2, o3, o4, o5;
		WINO_BT(e[0], e[1], e[2], e[3], e[4], e[5], o0, o1, o2, o3, o4, o5);
		vggo_put6(o + q, xs, o0, o1, o2, o3, o4, o5);
	}
}

// Aᵀ along the transformed values m[j*xs + q] of the tile row: u[4q .. 4q+3]
// gets tile q's 4 values.
VGGO_SIMD static void vggo_wino_out_row(const float *m, float *u, size_t xs, int tW) {
#pragma omp simd
	for (int q = 0; q < tW; q++) {
		const float *s = m + q;
		WINO_AT(s[0], s[xs], s[2 * xs], s[3 * xs], s[4 * xs], s[5 * xs], u[4 * q], u[4 * q + 1], u[4 * q + 2],
		        u[4 * q + 3]);
	}
}

// A along one row s of a tile row of output gradients: tile q's 4 values
// are s[4q .. 4q+3]; o[j*xs + q] gets its transformed value j.
VGGO_SIMD static void vggo_wino_dy_row(const float *s, float *o, size_t xs, int tW) {
#pragma omp simd
	for (int q = 0; q < tW; q++) {
		const float *e = s + 4 * q;
		float z0, z1, z2, z3, z4, z5;
		WINO_A(e[0], e[1], e[2], e[3], z0, z1, z2, z3, z4, z5);
		vggo_put6(o + q, xs, z0, z1, z2, z3, z4, z5);
	}
}

// The transformed tiles of the input rows [r0, r1) of tiles (row r is tile
// row r%tH of image r/tH) of x (N,C,H,W), padded by 1:
// v[(xi*C + c)*T + t] = (Bᵀ d B)[xi] for the 6x6 input tile d of tile t,
// T = (r1-r0)*tW. tmp holds 12*vggo_wino_pitch(tW) floats. avx: use the
// AVX-512 row pass (only where vggo_avx512 says so; off x86-64 there is
// none and avx is ignored); likewise below.
VGGO_SIMD void vggo_wino_in(const float *restrict x, float *restrict v, int C, int H, int W, int tH, int tW,
                            int r0, int r1, float *restrict tmp, int avx) {
	int wp = 4 * tW + 2, pitch = vggo_wino_pitch(tW);
	size_t T = (size_t)(r1 - r0) * tW, xs = (size_t)C * T;
	float *row = tmp, *bt = tmp + 6 * pitch;
	for (int c = 0; c < C; c++) {
		for (int r = r0; r < r1; r++) {
			int n = r / tH, th = r % tH;
			size_t t0 = (size_t)(r - r0) * tW;
			const float *xc = x + ((size_t)n * C + c) * H * W;
			for (int i = 0; i < 6; i++) {
				float *dst = row + i * pitch;
				int h = 4 * th - 1 + i;
				if (h < 0 || h >= H) {
					memset(dst, 0, sizeof(float) * wp);
					continue;
				}
				dst[0] = 0;
				memcpy(dst + 1, xc + (size_t)h * W, sizeof(float) * W);
				for (int j = W + 1; j < wp; j++) dst[j] = 0;
			}
			const float *a0 = row, *a1 = row + pitch, *a2 = row + 2 * pitch, *a3 = row + 3 * pitch,
			            *a4 = row + 4 * pitch, *a5 = row + 5 * pitch;
			float *b0 = bt, *b1 = bt + pitch, *b2 = bt + 2 * pitch, *b3 = bt + 3 * pitch, *b4 = bt + 4 * pitch,
			      *b5 = bt + 5 * pitch;
#pragma omp simd
			for (int j = 0; j < wp; j++) WINO_BT(a0[j], a1[j], a2[j], a3[j], a4[j], a5[j], b0[j], b1[j], b2[j], b3[j], b4[j], b5[j]);
			for (int i = 0; i < 6; i++) {
				float *o = v + ((size_t)6 * i * C + c) * T + t0;
#if defined(__x86_64__)
				if (avx)
					vggo_wino_in_row512(bt + i * pitch, o, xs, tW);
				else
#endif
					vggo_wino_in_row(bt + i * pitch, o, xs, tW);
			}
		}
	}
}

// The output rows of the tile rows [r0, r1) of y (N,K,P,Q) from
// m[(xi*K + k)*T + t]: y = Aᵀ M A, plus bias[k] (when bias is not NULL),
// clamped at 0 when relu. tmp holds 6*vggo_wino_pitch(tW) floats.
VGGO_SIMD void vggo_wino_out(const float *restrict m, float *restrict y, const float *bias, int K, int P, int Q,
                             int tH, int tW, int r0, int r1, int relu, float *restrict tmp, int avx) {
	int pitch = vggo_wino_pitch(tW);
	size_t T = (size_t)(r1 - r0) * tW, xs = (size_t)K * T;
	for (int k = 0; k < K; k++) {
		for (int r = r0; r < r1; r++) {
			int n = r / tH, th = r % tH;
			size_t t0 = (size_t)(r - r0) * tW;
			int rows = P - 4 * th < 4 ? P - 4 * th : 4;
			for (int i = 0; i < 6; i++) {
				const float *s = m + ((size_t)6 * i * K + k) * T + t0;
#if defined(__x86_64__)
				if (avx)
					vggo_wino_out_row512(s, tmp + i * pitch, xs, tW);
				else
#endif
					vggo_wino_out_row(s, tmp + i * pitch, xs, tW);
			}
			const float *u0 = tmp, *u1 = tmp + pitch, *u2 = tmp + 2 * pitch, *u3 = tmp + 3 * pitch,
			            *u4 = tmp + 4 * pitch, *u5 = tmp + 5 * pitch;
			float b = bias ? bias[k] : 0;
			float lo = relu ? 0 : -__builtin_inff();
			float *yk = y + ((size_t)n * K + k) * P * Q + (size_t)4 * th * Q;
			float *d0 = yk, *d1 = yk + Q, *d2 = yk + 2 * Q, *d3 = yk + 3 * Q;
			if (rows == 4) {
#pragma omp simd
				for (int j = 0; j < Q; j++) {
					float v0, v1, v2, v3;
					WINO_AT(u0[j], u1[j], u2[j], u3[j], u4[j], u5[j], v0, v1, v2, v3);
					v0 += b, v1 += b, v2 += b, v3 += b;
					d0[j] = v0 < lo ? lo : v0;
					d1[j] = v1 < lo ? lo : v1;
					d2[j] = v2 < lo ? lo : v2;
					d3[j] = v3 < lo ? lo : v3;
				}
				continue;
			}
			for (int j = 0; j < Q; j++) {
				float v[4];
				WINO_AT(u0[j], u1[j], u2[j], u3[j], u4[j], u5[j], v[0], v[1], v[2], v[3]);
				for (int ii = 0; ii < rows; ii++) {
					float e = v[ii] + b;
					yk[(size_t)ii * Q + j] = e < lo ? lo : e;
				}
			}
		}
	}
}

// The transformed output gradients of the tile rows [r0, r1) of dy
// (N,K,P,Q): z[(xi*K + k)*T + t] = (A e Aᵀ)[xi] for the 4x4 tile e of dy
// (zero past the edges). tmp holds 10*vggo_wino_pitch(tW) floats.
VGGO_SIMD void vggo_wino_dy(const float *restrict dy, float *restrict z, int K, int P, int Q, int tH, int tW,
                            int r0, int r1, float *restrict tmp, int avx) {
	int wq = 4 * tW, pitch = vggo_wino_pitch(tW);
	size_t T = (size_t)(r1 - r0) * tW, xs = (size_t)K * T;
	float *row = tmp, *at = tmp + 4 * pitch;
	for (int k = 0; k < K; k++) {
		for (int r = r0; r < r1; r++) {
			int n = r / tH, th = r % tH;
			size_t t0 = (size_t)(r - r0) * tW;
			const float *dk = dy + ((size_t)n * K + k) * P * Q;
			for (int i = 0; i < 4; i++) {
				float *dst = row + i * pitch;
				int h = 4 * th + i;
				if (h >= P) {
					memset(dst, 0, sizeof(float) * wq);
					continue;
				}
				memcpy(dst, dk + (size_t)h * Q, sizeof(float) * Q);
				for (int j = Q; j < wq; j++) dst[j] = 0;
			}
			const float *e0 = row, *e1 = row + pitch, *e2 = row + 2 * pitch, *e3 = row + 3 * pitch;
			float *a0 = at, *a1 = at + pitch, *a2 = at + 2 * pitch, *a3 = at + 3 * pitch, *a4 = at + 4 * pitch,
			      *a5 = at + 5 * pitch;
#pragma omp simd
			for (int j = 0; j < wq; j++) WINO_A(e0[j], e1[j], e2[j], e3[j], a0[j], a1[j], a2[j], a3[j], a4[j], a5[j]);
			for (int i = 0; i < 6; i++) {
				float *o = z + ((size_t)6 * i * K + k) * T + t0;
#if defined(__x86_64__)
				if (avx)
					vggo_wino_dy_row512(at + i * pitch, o, xs, tW);
				else
#endif
					vggo_wino_dy_row(at + i * pitch, o, xs, tW);
			}
		}
	}
}

// G (6x3) applied to the 3 values a[0], a[st], a[2*st], into o[0..5].
static void vggo_wino_g(const float *a, int st, float *o) {
	float g0 = a[0], g1 = a[st], g2 = a[2 * st];
	o[0] = g0;
	o[1] = (g0 + g1 + g2) / 3;
	o[2] = (g1 - g0 - g2) / 3;
	o[3] = -(16 * g0 + 8 * g1 + 4 * g2) / 15;
	o[4] = (g0 - 2 * g1 + 4 * g2) / 15;
	o[5] = g2;
}

// Gᵀ (3x6) applied to the 6 values a[0], a[st], ..., a[5*st], into o[0..2].
static void vggo_wino_gt(const float *a, int st, float *o) {
	float s0 = a[0], s1 = a[st], s2 = a[2 * st], s3 = a[3 * st], s4 = a[4 * st], s5 = a[5 * st];
	o[0] = s0 + (s1 - s2) / 3 + (s4 - 16 * s3) / 15;
	o[1] = (s1 + s2) / 3 - (8 * s3 + 2 * s4) / 15;
	o[2] = (s1 - s2) / 3 + 4 * (s4 - s3) / 15 + s5;
}

// The transformed filters: u[(xi*K + k)*C + c] = (G g Gᵀ)[xi] for g = w[k][c]
// (w (K,C,3,3)); with flip, the filters of the adjoint convolution instead,
// u[(xi*C + c)*K + k] for g = w[k][c] turned by 180 degrees.
void vggo_wino_filter(const float *w, float *u, int K, int C, int flip) {
	size_t kc = (size_t)K * C;
	for (int k = 0; k < K; k++) {
		for (int c = 0; c < C; c++) {
			const float *g = w + ((size_t)k * C + c) * 9;
			float gg[9], t[18], o[36];
			for (int i = 0; i < 9; i++) gg[i] = flip ? g[8 - i] : g[i];
			for (int s = 0; s < 3; s++) vggo_wino_g(gg + s, 3, t + s * 6);  // t[s][i] = (G g)[i][s]
			for (int i = 0; i < 6; i++) vggo_wino_g(t + i, 6, o + i * 6);   // o[i][j] = (G g Gᵀ)[i][j]
			size_t at = flip ? (size_t)c * K + k : (size_t)k * C + c;
			for (int xi = 0; xi < 36; xi++) u[xi * kc + at] = o[xi];
		}
	}
}

// The filter gradients from their transformed sums: dw[k][c] (3x3) =
// Gᵀ S G for S[xi] = s[(xi*K + k)*C + c].
void vggo_wino_filter_grad(const float *s, float *dw, int K, int C) {
	size_t kc = (size_t)K * C;
	for (int k = 0; k < K; k++) {
		for (int c = 0; c < C; c++) {
			float S[36], t[18];
			size_t at = (size_t)k * C + c;
			for (int xi = 0; xi < 36; xi++) S[xi] = s[xi * kc + at];
			for (int j = 0; j < 6; j++) vggo_wino_gt(S + j, 6, t + j * 3);  // t[j][r] = (Gᵀ S)[r][j]
			float *o = dw + at * 9;
			for (int r = 0; r < 3; r++) vggo_wino_gt(t + r, 3, o + r * 3);  // o[r][q] = (Gᵀ S G)[r][q]
		}
	}
}
