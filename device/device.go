// Package device picks where training runs: a GPU when one is usable, else the
// CPU, and says why. A Device names itself and hands out its kernels.Ops
// backend; it owns that backend's resources until Close.
//
//	dev := device.TryGPU()          // never fails: the CPU when no GPU works
//	fmt.Println(dev, dev.Reason())  // "cpu", "device: gpu(0): no usable GPU: cannot load libcuda.so.1: ..."
//	defer dev.Close()
//
// CPU is the fast CPU backend, Ref the reference one, and GPU a given GPU,
// which must pass SelfCheck against the reference backend before it is
// used. Open picks one by name ("auto", "cpu", "ref", "gpu", "gpu:N"), and
// Custom wraps any other backend. A GPU that cannot be used is a *GPUError
// (errors.Is ErrNoGPU) giving the GPU, the reason and whether its
// self-check failed, with the fix in this package's terms: use the CPU
// device, or other GPU settings.
package device

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/kernels/ref"
)

// Kind is the class of processor a Device runs on.
type Kind int

// The kinds of device.
const (
	KindCPU Kind = iota
	KindGPU
)

// String is "cpu" or "gpu".
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

// GPUOption configures the GPU backend: precision, convolution algorithm
// search, where NVIDIA's libraries are (see kernels/cuda).
type GPUOption = cuda.Option

// GPU returns GPU i on the CUDA backend after a self-check (a small
// convolution and GEMM on the GPU must match the reference backend), or a
// *GPUError (which matches ErrNoGPU) whose message is one line: which
// library or check failed, where the libraries were looked for, and what to
// do.
func GPU(i int, opts ...GPUOption) (*Device, error) {
	if i < 0 {
		return nil, fmt.Errorf("device: GPU index %d is negative", i)
	}
	d, err := openGPU(i, opts...)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// openGPU is GPU for an index >= 0, whose only error is a *GPUError.
func openGPU(i int, opts ...GPUOption) (*Device, *GPUError) {
	b, err := cuda.New(i, opts...)
	if err != nil {
		return nil, &GPUError{Index: i, Reason: cuda.Reason(err), Err: err}
	}
	if err := SelfCheck(b); err != nil {
		_ = b.Close()
		return nil, selfCheckError(i, err)
	}
	name := fmt.Sprintf("gpu(%d)", i)
	return &Device{kind: KindGPU, name: name, description: name + ": cuda backend on " + b.Info().String(), ops: b}, nil
}

// selfCheckError is GPU's error when SelfCheck fails on GPU i. The cause is
// joined into one line as cuda.Reason does (a cuDNN or CUDA message may span
// lines), so the error and a fallback's Reason stay one line.
func selfCheckError(i int, err error) *GPUError {
	return &GPUError{Index: i, Reason: "self-check against the reference backend failed: " + cuda.Reason(err), SelfCheck: true, Err: err}
}

// GPUError is the error of GPU (and of Open for "gpu" and "gpu:N") when the
// GPU cannot be used: its libraries do not load, it does not start, or it
// fails SelfCheck. errors.Is(err, ErrNoGPU) holds, and errors.Is and
// errors.As also see the cause.
type GPUError struct {
	Index int // the GPU asked for
	// Reason is one line saying which library or check failed and, for a
	// library, where it was looked for.
	Reason string
	// SelfCheck is true when the GPU started but computed wrong results in
	// SelfCheck, so that its libraries, not its absence, are the problem.
	SelfCheck bool
	Err       error // the cause
}

// Error says which GPU failed and why, and how to go on: with the CPU
// device, for a failed self-check with other GPU settings, and for a GPU
// that faulted earlier in the process (cuda.ErrDeviceFault) by restarting.
func (e *GPUError) Error() string {
	fix := "use the CPU device instead (device.CPU, or device.TryGPU, which falls back to it)"
	switch {
	case errors.Is(e.Err, cuda.ErrDeviceFault):
		fix = "restart the process to use this GPU again, or " + fix
	case e.SelfCheck:
		fix = "the GPU libraries are unusable on this card: try strict float32 math (cuda.WithPrecision(cuda.FP32)), another driver or cuDNN, or use the CPU device (device.CPU)"
	}
	return e.problem() + "; " + fix
}

// problem is Error without the advice, for the Reason of TryGPU's fallback,
// which has taken the advice already.
func (e *GPUError) problem() string {
	return fmt.Sprintf("device: gpu(%d): %v: %s", e.Index, ErrNoGPU, e.Reason)
}

// Unwrap makes the error match ErrNoGPU and its cause.
func (e *GPUError) Unwrap() []error { return []error{ErrNoGPU, e.Err} }

// TryGPU returns GPU 0 when it is usable, else the CPU with Reason saying why
// the GPU was not used — like the book's d2l.try_gpu(). A GPU that faulted
// earlier in the process (cuda.ErrDeviceFault) stays unusable until the
// process restarts, and the Reason says so.
func TryGPU(opts ...GPUOption) *Device {
	return orCPU(openGPU(0, opts...))
}

// orCPU is TryGPU's choice: d, or when err is set the CPU with err's
// problem as its Reason.
func orCPU(d *Device, err *GPUError) *Device {
	if err == nil {
		return d
	}
	c := CPU()
	c.reason = err.problem()
	return c
}

// Open returns the device a flag or environment variable names: "auto"
// (TryGPU), "cpu", "ref" (the reference backend), "gpu" (GPU 0) or "gpu:N".
// opts apply when a GPU is opened.
func Open(spec string, opts ...GPUOption) (*Device, error) {
	switch s := strings.ToLower(strings.TrimSpace(spec)); {
	case s == "" || s == "auto":
		return TryGPU(opts...), nil
	case s == "cpu":
		return CPU(), nil
	case s == "ref":
		return Ref(), nil
	case s == "gpu":
		return GPU(0, opts...)
	case strings.HasPrefix(s, "gpu:"):
		i, err := strconv.Atoi(s[len("gpu:"):])
		if err != nil {
			return nil, fmt.Errorf("device: bad device %q: want gpu:N with N a GPU index", spec)
		}
		return GPU(i, opts...)
	default:
		return nil, fmt.Errorf("device: unknown device %q: want auto, cpu, ref, gpu or gpu:N", spec)
	}
}

// Custom wraps any backend as a device of the given kind, for backends this
// package does not know and for tests.
func Custom(kind Kind, name, description string, ops kernels.Ops) *Device {
	return &Device{kind: kind, name: name, description: description, ops: ops}
}
