package cuda

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	cu "github.com/vggo/vggo/internal/cuda"
)

func TestReasonIsOneLine(t *testing.T) {
	le := &cu.LibraryError{Name: "libcuda.so.1", DlError: "libcuda.so.1: cannot open shared object file: No such file or directory",
		Tried: []string{"/opt/nv/libcuda.so.1: not found", "libcuda.so.1 (system search: LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib): libcuda.so.1: cannot open"}}
	r := Reason(errors.Join(le))
	assert.NotContains(t, r, "\n")
	assert.Contains(t, r, "cannot load libcuda.so.1: libcuda.so.1: cannot open shared object file")
	assert.Contains(t, r, "looked in: /opt/nv/libcuda.so.1, libcuda.so.1 (system search: LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib)")
	assert.Contains(t, r, "install the NVIDIA driver")
	assert.Equal(t, "a b", Reason(errors.New("a\n   b")))
	assert.Empty(t, Reason(nil))
}
