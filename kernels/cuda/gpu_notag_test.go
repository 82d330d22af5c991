//go:build !cuda

package cuda

import "testing"

// TestGPUConformance is skipped without the cuda build tag; the GPU tests
// live in cuda_test.go and run with `make test-cuda` (go test -tags cuda),
// where a missing GPU is a failure.
func TestGPUConformance(t *testing.T) {
	b, err := New(0, WithPrecision(FP32))
	if err != nil {
		t.Skipf("GPU tests need -tags cuda (make test-cuda) and a usable GPU; here: %s", Reason(err))
	}
	_ = b.Close()
	t.Skip("a GPU is usable here: run the GPU tests with make test-cuda (go test -tags cuda ./...)")
}
