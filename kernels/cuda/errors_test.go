package cuda

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	cu "github.com/vggo/vggo/internal/cuda"
)

// TestNoDeviceErrors: New's two ways of finding no device to run on both
// match ErrNoDevice, and other failures do not.
func TestNoDeviceErrors(t *testing.T) {
	de := &DeviceError{Ordinal: 2, Count: 1}
	assert.Equal(t, "cuda: no GPU 2: the driver sees 1 device(s); check CUDA_VISIBLE_DEVICES and nvidia-smi", de.Error())
	noDevice := []error{de, fmt.Errorf("cuda: the driver libcuda.so.1 loaded but cannot start: %w",
		&cu.Error{Lib: "cuda", Call: "cuInit", Code: 100, Name: "CUDA_ERROR_NO_DEVICE"})}
	for _, err := range noDevice {
		assert.ErrorIs(t, err, ErrNoDevice, "%v", err)
	}
	oom := fmt.Errorf("cuda: Alloc(1,) (0 MiB): %w", &cu.Error{Lib: "cuda", Call: "cuMemAlloc_v2", Code: 2})
	for _, err := range []error{oom, &cu.LibraryError{Name: "libcuda.so.1"}} {
		assert.NotErrorIs(t, err, ErrNoDevice, "%v", err)
	}
	assert.ErrorIs(t, oom, ErrOutOfMemory)
	assert.ErrorIs(t, fmt.Errorf("x: %w", &cu.Error{Lib: "cublas", Code: 3}), ErrOutOfMemory)
	assert.ErrorIs(t, &cu.Error{Lib: "cuda", Code: 222}, ErrDriverTooOld)
}
