package cuda

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func TestCheckCUDAMajors(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		driver, cudnn, cublas int
		want                  []string // nil: no error
	}{
		{"cu13 on a 13 driver", 13000, 13020, 13, nil},
		{"cu12 on a 13 driver", 13020, 12090, 12, nil},
		{"cu12 on a 12 driver", 12080, 12080, 12, nil},
		{"cublas version unreadable", 13000, 13000, 0, nil},
		{"cu13 cudnn on a 12 driver", 12080, 13020, 13, []string{"cuDNN /l/libcudnn.so.9 was built for CUDA 13.2",
			"the driver supports CUDA 12.8 at most", "nvidia-cudnn-cu12", "update the driver"}},
		{"cu12 cudnn with cu13 cublas", 13000, 12090, 13, []string{"cuDNN /l/libcudnn.so.9 was built for CUDA 12.9",
			"cuBLAS /l/libcublas.so.13 is of CUDA 13", "install both for one CUDA", "VGGO_CUDA_PATH"}},
		{"cu13 cudnn with cu12 cublas", 13000, 13000, 12, []string{"built for CUDA 13.0", "cuBLAS /l/libcublas.so.13 is of CUDA 12"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := CUDAMismatchError{Driver: tc.driver, CUDNN: "/l/libcudnn.so.9", CUDNNCUDA: tc.cudnn, CUBLAS: "/l/libcublas.so.13", CUBLASMajor: tc.cublas}
			err := checkCUDAMajors(in)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			var me *CUDAMismatchError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, in, *me)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
