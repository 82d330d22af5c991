package device

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/internal/standintest"
	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cuda"
	"github.com/vggo/vggo/kernels/ref"
)

// TestTryGPUFallsBackWithReason runs where no GPU is usable (as on CI):
// TryGPU gives the CPU and a one-line reason that names libcuda. On the CPU
// stand-in it reruns itself with the stand-in reporting no device.
func TestTryGPUFallsBackWithReason(t *testing.T) {
	g, err := GPU(0)
	if err == nil {
		desc := g.Description()
		require.NoError(t, g.Close())
		if standintest.IsStandin(desc) {
			standintest.RunWithoutDevices(t)
			return
		}
		t.Skip("a usable GPU is present: the fallback cannot be exercised here")
	}
	assert.ErrorIs(t, err, ErrNoGPU)
	assert.NotContains(t, err.Error(), "\n", "the reason is one line")
	var ge *GPUError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, 0, ge.Index)
	assert.False(t, ge.SelfCheck)
	assert.NotEmpty(t, ge.Reason)
	assert.Contains(t, err.Error(), "use the CPU device instead (device.CPU")

	d := TryGPU()
	defer d.Close()
	assert.Equal(t, KindCPU, d.Kind())
	assert.Equal(t, "cpu", d.Name())
	assert.Contains(t, d.Reason(), "gpu(0)")
	assert.Contains(t, d.Reason(), "libcuda", "the reason names the library that failed")
	assert.NotContains(t, d.Reason(), "\n")
	assert.NotContains(t, d.Reason(), "use the CPU device", "the fallback has taken that advice")
}

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		spec, name, err string
		gpuErr          bool
	}{
		{spec: "cpu", name: "cpu"}, {spec: " REF ", name: "cpu"}, {spec: "auto"}, {spec: ""},
		{spec: "gpu", gpuErr: true}, {spec: "gpu:0", gpuErr: true}, {spec: "gpu:x", err: "want gpu:N"},
		{spec: "gpu:-1", err: "negative"}, {spec: "tpu", err: "unknown device"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			d, err := Open(tc.spec)
			switch {
			case tc.err != "":
				assert.ErrorContains(t, err, tc.err)
			case tc.gpuErr && err != nil:
				assert.ErrorIs(t, err, ErrNoGPU)
			default:
				require.NoError(t, err)
				if tc.name != "" {
					assert.Equal(t, tc.name, d.Name())
				}
				require.NoError(t, d.Close())
			}
		})
	}
}

// offByOne is the reference backend with a wrong DenseForward, standing in
// for a GPU library that loads but computes garbage.
type offByOne struct{ *ref.Backend }

func (o offByOne) DenseForward(x, w, b, y kernels.Tensor) error {
	if err := o.Backend.DenseForward(x, w, b, y); err != nil {
		return err
	}
	d := y.(*kernels.HostTensor).Data()
	d[3]++
	return nil
}

type failing struct{ *ref.Backend }

func (failing) Conv2DForward(_, _, _, _ kernels.Tensor, _ kernels.Conv) error {
	return errors.New("CUDNN_STATUS_EXECUTION_FAILED")
}

// multiLine fails the self-check with a message that spans lines, as some
// CUDA and cuDNN errors do.
type multiLine struct{ kernels.Ops }

func (multiLine) Conv2DForward(_, _, _, _ kernels.Tensor, _ kernels.Conv) error {
	return errors.New("CUDNN_STATUS_EXECUTION_FAILED\n  while running\n\tengine 7  ")
}

func TestSelfCheckErrorIsOneLine(t *testing.T) {
	cause := SelfCheck(multiLine{ref.New()})
	require.Error(t, cause)
	require.Contains(t, cause.Error(), "\n", "the cause spans lines")
	err := selfCheckError(1, cause)
	assert.ErrorIs(t, err, ErrNoGPU)
	assert.ErrorIs(t, err, cause)
	assert.NotContains(t, err.Error(), "\n")
	assert.NotContains(t, err.Error(), "\t")
	assert.Contains(t, err.Error(), "device: gpu(1): no usable GPU: self-check against the reference backend failed: ")
	assert.Contains(t, err.Error(), "CUDNN_STATUS_EXECUTION_FAILED while running engine 7; the GPU libraries are unusable")
	assert.Equal(t, GPUError{Index: 1, Reason: "self-check against the reference backend failed: Conv2DForward: CUDNN_STATUS_EXECUTION_FAILED while running engine 7",
		SelfCheck: true, Err: cause}, *err)
}

// TestGPUErrorSaysTheFixInAPITerms checks the advice of both kinds of GPU
// failure, which names the package's functions and no command-line flag.
func TestGPUErrorSaysTheFixInAPITerms(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *GPUError
		want string
	}{
		{"no library", &GPUError{Index: 2, Reason: "cannot load libcuda.so.1", Err: errors.New("dlopen")},
			"device: gpu(2): no usable GPU: cannot load libcuda.so.1; use the CPU device instead (device.CPU, or device.TryGPU, which falls back to it)"},
		{"self-check", &GPUError{Index: 0, Reason: "self-check against the reference backend failed: GEMM output 3", SelfCheck: true, Err: errors.New("GEMM")},
			"device: gpu(0): no usable GPU: self-check against the reference backend failed: GEMM output 3; the GPU libraries are unusable on this card: " +
				"try strict float32 math (cuda.WithPrecision(cuda.FP32)), another driver or cuDNN, or use the CPU device (device.CPU)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.EqualError(t, tc.err, tc.want)
			assert.NotContains(t, tc.err.Error(), " -", "no flag names")
			assert.ErrorIs(t, tc.err, ErrNoGPU)
			assert.ErrorIs(t, tc.err, tc.err.Err)
		})
	}
}

// TestFaultedGPUFallsBackSayingSo: once a GPU has faulted in this process,
// cuda.New fails at once with a *cuda.FaultError; GPU's error says to
// restart, and TryGPU's fallback Reason names the op that faulted.
func TestFaultedGPUFallsBackSayingSo(t *testing.T) {
	fault := &cuda.FaultError{Ordinal: 0, Op: "MaxPoolBackward", Synced: true,
		Err: errors.New("cuda: cuStreamSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)")}
	ge := &GPUError{Index: 0, Reason: cuda.Reason(fault), Err: fault}
	assert.ErrorIs(t, ge, cuda.ErrDeviceFault)
	assert.ErrorIs(t, ge, ErrNoGPU)
	assert.Contains(t, ge.Error(), "GPU 0 is unusable for the rest of this process: MaxPoolBackward faulted")
	assert.Contains(t, ge.Error(), "; restart the process to use this GPU again, or use the CPU device instead")
	selfCheck := *ge
	selfCheck.SelfCheck = true
	assert.Contains(t, selfCheck.Error(), "restart the process to use this GPU again", "a fault during the self-check is a fault")

	d := orCPU(nil, ge)
	defer d.Close()
	assert.Equal(t, KindCPU, d.Kind())
	assert.Contains(t, d.Reason(), "device: gpu(0): no usable GPU: cuda: GPU 0 is unusable for the rest of this process: MaxPoolBackward faulted")
	assert.Contains(t, d.Reason(), "CUDA_ERROR_ILLEGAL_ADDRESS")
	assert.Contains(t, d.Reason(), "restart the process")
	assert.NotContains(t, d.Reason(), "\n")
}

func TestSelfCheck(t *testing.T) {
	assert.NoError(t, SelfCheck(ref.New()))
	assert.ErrorContains(t, SelfCheck(offByOne{ref.New()}), "GEMM output 3")
	assert.ErrorContains(t, SelfCheck(failing{ref.New()}), "Conv2DForward: CUDNN_STATUS_EXECUTION_FAILED")
}
