// The Winograd F(4x4,3x3) transforms of winograd.c, called from
// winograd_cgo.go.
#ifndef VGGO_WINOGRAD_H
#define VGGO_WINOGRAD_H

void vggo_wino_in(const float *restrict x, float *restrict v, int C, int H, int W, int tH, int tW,
                  int r0, int r1, float *restrict tmp, int avx);
void vggo_wino_out(const float *restrict m, float *restrict y, const float *bias, int K, int P, int Q,
                   int tH, int tW, int r0, int r1, int relu, float *restrict tmp, int avx);
void vggo_wino_dy(const float *restrict dy, float *restrict z, int K, int P, int Q, int tH, int tW,
                  int r0, int r1, float *restrict tmp, int avx);
void vggo_wino_filter(const float *w, float *u, int K, int C, int flip);
void vggo_wino_filter_grad(const float *s, float *dw, int K, int C);

#endif
