// The memory-bound loops of simd.c, called from simd_cgo.go: ReLU, the bias
// and ReLU after an sgemm, 2x2 max pooling and its gradient, im2col and
// col2im.
#ifndef VGGO_SIMD_H
#define VGGO_SIMD_H

#include <stddef.h>

void vggo_relu(const float *restrict x, float *y, size_t n);
void vggo_relu_bwd(const float *restrict y, const float *dy, float *dx, size_t n);
void vggo_bias_relu(float *restrict y, const float *restrict b, int k, size_t n, int relu);
void vggo_pool2x2(const float *restrict x, float *restrict y, int np, int H, int W, int P, int Q);
void vggo_unpool2x2(const float *restrict x, const float *restrict dy, float *restrict dx,
                    int np, int H, int W, int P, int Q);
void vggo_im2col(const float *restrict x, float *restrict col, size_t ld, int C, int H, int W, int R,
                 int S, int P, int Q, int sh, int sw, int ph, int pw);
void vggo_col2im(const float *restrict dcol, float *restrict dx, size_t ld, int C, int H, int W, int R,
                 int S, int P, int Q, int sh, int sw, int ph, int pw);
void vggo_im2col_small(const float *restrict x, float *restrict col, size_t ld, int C, int H, int W,
                       int R, int S, int P, int Q, int ph, int pw, float *restrict pad);
void vggo_col2im_small(const float *restrict dcol, float *restrict dx, size_t ld, int C, int H, int W,
                       int R, int S, int P, int Q, int ph, int pw, float *restrict pad);

#endif
