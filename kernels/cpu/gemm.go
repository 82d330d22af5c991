package cpu

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemm is a single-threaded row-major sgemm with alpha = 1:
//
//	C = op(A)·op(B) + beta·C
//
// with op(A) (m,k), op(B) (k,n) and C (m,n); lda, ldb, ldc are the row
// strides of A, B and C as stored. The backend runs several at once, one per
// worker, so an implementation must be safe for concurrent calls.
type gemm interface {
	sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// name says which implementation this is, for the device description.
	name() string
	close()
}

// goGEMM is the pure-Go fallback: gonum's blocked sgemm.
type goGEMM struct {
	impl gonum.Implementation
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func (g goGEMM) sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	g.impl.Sgemm(trans(transA), trans(transB), m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

func (goGEMM) name() string { return "pure-Go sgemm (gonum)" }

func (goGEMM) close() {}
