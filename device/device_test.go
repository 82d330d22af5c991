package device

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpen(t *testing.T) {
	cases := []struct {
		spec    string
		kind    Kind
		wantErr string
	}{
		{"cpu", KindCPU, ""},
		{" CPU ", KindCPU, ""},
		{"ref", KindCPU, ""},
		{"auto", KindCPU, ""}, // no GPU on the test machine, or a GPU: checked below
		{"tpu", 0, "unknown device"},
		{"gpu:x", 0, "want gpu:N"},
		{"gpu:-1", 0, "negative"},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			d, err := Open(c.spec)
			if c.wantErr != "" {
				assert.ErrorContains(t, err, c.wantErr)
				return
			}
			require.NoError(t, err)
			defer d.Close()
			if c.spec == "auto" && d.Kind() == KindGPU {
				return
			}
			assert.Equal(t, c.kind, d.Kind())
			assert.Equal(t, "cpu", d.Name())
			assert.NotEmpty(t, d.Description())
			assert.NotNil(t, d.Ops())
		})
	}
}

func TestTryGPUFallsBackWithAReason(t *testing.T) {
	d := TryGPU()
	defer d.Close()
	if d.Kind() == KindGPU {
		t.Skipf("a usable GPU is present: %s", d.Description())
	}
	assert.Equal(t, "cpu", d.String())
	assert.NotEmpty(t, d.Reason(), "a CPU fallback must say why the GPU was not used")
	_, err := GPU(0)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNoGPU))
	assert.Contains(t, d.Reason(), err.Error())
}
