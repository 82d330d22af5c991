//go:build !cgo

package cpu

// loadOpenBLAS cannot load anything in a build without cgo.
func loadOpenBLAS(paths []string) (gemm, error) {
	return nil, &BLASError{Tried: paths, Reasons: []string{"this binary was built with CGO_ENABLED=0, which cannot dlopen; rebuild with cgo and a C compiler"}}
}
