//go:build !amd64

#include "direct.h"

// Off amd64 there is no AVX-512 (vggo_avx512 reports 0, so the backend does
// not ask for these); the 3x3 entry points run the portable loops.

void vggo_conv1_fwd3x3_512(const float *restrict xp, int wp, const float *restrict w, const float *restrict b,
                           float *restrict y, int K, int P, int Q, int relu) {
	vggo_conv1_fwd(xp, wp, w, b, y, K, 3, 3, P, Q, relu);
}

void vggo_conv1_bwd_filter3x3_512(const float *restrict xp, int wp, const float *restrict dy,
                                  double *restrict acc, int K, int P, int Q) {
	vggo_conv1_bwd_filter(xp, wp, dy, acc, K, 3, 3, P, Q);
}
