package cpu

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewPicksGEMM checks how VGGO_BLAS picks the sgemm and that the
// description says which one runs.
func TestNewPicksGEMM(t *testing.T) {
	_, blasErr := loadOpenBLAS(openBLASPaths())
	for _, tc := range []struct {
		env      string
		wantErr  bool
		openBLAS bool
	}{
		{env: "go", openBLAS: false},
		{env: "", openBLAS: blasErr == nil},
		{env: "auto", openBLAS: blasErr == nil},
		{env: "openblas", openBLAS: true, wantErr: blasErr != nil},
		{env: "mkl", wantErr: true},
	} {
		t.Run("VGGO_BLAS="+tc.env, func(t *testing.T) {
			t.Setenv(BLASEnv, tc.env)
			b, err := New()
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			defer b.Close()
			assert.Equal(t, tc.openBLAS, b.UsesOpenBLAS())
			if tc.openBLAS {
				assert.Contains(t, b.Description(), "OpenBLAS")
			} else {
				assert.Contains(t, b.Description(), "pure-Go")
			}
		})
	}
}

// TestMissingOpenBLAS checks the error that names where OpenBLAS was looked
// for and how to install it.
func TestMissingOpenBLAS(t *testing.T) {
	_, err := loadOpenBLAS([]string{"/nonexistent/libopenblas.so.0"})
	var be *BLASError
	require.True(t, errors.As(err, &be), "error %v is not a *BLASError", err)
	assert.Contains(t, err.Error(), "/nonexistent/libopenblas.so.0")
	assert.Contains(t, err.Error(), "apt-get install libopenblas0-pthread")
	assert.Contains(t, err.Error(), OpenBLASEnv)
}

// TestOpenBLASWithoutSgemm checks that a library that loads but lacks
// cblas_sgemm is reported with the loader's message, which names the symbol.
func TestOpenBLASWithoutSgemm(t *testing.T) {
	_, err := loadOpenBLAS([]string{"libm.so.6"})
	require.Error(t, err)
	if strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Skip("a build without cgo loads no library")
	}
	assert.Contains(t, err.Error(), "libm.so.6")
	assert.Contains(t, err.Error(), "cblas_sgemm")
}
