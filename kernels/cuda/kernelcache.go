package cuda

import (
	"crypto/sha256"
	"sync"
)

// KernelCache holds compiled kernel images (CUBIN or PTX) by compute
// capability, NVRTC library and a SHA-256 of the kernel source. The zero
// value is ready to use; it is safe for concurrent use and is never written
// to disk.
type KernelCache struct {
	mu     sync.Mutex
	images map[kernelKey][]byte
}

// NewKernelCache returns an empty cache.
func NewKernelCache() *KernelCache { return &KernelCache{} }

type kernelKey struct {
	cc    int
	nvrtc string
	src   [sha256.Size]byte
}

func newKernelKey(cc int, nvrtc, src string) kernelKey {
	return kernelKey{cc: cc, nvrtc: nvrtc, src: sha256.Sum256([]byte(src))}
}

// Len is the number of images held.
func (k *KernelCache) Len() int {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.images)
}

// load returns the image under key, calling compile (under the lock, so
// concurrent backends compile once) when it is missing. Errors are not
// cached. A nil cache always compiles. The image is shared: never modify it.
func (k *KernelCache) load(key kernelKey, compile func() ([]byte, error)) ([]byte, error) {
	if k == nil {
		return compile()
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if img, ok := k.images[key]; ok {
		return img, nil
	}
	img, err := compile()
	if err != nil {
		return nil, err
	}
	if k.images == nil {
		k.images = map[kernelKey][]byte{}
	}
	k.images[key] = img
	return img, nil
}
