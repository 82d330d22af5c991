// Package device picks where training runs: a GPU when one is usable, else the
// CPU, and says why. A Device names itself and hands out its kernels.Ops
// backend; it owns that backend's resources until Close.
//
//	dev := device.TryGPU()          // never fails: the CPU when no GPU works
//	fmt.Println(dev, dev.Reason())  // "cpu", "no GPU backend: ..."
//	defer dev.Close()
package device

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
	"github.com/vggo/vggo/kernels/ref"
)

// Kind is the class of processor a Device runs on.
type Kind int

// The kinds of device.
const (
	KindCPU Kind = iota
	KindGPU
)

func (k Kind) String() string {
	if k == KindGPU {
		return "gpu"
	}
	return "cpu"
}

// ErrNoGPU is wrapped by the errors of GPU and Open when no usable GPU exists.
var ErrNoGPU = errors.New("no usable GPU")

// Device is one place to run ops: the CPU through a host backend, or one GPU.
type Device struct {
	kind        Kind
	name        string
	description string
	reason      string
	ops         kernels.Ops
}

// Kind is the device's processor class.
func (d *Device) Kind() Kind { return d.kind }

// Name is a short name as the book prints it: "cpu" or "gpu(0)".
func (d *Device) Name() string { return d.name }

// String is Name.
func (d *Device) String() string { return d.name }

// Description says which backend runs and with what (library, card).
func (d *Device) Description() string { return d.description }

// Reason says why this device was chosen when it was a fallback (for example
// why TryGPU returned the CPU); it is empty otherwise.
func (d *Device) Reason() string { return d.reason }

// Ops is the device's compute backend.
func (d *Device) Ops() kernels.Ops { return d.ops }

// WithOps returns a device like d whose backend is ops, for instrumenting a
// backend (timing or counting its calls) without changing what runs. ops
// usually wraps d.Ops(); closing either device closes ops.
func (d *Device) WithOps(ops kernels.Ops) *Device {
	c := *d
	c.ops = ops
	return &c
}

// Close releases the backend's resources. The device is unusable afterwards.
func (d *Device) Close() error { return d.ops.Close() }

// Ref returns a CPU device on the reference backend: slow, single-threaded
// and obviously right. Use it to check results, not to train.
func Ref() *Device {
	return &Device{kind: KindCPU, name: "cpu", description: "cpu: reference backend (naive loops, float64 sums)", ops: ref.New()}
}

// CPU returns the CPU device on the fast CPU backend (kernels/cpu): OpenBLAS
// when it loads, else a pure-Go sgemm, as its Description says. When the
// backend cannot start at all (VGGO_BLAS names a GEMM that is missing) it
// returns the reference backend with Reason saying why.
func CPU() *Device {
	b, err := cpu.New()
	if err != nil {
		d := Ref()
		d.reason = err.Error()
		return d
	}
	return &Device{kind: KindCPU, name: "cpu", description: b.Description(), ops: b}
}

// GPU returns GPU i, or an error wrapping ErrNoGPU that says which library
// or check failed and where the libraries were looked for.
func GPU(i int) (*Device, error) {
	if i < 0 {
		return nil, fmt.Errorf("device: GPU index %d is negative", i)
	}
	return nil, fmt.Errorf("device: gpu(%d): %w: this build has no CUDA backend yet; use the CPU (-device cpu)", i, ErrNoGPU)
}

// TryGPU returns GPU 0 when it is usable, else the CPU with Reason saying why
// the GPU was not used — like the book's d2l.try_gpu().
func TryGPU() *Device {
	d, err := GPU(0)
	if err == nil {
		return d
	}
	c := CPU()
	c.reason = err.Error()
	return c
}

// Open returns the device a flag or environment variable names: "auto"
// (TryGPU), "cpu", "ref" (the reference backend), "gpu" (GPU 0) or "gpu:N".
func Open(spec string) (*Device, error) {
	switch s := strings.ToLower(strings.TrimSpace(spec)); {
	case s == "" || s == "auto":
		return TryGPU(), nil
	case s == "cpu":
		return CPU(), nil
	case s == "ref":
		return Ref(), nil
	case s == "gpu":
		return GPU(0)
	case strings.HasPrefix(s, "gpu:"):
		i, err := strconv.Atoi(s[len("gpu:"):])
		if err != nil {
			return nil, fmt.Errorf("device: bad device %q: want gpu:N with N a GPU index", spec)
		}
		return GPU(i)
	default:
		return nil, fmt.Errorf("device: unknown device %q: want auto, cpu, ref, gpu or gpu:N", spec)
	}
}
