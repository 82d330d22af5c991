//go:build cgo

package cpu

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

typedef void (*vggo_sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                              const float *, int, float, float *, int);
typedef void (*vggo_threads_fn)(int);
typedef char *(*vggo_config_fn)(void);

// vggo_blas is one dlopen'ed OpenBLAS: its handle and the symbols we call.
typedef struct {
	void *handle;
	vggo_sgemm_fn sgemm;
	vggo_threads_fn set_threads;
	vggo_config_fn config;
} vggo_blas;

// vggo_blas_open loads path and resolves cblas_sgemm (required) and
// openblas_set_num_threads / openblas_get_config (optional). It returns NULL
// on success, else dlerror's message.
static const char *vggo_blas_open(const char *path, vggo_blas *b) {
	dlerror();
	b->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!b->handle) {
		const char *e = dlerror();
		return e ? e : "dlopen failed";
	}
	b->sgemm = (vggo_sgemm_fn)dlsym(b->handle, "cblas_sgemm");
	if (!b->sgemm) {
		const char *e = dlerror();
		dlclose(b->handle);
		b->handle = NULL;
		return e ? e : "cblas_sgemm not found";
	}
	b->set_threads = (vggo_threads_fn)dlsym(b->handle, "openblas_set_num_threads");
	b->config = (vggo_config_fn)dlsym(b->handle, "openblas_get_config");
	return NULL;
}

static void vggo_blas_threads(vggo_blas *b, int n) {
	if (b->set_threads) b->set_threads(n);
}

static const char *vggo_blas_config(vggo_blas *b) {
	return b->config ? b->config() : "";
}

static void vggo_blas_close(vggo_blas *b) {
	if (b->handle) dlclose(b->handle);
	b->handle = NULL;
}

// Row-major cblas_sgemm with alpha = 1 (CblasRowMajor = 101, CblasNoTrans =
// 111, CblasTrans = 112).
static void vggo_blas_sgemm(vggo_blas *b, int ta, int tb, int m, int n, int k,
                            const float *a, int lda, const float *bm, int ldb,
                            float beta, float *c, int ldc) {
	b->sgemm(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0f, a, lda, bm, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// openBLAS is an OpenBLAS loaded with dlopen. Its own threads are set to 1:
// the backend runs one sgemm per worker goroutine instead, so the cores are
// never oversubscribed.
type openBLAS struct {
	lib    *C.vggo_blas
	path   string
	config string
}

// loadOpenBLAS dlopens the first of paths that loads and has cblas_sgemm.
func loadOpenBLAS(paths []string) (gemm, error) {
	var tried []string
	for _, p := range paths {
		lib := (*C.vggo_blas)(C.calloc(1, C.size_t(unsafe.Sizeof(C.vggo_blas{}))))
		cp := C.CString(p)
		msg := C.vggo_blas_open(cp, lib)
		C.free(unsafe.Pointer(cp))
		if msg != nil {
			tried = append(tried, C.GoString(msg))
			C.free(unsafe.Pointer(lib))
			continue
		}
		C.vggo_blas_threads(lib, 1)
		return &openBLAS{lib: lib, path: p, config: strings.TrimSpace(C.GoString(C.vggo_blas_config(lib)))}, nil
	}
	return nil, &BLASError{Tried: paths, Reasons: tried}
}

func (o *openBLAS) sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	C.vggo_blas_sgemm(o.lib, cbool(transA), cbool(transB), C.int(m), C.int(n), C.int(k),
		(*C.float)(unsafe.Pointer(&a[0])), C.int(lda), (*C.float)(unsafe.Pointer(&b[0])), C.int(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.int(ldc))
}

func (o *openBLAS) name() string {
	if o.config == "" {
		return fmt.Sprintf("OpenBLAS (%s)", o.path)
	}
	return fmt.Sprintf("%s (%s, 1 thread per worker)", o.config, o.path)
}

func (o *openBLAS) close() {
	if o.lib != nil {
		C.vggo_blas_close(o.lib)
		C.free(unsafe.Pointer(o.lib))
		o.lib = nil
	}
}
