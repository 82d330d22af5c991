package cpu

import (
	"errors"
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
