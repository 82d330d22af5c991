package cpu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vggo/vggo/kernels"
	"github.com/vggo/vggo/kernels/cpu"
	"github.com/vggo/vggo/kernels/kerneltest"
)

// TestConformance runs the conformance suite against kernels/ref with each
// sgemm: OpenBLAS (skipped when it cannot be loaded) and pure Go.
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func() (*cpu.Backend, error)
	}{
		{"openblas", cpu.NewOpenBLAS},
		{"go", func() (*cpu.Backend, error) { return cpu.NewGo(), nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.open()
			if err != nil {
				t.Skipf("%v", err)
			}
			require.NoError(t, b.Close())
			kerneltest.Run(t, func() kernels.Ops {
				b, err := tc.open()
				require.NoError(t, err)
				return b
			})
		})
	}
}
