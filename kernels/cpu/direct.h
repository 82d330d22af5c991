// The direct convolution of a single-channel image (the first layer of a
// grey-scale VGG), called from direct_cgo.go: the portable loops of direct.c
// for any filter size, and the AVX-512 versions for 3x3 filters of
// direct_amd64.c (elsewhere direct_other.c, which runs the portable loops).
#ifndef VGGO_DIRECT_H
#define VGGO_DIRECT_H

void vggo_conv1_fwd(const float *restrict xp, int wp, const float *restrict w, const float *restrict b,
                    float *restrict y, int K, int R, int S, int P, int Q, int relu);
void vggo_conv1_bwd_filter(const float *restrict xp, int wp, const float *restrict dy, double *restrict acc,
                           int K, int R, int S, int P, int Q);

void vggo_conv1_fwd3x3_512(const float *restrict xp, int wp, const float *restrict w, const float *restrict b,
                           float *restrict y, int K, int P, int Q, int relu);
void vggo_conv1_bwd_filter3x3_512(const float *restrict xp, int wp, const float *restrict dy,
                                  double *restrict acc, int K, int P, int Q);

#endif
