//go:build cgo

package cpu

// #include "openblas.h"
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/vggo/vggo/internal/dl"
)

// openBLAS is an OpenBLAS loaded with dlopen. Its own threads are set to 1:
// the backend runs one sgemm per worker goroutine instead, so the cores are
// never oversubscribed.
type openBLAS struct {
	lib     dl.Library
	sgemmFn unsafe.Pointer // cblas_sgemm
	path    string
	config  string
}

// loadOpenBLAS dlopens the first of paths that loads and has cblas_sgemm.
func loadOpenBLAS(paths []string) (gemm, error) {
	var tried []string
	for _, p := range paths {
		o, err := openOpenBLAS(p)
		if err != nil {
			tried = append(tried, dl.Message(err))
			continue
		}
		return o, nil
	}
	return nil, &BLASError{Tried: paths, Reasons: tried}
}

// openOpenBLAS loads path and resolves cblas_sgemm (required) and
// openblas_set_num_threads / openblas_get_config (optional).
func openOpenBLAS(path string) (*openBLAS, error) {
	lib, err := dl.System{}.Open(path, dl.Now|dl.Local)
	if err != nil {
		return nil, err
	}
	sgemm, err := lib.Lookup("cblas_sgemm")
	if err != nil {
		lib.Close()
		return nil, err
	}
	o := &openBLAS{lib: lib, sgemmFn: sgemm, path: path}
	if f, err := lib.Lookup("openblas_set_num_threads"); err == nil {
		C.vggo_blas_threads(f, 1)
	}
	if f, err := lib.Lookup("openblas_get_config"); err == nil {
		o.config = strings.TrimSpace(C.GoString(C.vggo_blas_config(f)))
	}
	return o, nil
}

func (o *openBLAS) sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	C.vggo_blas_sgemm(o.sgemmFn, cbool(transA), cbool(transB), C.int(m), C.int(n), C.int(k),
		fptr(a), C.int(lda), fptr(b), C.int(ldb), C.float(beta), fptr(c), C.int(ldc))
}

func (o *openBLAS) name() string {
	if o.config == "" {
		return fmt.Sprintf("OpenBLAS (%s)", o.path)
	}
	return fmt.Sprintf("%s (%s, 1 thread per worker)", o.config, o.path)
}

func (o *openBLAS) close() {
	if o.lib != nil {
		o.lib.Close()
		o.lib = nil
	}
}
