//go:build linux && cgo

package cuda

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
)

// TestNewWithoutDriver checks, on a machine without the NVIDIA driver, that
// New fails with an error that names libcuda and where it was looked for.
func TestNewWithoutDriver(t *testing.T) {
	b, err := New(0, WithLibraryOptions(cu.WithGetenv(func(string) string { return "" })))
	if err == nil {
		require.NoError(t, b.Close())
		t.Skip("a usable GPU is present: the missing-driver path cannot be exercised here")
	}
	var le *cu.LibraryError
	require.ErrorAs(t, err, &le, "%v", err)
	assert.Equal(t, "libcuda.so.1", le.Name)
	r := Reason(err)
	assert.Contains(t, r, "cannot load libcuda.so.1")
	assert.Contains(t, r, "system search")
	assert.Contains(t, r, "install the NVIDIA driver")
	assert.Contains(t, r, "use the CPU backend")
	assert.NotContains(t, r, "-device", "the library names no command-line flag")
}

func TestNewRejectsNegativeOrdinal(t *testing.T) {
	_, err := New(-1)
	assert.ErrorContains(t, err, "negative")
}

func TestCUDAMajors(t *testing.T) {
	assert.Equal(t, []int{13, 12}, cudaMajors(13000))
	assert.Equal(t, []int{13, 12}, cudaMajors(13020))
	assert.Equal(t, []int{12}, cudaMajors(12080))
}

// TestStickyFaultMarksTheGPU feeds a backend the driver's sticky error
// codes: the first op to report one is blamed, every later op and every
// later New on that GPU fails at once with the same *FaultError (no driver
// is needed to see it), other GPUs and other errors are untouched.
func TestStickyFaultMarksTheGPU(t *testing.T) {
	const ordinal = 1000 // a GPU no other test opens
	t.Cleanup(func() {
		faults.mu.Lock()
		delete(faults.devices, ordinal)
		faults.mu.Unlock()
	})
	b := &Backend{info: Info{Ordinal: ordinal}, rec: faults.device(ordinal)}
	oom := &cu.Error{Lib: "cuda", Call: "cuMemAlloc_v2", Code: 2, Name: "CUDA_ERROR_OUT_OF_MEMORY"}
	own := b.finish("Alloc", oom)
	assert.ErrorIs(t, own, oom, "a non-sticky error is the op's own")
	assert.EqualError(t, own, "cuda: Alloc: "+oom.Error(), "naming the op")
	assert.Nil(t, b.rec.fault.Load())

	illegal := &cu.Error{Lib: "cuda", Call: "cuStreamSynchronize", Code: 700, Name: "CUDA_ERROR_ILLEGAL_ADDRESS", Msg: "an illegal memory access was encountered"}
	err := b.finish("SoftmaxCrossEntropy", illegal)
	var fe *FaultError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, FaultError{Ordinal: ordinal, Op: "SoftmaxCrossEntropy", Err: illegal}, *fe)
	assert.ErrorIs(t, err, ErrDeviceFault)
	assert.ErrorIs(t, err, illegal)
	for _, want := range []string{"GPU 1000 is unusable for the rest of this process: SoftmaxCrossEntropy reported a device fault",
		"an earlier op may have faulted", "CUDA_ERROR_ILLEGAL_ADDRESS (700)", "restart the process"} {
		assert.Contains(t, err.Error(), want)
	}

	launch := &cu.Error{Lib: "cuda", Call: "cuLaunchKernel", Code: 719, Name: "CUDA_ERROR_LAUNCH_FAILED"}
	assert.Same(t, error(fe), b.finish("SGDUpdate", launch), "the first op keeps the blame")
	assert.Same(t, error(fe), b.finish("Alloc", oom), "after a fault every error is the fault")
	assert.Same(t, error(fe), b.begin(), "ops fail before calling the driver")

	_, err = New(ordinal)
	assert.Same(t, error(fe), err, "New on the faulted GPU fails at once")
	_, err = New(ordinal+1, WithLibraryOptions(cu.WithGetenv(func(string) string { return "" })))
	assert.NotErrorIs(t, err, ErrDeviceFault, "another GPU is not marked")
}

func TestFaultErrorWording(t *testing.T) {
	cause := &cu.Error{Lib: "cuda", Call: "cuStreamSynchronize", Code: 716, Name: "CUDA_ERROR_MISALIGNED_ADDRESS"}
	synced := &FaultError{Ordinal: 0, Op: "MaxPoolBackward", Synced: true, Err: cause}
	assert.Contains(t, synced.Error(), "cuda: GPU 0 is unusable for the rest of this process: MaxPoolBackward faulted: cuda: cuStreamSynchronize failed: CUDA_ERROR_MISALIGNED_ADDRESS (716)")
	assert.NotContains(t, synced.Error(), "earlier op")
}

// TestSyncEveryOpNamesTheOp: synchronising after every op, a failure is an
// *OpError naming the op, and a sticky fault's error says the op is the one
// that faulted.
func TestSyncEveryOpNamesTheOp(t *testing.T) {
	const ordinal = 1002
	t.Cleanup(func() {
		faults.mu.Lock()
		delete(faults.devices, ordinal)
		faults.mu.Unlock()
	})
	b := &Backend{info: Info{Ordinal: ordinal}, rec: faults.device(ordinal), syncEveryOp: true}
	exec := &cu.Error{Lib: "cudnn", Call: "cudnnConvolutionForward", Code: 5000, Name: "CUDNN_STATUS_EXECUTION_FAILED"}
	err := b.finish("Conv2DForward", exec)
	var oe *OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, OpError{Op: "Conv2DForward", Err: exec}, *oe)
	assert.EqualError(t, err, "cuda: Conv2DForward failed (synchronised after every op, so this op is the one that failed): "+exec.Error())
	assert.NoError(t, b.finish("Conv2DForward", nil))

	illegal := &cu.Error{Lib: "cuda", Call: "cuStreamSynchronize", Code: 700, Name: "CUDA_ERROR_ILLEGAL_ADDRESS"}
	err = b.finish("MaxPoolBackward", illegal)
	var fe *FaultError
	require.ErrorAs(t, err, &fe)
	assert.False(t, errors.As(err, &oe), "a fault is a *FaultError, not wrapped again")
	assert.True(t, fe.Synced)
	assert.Contains(t, err.Error(), "GPU 1002 is unusable for the rest of this process: MaxPoolBackward faulted: ")
	assert.NotContains(t, err.Error(), EnvSync)
}
