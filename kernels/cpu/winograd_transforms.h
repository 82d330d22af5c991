// The 1-D transforms of Winograd F(4x4,3x3), shared by the plain loops of
// winograd.c and the AVX-512 passes of winograd_avx512.h.
#ifndef VGGO_WINOGRAD_TRANSFORMS_H
#define VGGO_WINOGRAD_TRANSFORMS_H

// The 1-D transforms, on floats or on vectors of them.
// Bᵀ: 6 input values -> 6.
#define WINO_BT(e0, e1, e2, e3, e4, e5, o0, o1, o2, o3, o4, o5)                                                        \
	do {                                                                                                           \
		o0 = ((e0) + (e4) - 2 * (e2)) + 1.5f * ((e3) - (e1));                                                  \
		o1 = ((e4) - (e1)) + 0.5f * (e2) + 2.5f * (e3);                                                        \
		o2 = ((e1) + (e4)) - 2.5f * (e2) + 0.5f * (e3);                                                        \
		o3 = 2 * ((e3) - (e1)) + ((e4) - (e2));                                                                \
		o4 = 0.5f * ((e1) - (e3)) + ((e4) - (e2));                                                             \
		o5 = ((e1) + (e5) - 2 * (e3)) + 1.5f * ((e4) - (e2));                                                  \
	} while (0)
// Aᵀ: 6 transformed values -> 4 outputs.
#define WINO_AT(m0, m1, m2, m3, m4, m5, y0, y1, y2, y3)                                                                \
	do {                                                                                                           \
		y0 = (m0) + ((m1) + (m2)) + ((m3) + (m4));                                                             \
		y1 = ((m1) - (m2)) + 0.5f * (m3) - 2 * (m4);                                                           \
		y2 = ((m1) + (m2)) + 0.25f * (m3) + 4 * (m4);                                                          \
		y3 = ((m1) - (m2)) + 0.125f * (m3) - 8 * (m4) + (m5);                                                  \
	} while (0)
// A: 4 output gradients -> 6.
#define WINO_A(e0, e1, e2, e3, z0, z1, z2, z3, z4, z5)                                                                 \
	do {                                                                                                           \
		z0 = (e0);                                                                                             \
		z1 = ((e0) + (e2)) + ((e1) + (e3));                                                                    \
		z2 = ((e0) + (e2)) - ((e1) + (e3));                                                                    \
		z3 = (e0) + 0.5f * (e1) + 0.25f * (e2) + 0.125f * (e3);                                                \
		z4 = ((e0) + 4 * (e2)) - 2 * ((e1) + 4 * (e3));                                                        \
		z5 = (e3);                                                                                             \
	} while (0)

#endif
