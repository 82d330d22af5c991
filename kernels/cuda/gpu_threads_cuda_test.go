//go:build cuda

package cuda

import (
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	cu "github.com/vggo/vggo/internal/cuda"
)

// openFP32 returns GPU 0 with strict FP32 math, closed at the end of t.
func openFP32(t *testing.T) *Backend {
	t.Helper()
	b, err := New(0, WithPrecision(FP32))
	if err != nil {
		t.Fatalf("no usable GPU for the cuda tests (built with -tags cuda): %s", Reason(err))
	}
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	return b
}

// onBareThread runs f on an OS thread of its own on which no CUDA context is
// current, as on any thread the Go scheduler moves a goroutine to: the
// goroutine stays locked to the thread, which ends with it.
func onBareThread(t *testing.T, b *Backend, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := b.drv.CtxSetCurrent(cu.Context{}); err != nil {
			done <- err
			return
		}
		done <- f()
	}()
	return <-done
}

// TestOpsMakeTheirContextCurrent runs ops, each on a fresh OS thread
// without a current context: every op must make the backend's context
// current itself (Backend.begin) and then give the right values.
func TestOpsMakeTheirContextCurrent(t *testing.T) {
	b := openFP32(t)
	x, err := b.Alloc(2, 3)
	require.NoError(t, err)
	w, err := b.Alloc(4, 3)
	require.NoError(t, err)
	bias, err := b.Alloc(4)
	require.NoError(t, err)
	y, err := b.Alloc(2, 4)
	require.NoError(t, err)
	out := make([]float32, 8)
	for _, c := range []struct {
		op string
		f  func() error
	}{
		{"Alloc", func() error {
			t, err := b.Alloc(7)
			if err == nil {
				err = b.Free(t)
			}
			return err
		}},
		{"CopyIn", func() error { return b.CopyIn(x, []float32{1, 2, 3, -1, 0, 2}) }},
		{"CopyIn w", func() error { return b.CopyIn(w, []float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}) }},
		{"CopyIn b", func() error { return b.CopyIn(bias, []float32{0.5, 0, 0, -4}) }},
		{"DenseForward", func() error { return b.DenseForward(x, w, bias, y) }},
		{"ReLUForward", func() error { return b.ReLUForward(y, y) }},
		{"CopyOut", func() error { return b.CopyOut(out, y) }},
		{"Sync", b.Sync},
	} {
		t.Run(c.op, func(t *testing.T) {
			require.NoError(t, onBareThread(t, b, c.f))
		})
	}
	assert.Equal(t, []float32{1.5, 2, 3, 2, 0, 0, 2, 0}, out)
}

// TestCopyOutWaitsForTheDevice: CopyOut returns the values of the work
// queued before it. On the stand-in, VGGO_STANDIN_DEFER=1 holds all queued
// work until something synchronises, so a read-back that does not wait
// reads stale values every time.
func TestCopyOutWaitsForTheDevice(t *testing.T) {
	if os.Getenv("VGGO_STANDIN_DIR") != "" {
		t.Setenv("VGGO_STANDIN_DEFER", "1")
	}
	b := openFP32(t)
	for i, c := range []struct {
		in, want []float32
	}{
		{[]float32{1, -2, 3, -4}, []float32{1, 0, 3, 0}},
		{[]float32{-5, 6, -7, 8}, []float32{0, 6, 0, 8}},
	} {
		x, err := b.Alloc(1, 4)
		require.NoError(t, err)
		require.NoError(t, b.CopyIn(x, c.in))
		require.NoError(t, b.ReLUForward(x, x))
		got := make([]float32, 4)
		require.NoError(t, b.CopyOut(got, x))
		assert.Equal(t, c.want, got, "read-back %d", i)
		require.NoError(t, b.Free(x))
	}
}
