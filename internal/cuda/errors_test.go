package cuda

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorText(t *testing.T) {
	e := &Error{Lib: "cuda", Call: "cuInit", Code: 100, Name: "CUDA_ERROR_NO_DEVICE", Msg: "no CUDA-capable device is detected"}
	assert.Equal(t, "cuda: cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected; "+
		"hint: no CUDA device is visible (check CUDA_VISIBLE_DEVICES and nvidia-smi); use the CPU backend", e.Error())
	var target *Error
	assert.True(t, errors.As(error(e), &target))
}

// TestErrorConditions: the codes a caller may branch on match their
// sentinel through errors.Is (also when wrapped), and no other.
func TestErrorConditions(t *testing.T) {
	sentinels := []error{ErrNoDevice, ErrOutOfMemory, ErrDriverTooOld, ErrDeviceFault}
	for _, tc := range []struct {
		lib  string
		code int
		is   error // nil: none of the sentinels
		hint string
	}{
		{"cuda", 100, ErrNoDevice, "no CUDA device is visible"}, {"cuda", 2, ErrOutOfMemory, "out of device memory"},
		{"cublas", 3, ErrOutOfMemory, "out of device memory"}, {"cuda", 222, ErrDriverTooOld, "the driver is older than NVRTC"},
		{"cuda", 34, nil, "stub libcuda.so"}, {"cuda", 804, nil, "reinstall the driver"}, {"cuda", 201, nil, "runtime.LockOSThread"},
		{"cudnn", 4004, ErrOutOfMemory, "out of device memory"}, {"cudnn", 3005, nil, "update the driver"},
		{"cudnn", 3006, nil, "built for one CUDA major"}, {"cudnn", 3000, nil, ""},
		{"cudnn", 1008, nil, "sub-library"}, {"cudnn", 2002, nil, "check shapes"}, {"nvrtc", 6, nil, "compile log"},
		{"cuda", 700, ErrDeviceFault, "restart the process"}, {"cuda", 719, ErrDeviceFault, "restart the process"},
		{"cuda", 226, ErrDeviceFault, "restart the process"}, {"cuda", 911, ErrDeviceFault, "restart the process"},
		{"cublas", 2, nil, ""}, {"cudnn", 100, nil, ""}, {"cuda", 701, nil, ""}, {"cudnn", 700, nil, ""}, // no condition, no hint
	} {
		t.Run(fmt.Sprintf("%s %d", tc.lib, tc.code), func(t *testing.T) {
			e := &Error{Lib: tc.lib, Call: "f", Code: tc.code, Name: "NAME"}
			wrapped := fmt.Errorf("op: %w", e)
			for _, s := range sentinels {
				assert.Equal(t, s == tc.is, errors.Is(wrapped, s), "errors.Is(%v, %v)", e, s)
			}
			if tc.hint == "" {
				assert.Empty(t, e.Hint())
				return
			}
			assert.Contains(t, e.Hint(), tc.hint)
		})
	}
}

// TestLibraryErrorsSayHowToFix: the load errors name the library, what it
// lacks and the fix in library terms, and no command-line flag.
func TestLibraryErrorsSayHowToFix(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"no driver", &LibraryError{Name: "libcuda.so.1", DlError: "not found", Tried: []string{"libcuda.so.1 (system search)"}},
			[]string{"cannot load libcuda.so.1", "install the NVIDIA driver", "use the CPU backend"}},
		{"no cudnn", &LibraryError{Name: "libcudnn.so.9", DlError: "not found"},
			[]string{"cannot load libcudnn.so.9", "set " + EnvPath, "cuDNN 9", "use the CPU backend"}},
		{"required symbol", &SymbolError{Library: "/x/libcudnn.so.9", Symbol: "cudnnCreate", DlError: "undefined symbol"},
			[]string{"/x/libcudnn.so.9 has no symbol cudnnCreate", EnvPath, "use the CPU backend"}},
		{"optional symbol", &SymbolError{Library: "libcuda.so.1", Symbol: "cuMemGetInfo_v2", DlError: "undefined symbol", Optional: true},
			[]string{"libcuda.so.1 has no symbol cuMemGetInfo_v2", "loaded without this optional function", EnvPath}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := tc.err.Error()
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			assert.NotRegexp(t, ` -[a-z]+ |flag`, msg, "names a command-line flag")
		})
	}
}

// TestIsUnsupported: the cuDNN NOT_SUPPORTED family is "try another
// algorithm", except the statuses that concern the library as a whole.
func TestIsUnsupported(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&Error{Lib: "cudnn", Code: 3000}, true},
		{fmt.Errorf("op: %w", &Error{Lib: "cudnn", Code: 3002}), true},
		{&Error{Lib: "cudnn", Code: 3010}, true},
		{&Error{Lib: "cudnn", Code: 3005}, false},
		{&Error{Lib: "cudnn", Code: 3006}, false},
		{&Error{Lib: "cudnn", Code: 2000}, false},
		{&Error{Lib: "cudnn", Code: 4004}, false},
		{&Error{Lib: "cuda", Code: 3000}, false},
		{errors.New("cudnn 3000"), false},
		{nil, false},
	} {
		assert.Equal(t, tc.want, IsUnsupported(tc.err), "%v", tc.err)
	}
}
