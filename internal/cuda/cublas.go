//go:build linux && cgo

package cuda

/*
#include "decl.h"
#include <stdint.h>

#define VG_DP(p) ((float *)(uintptr_t)(p))
static int vgc_cublasCreate_v2(void *f, vgCublasHandle *h) { return ((vg_pfn_cublasCreate_v2)f)(h); }
static int vgc_cublasDestroy_v2(void *f, vgCublasHandle h) { return ((vg_pfn_cublasDestroy_v2)f)(h); }
static int vgc_cublasGetProperty(void *f, int t, int *v) { return ((vg_pfn_cublasGetProperty)f)(t, v); }
static int vgc_cublasSetStream_v2(void *f, vgCublasHandle h, vgCUstream s) { return ((vg_pfn_cublasSetStream_v2)f)(h, s); }
static int vgc_cublasSetMathMode(void *f, vgCublasHandle h, int m) { return ((vg_pfn_cublasSetMathMode)f)(h, m); }
static int vgc_cublasSgemm_v2(void *f, vgCublasHandle h, int ta, int tb, int m, int n, int k, float alpha,
		vgCUdeviceptr a, int lda, vgCUdeviceptr b, int ldb, float beta, vgCUdeviceptr c, int ldc) {
	return ((vg_pfn_cublasSgemm_v2)f)(h, ta, tb, m, n, k, &alpha, VG_DP(a), lda, VG_DP(b), ldb, &beta, VG_DP(c), ldc);
}
static const char *vgc_cublasStatusText(void *f, int s) { return ((vg_pfn_cublasGetStatusName)f)(s); }
*/
import "C"

import (
	"fmt"

	"github.com/vggo/vggo/internal/dl"
)

// CUBLAS is cuBLAS (libcublas.so.13 or .12), loaded at run time. Its calls
// use the CUDA context current on the calling OS thread (see Driver).
type CUBLAS struct {
	lib *lib
}

// BLASHandle is a cuBLAS handle (cublasHandle_t), bound to the context that
// was current when it was created. Use one per stream and goroutine.
type BLASHandle struct{ h C.vgCublasHandle }

// Operation is cublasOperation_t.
type Operation int32

// The cuBLAS transpose operations.
const (
	OpN Operation = C.VG_CUBLAS_OP_N
	OpT Operation = C.VG_CUBLAS_OP_T
)

// MathMode is cublasMath_t.
type MathMode int32

// The cuBLAS math modes: Default keeps FP32 exact; TF32 lets FP32 GEMMs use
// TF32 tensor cores (sm_80+), faster and less precise.
const (
	MathDefault  MathMode = C.VG_CUBLAS_DEFAULT_MATH
	MathPedantic MathMode = C.VG_CUBLAS_PEDANTIC_MATH
	MathTF32     MathMode = C.VG_CUBLAS_TF32_TENSOR_OP_MATH
)

// The cuBLAS functions, by index into CUBLAS's function table.
const (
	cublasCreate = iota
	cublasDestroy
	cublasGetProperty
	cublasSetStream
	cublasSetMathMode
	cublasSgemm
	cublasGetStatusName
	cublasGetStatusString
	cublasSymCount
)

// cublasSyms is cuBLAS's function table: the dlsym name of each index. The
// _v2 names are the handle-based API; the unsuffixed ones are the legacy
// API with other prototypes.
var cublasSyms = [cublasSymCount]symbol{
	cublasCreate:          {"cublasCreate_v2", required},
	cublasDestroy:         {"cublasDestroy_v2", required},
	cublasGetProperty:     {"cublasGetProperty", required},
	cublasSetStream:       {"cublasSetStream_v2", required},
	cublasSetMathMode:     {"cublasSetMathMode", required},
	cublasSgemm:           {"cublasSgemm_v2", required},
	cublasGetStatusName:   {"cublasGetStatusName", required},
	cublasGetStatusString: {"cublasGetStatusString", required},
}

// CUBLASSymbols lists the dlsym names of LoadCUBLAS's table, in index order.
func CUBLASSymbols() []string { return names(cublasSyms[:]) }

// cublasSpec: libcublas needs libcublasLt of the same major, found in the
// same directory in every layout (toolkit lib64, pip nvidia/cu13/lib and
// nvidia/cublas/lib).
//
// NoDelete (for libcublas and the preloaded libcublasLt): Close drops the
// handles but the libraries stay mapped. They link the CUDA runtime
// statically and register atexit handlers and thread-local destructors;
// unloading and reloading them for every backend (the conformance suites
// create dozens) is a known source of crashes at unload or exit. Once loaded
// they stay for the process, as libcuda does.
func cublasSpec(majors []int) libSpec {
	s := libSpec{pipDirs: []string{"cu13/lib", "cublas/lib"}, toolkit: true, flags: dl.Now | dl.Local | dl.NoDelete}
	for _, m := range majors {
		s.sonames = append(s.sonames, fmt.Sprintf("libcublas.so.%d", m))
	}
	s.preload = func(dir, so string) ([]string, []string) {
		return existing(dir, "libcublasLt"+so[len("libcublas"):]), nil
	}
	return s
}

// LoadCUBLAS finds libcublas (and its libcublasLt), then resolves every
// symbol in CUBLASSymbols.
func LoadCUBLAS(opts ...Option) (*CUBLAS, error) {
	c := newConfig(opts)
	l, err := c.open(cublasSpec(c.majors), cublasSyms[:])
	if err != nil {
		return nil, err
	}
	return &CUBLAS{lib: l}, nil
}

// Path is where libcublas was loaded from.
func (b *CUBLAS) Path() string { return b.lib.path }

// Close closes the library handles; destroy every BLASHandle first.
func (b *CUBLAS) Close() error { return b.lib.close() }

func (b *CUBLAS) check(call int, r C.int) error {
	if r == 0 {
		return nil
	}
	e := &Error{Lib: "cublas", Call: cublasSyms[call].name, Code: int(r)}
	if s := C.vgc_cublasStatusText(b.lib.fn[cublasGetStatusName], r); s != nil {
		e.Name = C.GoString(s)
	}
	if s := C.vgc_cublasStatusText(b.lib.fn[cublasGetStatusString], r); s != nil {
		e.Msg = C.GoString(s)
	}
	return e
}

// Version is the loaded library's version from cublasGetProperty.
func (b *CUBLAS) Version() (major, minor, patch int, err error) {
	var v [3]C.int
	for i := range v {
		if err := b.check(cublasGetProperty, C.vgc_cublasGetProperty(b.lib.fn[cublasGetProperty], C.int(i), &v[i])); err != nil {
			return 0, 0, 0, err
		}
	}
	return int(v[0]), int(v[1]), int(v[2]), nil
}

// Create is cublasCreate_v2, in the current context.
func (b *CUBLAS) Create() (BLASHandle, error) {
	var h C.vgCublasHandle
	err := b.check(cublasCreate, C.vgc_cublasCreate_v2(b.lib.fn[cublasCreate], &h))
	return BLASHandle{h}, err
}

// Destroy is cublasDestroy_v2.
func (b *CUBLAS) Destroy(h BLASHandle) error {
	return b.check(cublasDestroy, C.vgc_cublasDestroy_v2(b.lib.fn[cublasDestroy], h.h))
}

// SetStream is cublasSetStream_v2.
func (b *CUBLAS) SetStream(h BLASHandle, s Stream) error {
	return b.check(cublasSetStream, C.vgc_cublasSetStream_v2(b.lib.fn[cublasSetStream], h.h, s.h))
}

// SetMathMode is cublasSetMathMode.
func (b *CUBLAS) SetMathMode(h BLASHandle, m MathMode) error {
	return b.check(cublasSetMathMode, C.vgc_cublasSetMathMode(b.lib.fn[cublasSetMathMode], h.h, C.int(m)))
}

// Sgemm is cublasSgemm_v2 (column-major): C = alpha*op(A)*op(B) + beta*C with
// op(A) m×k, op(B) k×n, C m×n. For row-major Y(N,Out) = X(N,In)·Wᵀ use
// Sgemm(h, OpT, OpN, Out, N, In, 1, W, In, X, In, 0, Y, Out).
func (b *CUBLAS) Sgemm(h BLASHandle, transA, transB Operation, m, n, k int, alpha float32,
	a DevicePtr, lda int, bm DevicePtr, ldb int, beta float32, c DevicePtr, ldc int) error {
	r := C.vgc_cublasSgemm_v2(b.lib.fn[cublasSgemm], h.h, C.int(transA), C.int(transB), C.int(m), C.int(n), C.int(k),
		C.float(alpha), C.vgCUdeviceptr(a), C.int(lda), C.vgCUdeviceptr(bm), C.int(ldb), C.float(beta), C.vgCUdeviceptr(c), C.int(ldc))
	return b.check(cublasSgemm, r)
}
