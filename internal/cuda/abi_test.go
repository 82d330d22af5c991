//go:build linux && cgo

package cuda

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeclarationsMatchNVIDIAHeaders compiles check/abi_check.c, which
// includes NVIDIA's headers and decl.h and asserts statically that every
// prototype, constant and struct layout the binding declares is NVIDIA's.
func TestDeclarationsMatchNVIDIAHeaders(t *testing.T) {
	dir := pipDir(t)
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	inc := filepath.Join(dir, "cu13/include")
	args := []string{"-std=c11", "-fsyntax-only", "-Wall", "-Werror", "-Werror=incompatible-pointer-types",
		"-I", inc, "-I", filepath.Join(inc, "cccl"), "-I", filepath.Join(dir, "cudnn/include"), "check/abi_check.c"}
	out, err := exec.Command(cc, args...).CombinedOutput()
	require.NoError(t, err, "decl.h disagrees with NVIDIA's headers:\n%s", out)
}
