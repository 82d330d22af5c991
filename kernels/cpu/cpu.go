// Package cpu is the fast CPU backend of kernels.Ops.
//
// The 3x3, stride-1, padding-1 convolutions of VGG with 8 or more channels
// on images of 8x8 or more run as Winograd F(4x4,3x3) (winograd.go): 36
// sgemms over chunks of transformed tiles, 4 times fewer multiplications.
// The single-channel first layer runs a direct convolution; the others run
// as im2col + sgemm per image (or group of small images), one group per
// worker goroutine, with the bias and ReLU applied in one pass over each
// output right after the sgemm that wrote it. The sgemm is OpenBLAS, loaded
// at run time with dlopen (so building needs no BLAS), single-threaded and
// called from one goroutine per core; without OpenBLAS, or with
// VGGO_BLAS=go, a pure-Go sgemm (gonum) runs instead, slower but the same
// results up to rounding. Description says which one runs.
//
// Pooling, ReLU, im2col, col2im and the Winograd transforms are C loops
// the compiler vectorizes (simd.c, direct.c, winograd.c; Go loops without
// cgo, which has no Winograd path); dropout, softmax and SGD are Go loops;
// all are split across the same workers. The C builds on any architecture;
// its AVX-512 paths only on amd64 (cpu.h says where they are). Scratch memory (im2col columns, per-worker filter gradients)
// is owned by the backend, sized at first use and reused, so a training step
// of a fixed shape allocates nothing.
//
// Tensors are *kernels.HostTensor, as in kernels/ref, which is this
// backend's oracle: kernels/kerneltest checks every op against it.
package cpu

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vggo/vggo/kernels"
)

// BLASEnv is the environment variable that picks the sgemm: "openblas"
// (fail when it cannot be loaded), "go" (the pure-Go sgemm) or empty/"auto"
// (OpenBLAS when it loads, else pure Go).
const BLASEnv = "VGGO_BLAS"

// OpenBLASEnv is the environment variable that names the OpenBLAS shared
// library to load (a file path or a soname), tried before the defaults.
const OpenBLASEnv = "VGGO_OPENBLAS"

// OpenBLASNames returns the sonames tried, in order, through the dynamic
// linker's search path (LD_LIBRARY_PATH, /etc/ld.so.cache, /lib, /usr/lib).
// Debian's libopenblas0-pthread provides libopenblas.so.0.
func OpenBLASNames() []string { return []string{"libopenblas.so.0", "libopenblas.so"} }

// BLASError says that OpenBLAS could not be loaded, where it was looked for
// and how to fix it.
type BLASError struct {
	Tried   []string // the library names or paths passed to dlopen
	Reasons []string // dlopen's or dlsym's message for each that failed
}

// Error says what was tried and how to fix it.
func (e *BLASError) Error() string {
	return fmt.Sprintf("cpu: cannot load OpenBLAS: tried %s through the dynamic linker's path (LD_LIBRARY_PATH, /etc/ld.so.cache): %s; install it (apt-get install libopenblas0-pthread) or set %s to the library's path",
		strings.Join(e.Tried, ", "), strings.Join(e.Reasons, "; "), OpenBLASEnv)
}

// piecesPerWorker is how many pieces an op with a reduction (filter
// gradients, dense layers) is split into per worker: more than one, so that
// a worker slowed by other processes on its core is helped by the others,
// and a fixed number, so that sums are added in an order that does not
// depend on scheduling.
const piecesPerWorker = 4

// Backend is the fast CPU implementation of kernels.Ops. It is driven by one
// goroutine at a time and runs each op on its own worker goroutines.
type Backend struct {
	kernels.HostMemory
	gemm     gemm
	why      string // why the pure-Go sgemm runs, when it does
	pool     *workers
	scratch  [][]float32 // per worker: im2col columns, or Winograd's transformed input tiles (V)
	scratch2 [][]float32 // per worker: side-by-side outputs or gradients of an image group, or Winograd's M or Z
	scratch3 [][]float32 // per worker: rows of the Winograd transforms, or the padded images of the small-image im2col
	winoU    []float32   // Winograd: transformed filters, or the summed transformed filter gradients
	avx512   bool        // the Winograd transforms and the direct 3x3 first layer take their AVX-512 paths
	accs     [][]float32 // per piece: filter-gradient partial sums
	accs64   [][]float64 // per piece: the same in float64 (direct path)

	fwd   convForwardTask
	bwdD  convDataTask
	bwdF  convFilterTask
	wino  winoConvTask
	winoF winoFilterTask
	dense denseTask
	ew    elementwiseTask
	mp    poolTask
}

var _ kernels.Ops = (*Backend)(nil)

// New returns a backend using all of GOMAXPROCS and the sgemm that BLASEnv
// asks for: by default OpenBLAS when it loads, else the pure-Go sgemm (and
// Description says why). It fails only when BLASEnv is "openblas" and
// OpenBLAS cannot be loaded, or BLASEnv has an unknown value.
func New() (*Backend, error) {
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv(BLASEnv))); v {
	case "", "auto":
		g, err := loadOpenBLAS(openBLASPaths())
		if err != nil {
			return newBackend(goGEMM{}, err.Error()), nil
		}
		return newBackend(g, ""), nil
	case "openblas":
		return NewOpenBLAS()
	case "go":
		return NewGo(), nil
	default:
		return nil, fmt.Errorf("cpu: %s=%q: want openblas, go or auto", BLASEnv, v)
	}
}

// NewOpenBLAS returns a backend on OpenBLAS, or a *BLASError saying where it
// was looked for.
func NewOpenBLAS() (*Backend, error) {
	g, err := loadOpenBLAS(openBLASPaths())
	if err != nil {
		return nil, err
	}
	return newBackend(g, ""), nil
}

// NewGo returns a backend on the pure-Go sgemm.
func NewGo() *Backend {
	return newBackend(goGEMM{}, BLASEnv+"=go")
}

func openBLASPaths() []string {
	if p := strings.TrimSpace(os.Getenv(OpenBLASEnv)); p != "" {
		return append([]string{p}, OpenBLASNames()...)
	}
	return OpenBLASNames()
}

func newBackend(g gemm, why string) *Backend {
	n := runtime.GOMAXPROCS(0)
	b := &Backend{gemm: g, why: why, avx512: hasAVX512(), pool: newWorkers(n), scratch: make([][]float32, n), scratch2: make([][]float32, n), scratch3: make([][]float32, n), accs: make([][]float32, piecesPerWorker*n), accs64: make([][]float64, piecesPerWorker*n)}
	return b
}

// Name implements kernels.Ops; it is "cpu".
func (*Backend) Name() string { return "cpu" }

// Description says which sgemm runs, on how many workers, and why the
// pure-Go sgemm runs when it does.
func (b *Backend) Description() string {
	s := fmt.Sprintf("cpu: %s + %s, %d workers", convAlgos(), b.gemm.name(), b.pool.n)
	if b.why != "" {
		s += " (OpenBLAS not used: " + b.why + ")"
	}
	return s
}

// convAlgos names the convolution algorithms of this build.
func convAlgos() string {
	if haveWinograd {
		return "Winograd F(4x4,3x3)/im2col"
	}
	return "im2col"
}

// UsesOpenBLAS reports whether the sgemm is OpenBLAS.
func (b *Backend) UsesOpenBLAS() bool {
	_, ok := b.gemm.(goGEMM)
	return !ok
}

// Workers is the number of goroutines an op runs on.
func (b *Backend) Workers() int { return b.pool.n }

// Close implements kernels.Ops: it stops the workers and unloads OpenBLAS.
func (b *Backend) Close() error {
	if b.pool != nil {
		b.pool.close()
		b.pool = newWorkers(1)
	}
	b.gemm.close()
	b.gemm = closedGEMM{}
	b.scratch, b.scratch2, b.scratch3, b.accs, b.accs64 = make([][]float32, 1), make([][]float32, 1), make([][]float32, 1), make([][]float32, piecesPerWorker), make([][]float64, piecesPerWorker)
	b.winoU = nil
	return nil
}

// closedGEMM replaces the sgemm of a closed backend.
type closedGEMM struct{}

func (closedGEMM) sgemm(bool, bool, int, int, int, []float32, int, []float32, int, float32, []float32, int) {
	panic("cpu: sgemm on a closed backend")
}
func (closedGEMM) name() string { return "closed" }
func (closedGEMM) close()       {}

// buf returns worker w's buffer from bufs with at least n elements, growing
// it when needed; the contents are undefined.
func buf(bufs [][]float32, w, n int) []float32 {
	return bufUpTo(bufs, w, n, n)
}

// bufUpTo is buf for an op whose pieces need different sizes, most at the
// largest: the buffer is grown to most at once, so that whichever piece a
// worker meets first, later steps do not allocate.
func bufUpTo(bufs [][]float32, w, n, most int) []float32 {
	if cap(bufs[w]) < n {
		bufs[w] = make([]float32, max(n, most))
	}
	return bufs[w][:n]
}

// view is kernels.HostView with a nil check that reports the name.
func view(op, name string, t kernels.Tensor) ([]float32, error) {
	if t == nil {
		return nil, &kernels.ShapeError{Op: op, Msg: name + " is nil"}
	}
	return kernels.HostView(op, name, t)
}

// views2..views4 are view for several tensors without allocating.
func views2(op, n0, n1 string, t0, t1 kernels.Tensor) (a, b []float32, err error) {
	if a, err = view(op, n0, t0); err != nil {
		return
	}
	b, err = view(op, n1, t1)
	return
}

func views3(op, n0, n1, n2 string, t0, t1, t2 kernels.Tensor) (a, b, c []float32, err error) {
	if a, b, err = views2(op, n0, n1, t0, t1); err != nil {
		return
	}
	c, err = view(op, n2, t2)
	return
}

func views4(op, n0, n1, n2, n3 string, t0, t1, t2, t3 kernels.Tensor) (a, b, c, d []float32, err error) {
	if a, b, c, err = views3(op, n0, n1, n2, t0, t1, t2); err != nil {
		return
	}
	d, err = view(op, n3, t3)
	return
}
