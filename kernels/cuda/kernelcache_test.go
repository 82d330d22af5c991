package cuda

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKernelCache(t *testing.T) {
	calls := 0
	compile := func(img string) func() ([]byte, error) {
		return func() ([]byte, error) { calls++; return []byte(img), nil }
	}
	k := NewKernelCache()
	a := newKernelKey(90, "/lib/libnvrtc.so.13", "src")
	img, err := k.load(a, compile("sm_90"))
	require.NoError(t, err)
	assert.Equal(t, "sm_90", string(img))
	img, err = k.load(a, compile("again"))
	require.NoError(t, err)
	assert.Equal(t, "sm_90", string(img), "a second backend reuses the image")
	assert.Equal(t, 1, calls)

	// Another architecture, NVRTC or source compiles again.
	for _, key := range []kernelKey{newKernelKey(80, "/lib/libnvrtc.so.13", "src"),
		newKernelKey(90, "/lib/libnvrtc.so.12", "src"), newKernelKey(90, "/lib/libnvrtc.so.13", "src2")} {
		_, err := k.load(key, compile("other"))
		require.NoError(t, err)
	}
	assert.Equal(t, 4, calls)
	assert.Equal(t, 4, k.Len())

	// Errors are not cached.
	b := newKernelKey(75, "x", "src")
	_, err = k.load(b, func() ([]byte, error) { return nil, errors.New("nvrtc failed") })
	require.ErrorContains(t, err, "nvrtc failed")
	img, err = k.load(b, compile("sm_75"))
	require.NoError(t, err)
	assert.Equal(t, "sm_75", string(img))

	// A nil cache (no WithKernelCache) always compiles; the zero value works.
	var none *KernelCache
	calls = 0
	_, _ = none.load(a, compile("x"))
	_, _ = none.load(a, compile("x"))
	assert.Equal(t, 2, calls)
	assert.Equal(t, 0, none.Len())
	var zero KernelCache
	_, err = zero.load(a, compile("x"))
	require.NoError(t, err)
	assert.Equal(t, 1, zero.Len())

	// Concurrent backends compile once.
	k, calls = NewKernelCache(), 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = k.load(a, compile("sm_90")) }()
	}
	wg.Wait()
	assert.Equal(t, 1, calls)

	c := newConfig([]Option{WithKernelCache(k)})
	assert.Same(t, k, c.kernelCache)
	assert.Nil(t, newConfig(nil).kernelCache)
}
