// dnn_compute_internal.h: the arithmetic of the stand-in cuDNN, included by
// cudnn.cc only. Plain nested loops over float NCHW tensors; no project code.
//
// Accumulation (all deterministic, independent of the number of threads):
//   * forward: each y element is one fp32 sum over (c, r, s) in that order;
//   * backward data: each dx element is one fp32 sum over (k, r, s, p) in that
//     order (the q of a given (k, r, s, p) is fixed by the element);
//   * backward filter: for each dw element, fp32 partial sums per output
//     column q over (n, p) in order, then those Q partials added in double in
//     order of q;
//   * bias: double sums (activations, in cudnn.cc, are elementwise in fp32).
// The final result is alpha*sum + beta*old, and beta == 0 never reads old
// (cudnn_cnn.h:567, "output = alpha * Op(inputs) + beta * output").
//
// Threads: the independent outputs (one (n, k) plane of y, one (n, c) plane of
// dx, one (k, c) filter of dw) are split over up to min(hardware threads, 8)
// std::threads (VGGO_STANDIN_MATH_THREADS overrides) when the work is large.

#ifndef VGGO_STANDIN_DNN_COMPUTE_INTERNAL_H
#define VGGO_STANDIN_DNN_COMPUTE_INTERNAL_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

// The build uses -O2, where GCC 12 vectorizes only loops whose trip count is
// a known multiple of the vector width; the loops below have run-time
// bounds, so this header asks for GCC's dynamic cost model (vectorizing a
// loop over independent elements does not change any element's sum order).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=dynamic")
#endif

// Under the same options as the loops that call its roundings.
#include "numeric.h"

namespace dnn {

using vgsi_numeric::fp16;
using vgsi_numeric::parallelFor;
using vgsi_numeric::tf32;
using vgsi_numeric::threadCount;

enum Rounding { RoundNone = 0, RoundTF32 = 1, RoundFP16 = 2 };

inline void roundInPlace(Rounding r, float *v, size_t n) {
	if (r == RoundTF32) {
		for (size_t i = 0; i < n; i++) {
			v[i] = tf32(v[i]);
		}
	} else if (r == RoundFP16) {
		for (size_t i = 0; i < n; i++) {
			v[i] = fp16(v[i]);
		}
	}
}

// ---- convolution ----

// Geom is one 2-D convolution: x (N,C,H,W), w (K,C,R,S), y (N,K,P,Q).
struct Geom {
	int64_t N, C, H, W, K, R, S, P, Q;
	int64_t ph, pw, u, v, dh, dw;
	bool flip;  // CUDNN_CONVOLUTION: the filter is used rotated by 180 degrees
};

// qRange gives the output columns q in [0, Q) whose input column
// q*v + off lies in [0, W): [*lo, *hi), empty when *lo >= *hi.
inline void qRange(int64_t Q, int64_t W, int64_t v, int64_t off, int64_t *lo, int64_t *hi) {
	int64_t a = off >= 0 ? 0 : (-off + v - 1) / v;     // smallest q with q*v + off >= 0
	int64_t b = W - 1 - off < 0 ? -1 : (W - 1 - off) / v;  // largest q with q*v + off <= W-1
	*lo = std::max<int64_t>(a, 0);
	*hi = std::min<int64_t>(b + 1, Q);
}

// store writes out[i] = alpha*acc[i] + beta*out[i]; beta == 0 never reads out.
inline void store(float *out, const float *acc, int64_t n, float alpha, float beta) {
	if (beta == 0.0f) {
		for (int64_t i = 0; i < n; i++) {
			out[i] = alpha * acc[i];
		}
	} else {
		for (int64_t i = 0; i < n; i++) {
			out[i] = alpha * acc[i] + beta * out[i];
		}
	}
}

// filterFor returns w as the cross-correlation uses it: rotated for
// CUDNN_CONVOLUTION, rounded as the math type says.
inline std::vector<float> filterFor(const Geom &g, const float *w, Rounding rnd) {
	const int64_t n = g.K * g.C * g.R * g.S;
	std::vector<float> out(static_cast<size_t>(n));
	if (!g.flip) {
		std::memcpy(out.data(), w, static_cast<size_t>(n) * 4);
	} else {
		for (int64_t kc = 0; kc < g.K * g.C; kc++) {
			for (int64_t r = 0; r < g.R; r++) {
				for (int64_t s = 0; s < g.S; s++) {
					out[(kc * g.R + r) * g.S + s] = w[(kc * g.R + (g.R - 1 - r)) * g.S + (g.S - 1 - s)];
				}
			}
		}
	}
	roundInPlace(rnd, out.data(), out.size());
	return out;
}

// rounded returns the n floats at p rounded, or p itself when nothing is to
// be rounded (buf keeps the copy alive).
inline const float *rounded(const float *p, int64_t n, Rounding rnd, std::vector<float> *buf) {
	if (rnd == RoundNone) {
		return p;
	}
	buf->assign(p, p + n);
	roundInPlace(rnd, buf->data(), buf->size());
	return buf->data();
}

// y = alpha * conv(x, w) + beta * y.
inline void convForward(const Geom &g, Rounding rnd, float alpha, const float *x0, const float *w0, float beta,
                        float *y) {
	std::vector<float> xb;
	const float *x = rounded(x0, g.N * g.C * g.H * g.W, rnd, &xb);
	const std::vector<float> wf = filterFor(g, w0, rnd);
	const float *w = wf.data();
	const double cost = static_cast<double>(g.C * g.R * g.S * g.P * g.Q);
	parallelFor(g.N * g.K, cost, [&](int64_t lo, int64_t hi) {
		std::vector<float> acc(static_cast<size_t>(g.P * g.Q));
		for (int64_t nk = lo; nk < hi; nk++) {
			const int64_t n = nk / g.K, k = nk % g.K;
			std::fill(acc.begin(), acc.end(), 0.0f);
			for (int64_t c = 0; c < g.C; c++) {
				const float *xc = x + (n * g.C + c) * g.H * g.W;
				const float *wc = w + (k * g.C + c) * g.R * g.S;
				for (int64_t r = 0; r < g.R; r++) {
					for (int64_t s = 0; s < g.S; s++) {
						const float wv = wc[r * g.S + s];
						const int64_t off = s * g.dw - g.pw;
						int64_t q0, q1;
						qRange(g.Q, g.W, g.v, off, &q0, &q1);
						for (int64_t p = 0; p < g.P; p++) {
							const int64_t ih = p * g.u - g.ph + r * g.dh;
							if (ih < 0 || ih >= g.H) {
								continue;
							}
							const float *xr = xc + ih * g.W;
							float *ar = acc.data() + p * g.Q;
							if (g.v == 1) {
								for (int64_t q = q0; q < q1; q++) {
									ar[q] += wv * xr[q + off];
								}
							} else {
								for (int64_t q = q0; q < q1; q++) {
									ar[q] += wv * xr[q * g.v + off];
								}
							}
						}
					}
				}
			}
			store(y + nk * g.P * g.Q, acc.data(), g.P * g.Q, alpha, beta);
		}
	});
}

// dx = alpha * (the adjoint of conv(., w) applied to dy) + beta * dx.
inline void convBackwardData(const Geom &g, Rounding rnd, float alpha, const float *w0, const float *dy0, float beta,
                             float *dx) {
	std::vector<float> db;
	const float *dy = rounded(dy0, g.N * g.K * g.P * g.Q, rnd, &db);
	const std::vector<float> wf = filterFor(g, w0, rnd);
	const float *w = wf.data();
	const double cost = static_cast<double>(g.K * g.R * g.S * g.P * g.Q);
	parallelFor(g.N * g.C, cost, [&](int64_t lo, int64_t hi) {
		std::vector<float> acc(static_cast<size_t>(g.H * g.W));
		for (int64_t nc = lo; nc < hi; nc++) {
			const int64_t n = nc / g.C, c = nc % g.C;
			std::fill(acc.begin(), acc.end(), 0.0f);
			for (int64_t k = 0; k < g.K; k++) {
				const float *dyk = dy + (n * g.K + k) * g.P * g.Q;
				const float *wc = w + (k * g.C + c) * g.R * g.S;
				for (int64_t r = 0; r < g.R; r++) {
					for (int64_t s = 0; s < g.S; s++) {
						const float wv = wc[r * g.S + s];
						const int64_t off = s * g.dw - g.pw;
						int64_t q0, q1;
						qRange(g.Q, g.W, g.v, off, &q0, &q1);
						for (int64_t p = 0; p < g.P; p++) {
							const int64_t ih = p * g.u - g.ph + r * g.dh;
							if (ih < 0 || ih >= g.H) {
								continue;
							}
							const float *dr = dyk + p * g.Q;
							float *ar = acc.data() + ih * g.W;
							if (g.v == 1) {
								for (int64_t q = q0; q < q1; q++) {
									ar[q + off] += wv * dr[q];
								}
							} else {
								for (int64_t q = q0; q < q1; q++) {
									ar[q * g.v + off] += wv * dr[q];
								}
							}
						}
					}
				}
			}
			store(dx + nc * g.H * g.W, acc.data(), g.H * g.W, alpha, beta);
		}
	});
}

// dw = alpha * (d/dw of <dy, conv(x, w)>) + beta * dw.
inline void convBackwardFilter(const Geom &g, Rounding rnd, float alpha, const float *x0, const float *dy0, float beta,
                               float *dw) {
	std::vector<float> xb, db;
	const float *x = rounded(x0, g.N * g.C * g.H * g.W, rnd, &xb);
	const float *dy = rounded(dy0, g.N * g.K * g.P * g.Q, rnd, &db);
	const double cost = static_cast<double>(g.N * g.R * g.S * g.P * g.Q);
	parallelFor(g.K * g.C, cost, [&](int64_t lo, int64_t hi) {
		std::vector<float> lane(static_cast<size_t>(g.Q));
		std::vector<float> res(static_cast<size_t>(g.R * g.S));
		for (int64_t kc = lo; kc < hi; kc++) {
			const int64_t k = kc / g.C, c = kc % g.C;
			for (int64_t r = 0; r < g.R; r++) {
				for (int64_t s = 0; s < g.S; s++) {
					std::fill(lane.begin(), lane.end(), 0.0f);
					const int64_t off = s * g.dw - g.pw;
					int64_t q0, q1;
					qRange(g.Q, g.W, g.v, off, &q0, &q1);
					for (int64_t n = 0; n < g.N; n++) {
						const float *xc = x + (n * g.C + c) * g.H * g.W;
						const float *dyk = dy + (n * g.K + k) * g.P * g.Q;
						for (int64_t p = 0; p < g.P; p++) {
							const int64_t ih = p * g.u - g.ph + r * g.dh;
							if (ih < 0 || ih >= g.H) {
								continue;
							}
							const float *xr = xc + ih * g.W;
							const float *dr = dyk + p * g.Q;
							if (g.v == 1) {
								for (int64_t q = q0; q < q1; q++) {
									lane[q] += xr[q + off] * dr[q];
								}
							} else {
								for (int64_t q = q0; q < q1; q++) {
									lane[q] += xr[q * g.v + off] * dr[q];
								}
							}
						}
					}
					double sum = 0;
					for (int64_t q = 0; q < g.Q; q++) {
						sum += lane[q];
					}
					// For CUDNN_CONVOLUTION the tap (r, s) of the rotated filter is
					// the element (R-1-r, S-1-s) of w.
					const int64_t rr = g.flip ? g.R - 1 - r : r, ss = g.flip ? g.S - 1 - s : s;
					res[rr * g.S + ss] = static_cast<float>(sum);
				}
			}
			store(dw + kc * g.R * g.S, res.data(), g.R * g.S, alpha, beta);
		}
	});
}

// db[k] = alpha * sum over (n, h, w) of dy[n, k, h, w] + beta * db[k].
inline void biasBackward(int64_t N, int64_t K, int64_t HW, float alpha, const float *dy, float beta, float *db) {
	for (int64_t k = 0; k < K; k++) {
		double s = 0;
		for (int64_t n = 0; n < N; n++) {
			const float *p = dy + (n * K + k) * HW;
			for (int64_t i = 0; i < HW; i++) {
				s += p[i];
			}
		}
		const float v = static_cast<float>(s);
		db[k] = beta == 0.0f ? alpha * v : alpha * v + beta * db[k];
	}
}

}  // namespace dnn

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

#endif
