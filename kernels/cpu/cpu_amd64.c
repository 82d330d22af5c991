#include "cpu.h"

// vggo_avx512 reports whether the CPU has AVX-512F.
int vggo_avx512(void) { return __builtin_cpu_supports("avx512f"); }
