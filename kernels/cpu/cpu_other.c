//go:build !amd64

#include "cpu.h"

// vggo_avx512 reports 0: off amd64 there is no AVX-512 code, and the
// transforms and the direct 3x3 first layer take their portable loops.
int vggo_avx512(void) { return 0; }
