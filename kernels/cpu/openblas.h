// Calls into an OpenBLAS that openblas_cgo.go loaded at run time with
// internal/dl: each trampoline takes the address dlsym gave for a symbol and
// calls it with that symbol's prototype.
#ifndef VGGO_OPENBLAS_H
#define VGGO_OPENBLAS_H

typedef void (*vggo_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                              float *, int);
typedef void (*vggo_threads_fn)(int);
typedef char *(*vggo_config_fn)(void);

// Row-major cblas_sgemm with alpha = 1 (CblasRowMajor = 101, CblasNoTrans =
// 111, CblasTrans = 112).
static inline void vggo_blas_sgemm(void *sgemm, int ta, int tb, int m, int n, int k, const float *a, int lda,
                                   const float *bm, int ldb, float beta, float *c, int ldc) {
	((vggo_sgemm_fn)sgemm)(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0f, a, lda, bm, ldb, beta, c, ldc);
}

// openblas_set_num_threads(n).
static inline void vggo_blas_threads(void *set_threads, int n) { ((vggo_threads_fn)set_threads)(n); }

// openblas_get_config(): the library's build and CPU target.
static inline const char *vggo_blas_config(void *config) { return ((vggo_config_fn)config)(); }

#endif
