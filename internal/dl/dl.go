// Package dl opens shared libraries at run time and resolves their symbols
// (dlopen, dlsym, dlclose). It is the lowest layer of the GPU binding: the
// module links against no NVIDIA library, so one binary builds anywhere and
// decides at run time whether a GPU can be used. The CPU backend loads
// OpenBLAS with it in the same way.
//
// Every call that can fail reads dlerror on the same OS thread as the failing
// call (the error state is per thread), and keeps its text in the returned
// *Error. Without cgo, or off Linux, Open returns ErrUnsupported.
package dl

import (
	"errors"
	"fmt"
	"unsafe"
)

// Flags select dlopen's binding mode. Combine one of Now or Lazy with one of
// Local or Global, optionally with NoDelete.
type Flags int

// The dlopen modes (glibc values).
const (
	Lazy     Flags = 0x00001
	Now      Flags = 0x00002
	Global   Flags = 0x00100
	Local    Flags = 0x00000
	NoDelete Flags = 0x01000
)

// ErrUnsupported is returned by Open where run-time loading is not available
// (a build without cgo, or an operating system other than Linux).
var ErrUnsupported = errors.New("dl: run-time library loading needs cgo on Linux; use the CPU backend")

// Error is a failed dlopen, dlsym or dlclose with the loader's own message.
type Error struct {
	// Op is "dlopen", "dlsym" or "dlclose".
	Op string
	// Name is the library path or name (dlopen, dlclose) or the symbol (dlsym).
	Name string
	// Msg is dlerror's text, e.g. "libfoo.so: cannot open shared object file:
	// No such file or directory".
	Msg string
}

// Error is "<op> <name>: <loader message>".
func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.Name, e.Msg)
}

// Message is the loader's own text for err: the Msg of the *Error in err's
// chain (dlerror's message, which names the library), else err's text.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

// Opener opens shared libraries. *System is the real loader; tests of the
// code above it supply their own to exercise missing libraries and symbols.
type Opener interface {
	// Open loads the library named by path: a file path (containing a slash)
	// or a bare name resolved by the system loader's search (LD_LIBRARY_PATH,
	// the ld.so cache, /lib, /usr/lib).
	Open(path string, flags Flags) (Library, error)
}

// Library is an open shared library.
type Library interface {
	// Path is the name or path the library was opened by.
	Path() string
	// Lookup returns the address of symbol, or an *Error naming it.
	Lookup(symbol string) (unsafe.Pointer, error)
	// Close drops this reference to the library.
	Close() error
}

// System is the operating system's dynamic loader.
type System struct{}

// Open implements Opener with dlopen.
func (System) Open(path string, flags Flags) (Library, error) {
	return open(path, flags)
}
