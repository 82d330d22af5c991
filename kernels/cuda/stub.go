//go:build !(linux && cgo)

package cuda

import (
	"errors"

	"github.com/vggo/vggo/kernels"
)

// ErrNoCgo is New's error in builds without cgo (or off Linux), where the
// run-time loading of NVIDIA's libraries is not compiled in.
var ErrNoCgo = errors.New("cuda: this binary was built without cgo (or not for Linux), so it cannot load libcuda.so.1; " +
	"rebuild with CGO_ENABLED=1 and a C compiler on Linux, or use the CPU backend")

// Backend is the CUDA backend; in this build it cannot be created.
type Backend struct{ kernels.Ops }

// Info describes the device a Backend runs on; empty in this build.
type Info struct{}

// String is a one-line description.
func (Info) String() string { return "no CUDA support in this build" }

// Info describes the device; empty in this build.
func (*Backend) Info() Info { return Info{} }

// Stats returns the backend's counters; zero in this build.
func (*Backend) Stats() Stats { return Stats{} }

// New always fails in this build, with ErrNoCgo.
func New(ordinal int, opts ...Option) (*Backend, error) { return nil, ErrNoCgo }

// LoadImages implements kernels.ImageLoader; in this build it fails.
func (*Backend) LoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab kernels.Tensor) error {
	return ErrNoCgo
}
