//go:build cgo

package cpu

// The flags of every C file of the package, the *.c files and the
// preambles alike: cgo applies a package's #cgo flags to all of them.

// #cgo CFLAGS: -O3 -fopenmp-simd -fno-strict-aliasing
import "C"

import "unsafe"

// fptr is the address of v's first element, for C.
func fptr(v []float32) *C.float { return (*C.float)(unsafe.Pointer(&v[0])) }

// cbool is b as a C int (1 or 0).
func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
