package fashionmnist

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
)

// LoaderConfig configures a Loader.
type LoaderConfig struct {
	// BatchSize is the number of images per batch; the last batch of an
	// epoch holds the remainder, as in d2l (it is not dropped).
	BatchSize int
	// Size is the side S of the square output images; 0 keeps the set's own
	// size (which must then be square). Images are resized with a Resizer.
	Size int
	// Shuffle reorders the images every epoch; false serves them in file
	// order (for test sets).
	Shuffle bool
	// Seed selects the shuffle: epoch k's order depends only on (Seed, k).
	Seed uint64
	// Workers is the number of goroutines that resize each batch, the
	// caller's included; 0 or 1 resizes on the caller's goroutine alone.
	// With more than one, call Close when done to stop the helpers. The
	// batches are the same whatever the number.
	Workers int
}

// Batch is one mini-batch. Its slices are buffers owned by the Loader and
// overwritten by the next call to Next.
type Batch struct {
	// Images is the batch in NCHW layout (N,1,Size,Size), float32 in [0,1].
	Images []float32
	// Labels are the class indices as float32 values 0..9, as the compute
	// backends take them.
	Labels []float32
	// Classes are the same labels as bytes.
	Classes []uint8
	// Index holds each image's position in the Set.
	Index []int
	// N is the number of images in this batch, at most the batch size.
	N int
	// Size is the side of each image.
	Size int
}

// Shape is the NCHW shape of Images: (N, 1, Size, Size).
func (b *Batch) Shape() [4]int { return [4]int{b.N, 1, b.Size, b.Size} }

// Loader serves a Set in mini-batches, epoch after epoch:
//
//	for epoch := range epochs {
//		ld.Reset(epoch)
//		for ld.Next() {
//			b := ld.Batch()
//			...
//		}
//	}
//
// With Shuffle, epoch k visits the images in the order that
//
//	perm := identity permutation of 0..N-1
//	rand.New(rand.NewPCG(seed, uint64(k))).Shuffle(N, swap perm[i], perm[j])
//
// gives (math/rand/v2), so any epoch's order can be reproduced on its own.
// After NewLoader, Reset and Next allocate nothing. A Loader is not safe for
// concurrent use.
type Loader struct {
	set     *Set
	cfg     LoaderConfig
	resizer *Resizer
	size    int

	pcg  rand.PCG
	rng  *rand.Rand
	perm []int
	pos  int

	images  []float32
	labels  []float32
	classes []uint8
	index   []int
	batch   Batch

	jobs chan [2]int
	wg   sync.WaitGroup
}

// NewLoader returns a Loader over set positioned at the start of epoch 0.
func NewLoader(set *Set, cfg LoaderConfig) (*Loader, error) {
	if err := set.check(); err != nil {
		return nil, err
	}
	if cfg.BatchSize < 1 {
		return nil, fmt.Errorf("fashionmnist: batch size %d: must be at least 1", cfg.BatchSize)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("fashionmnist: %d workers: must be 0 or more", cfg.Workers)
	}
	size := cfg.Size
	if size == 0 {
		if set.Rows != set.Cols {
			return nil, fmt.Errorf("fashionmnist: the set's images are %dx%d, not square: give LoaderConfig.Size", set.Rows, set.Cols)
		}
		size = set.Rows
	}
	if size < 0 {
		return nil, errors.New("fashionmnist: negative LoaderConfig.Size")
	}
	rz, err := NewResizer(set.Rows, set.Cols, size, size)
	if err != nil {
		return nil, err
	}
	bs := min(cfg.BatchSize, set.N)
	l := &Loader{
		set:     set,
		cfg:     cfg,
		resizer: rz,
		size:    size,
		perm:    make([]int, set.N),
		images:  make([]float32, bs*size*size),
		labels:  make([]float32, bs),
		classes: make([]uint8, bs),
		index:   make([]int, bs),
	}
	l.rng = rand.New(&l.pcg)
	if cfg.Workers > 1 {
		l.jobs = make(chan [2]int, cfg.Workers)
		for range cfg.Workers - 1 {
			go l.work(l.jobs)
		}
	}
	l.Reset(0)
	return l, nil
}

// Reset starts epoch epoch: it reshuffles (with Shuffle) and rewinds.
func (l *Loader) Reset(epoch int) {
	order(l.perm, l.cfg.Shuffle, &l.pcg, l.rng, l.cfg.Seed, epoch)
	l.pos = 0
}

// Order is the current epoch's order of set positions. It is owned by the
// Loader: do not modify it.
func (l *Loader) Order() []int { return l.perm }

// NumBatches is the number of batches per epoch, counting a partial last one.
func (l *Loader) NumBatches() int { return (l.set.N + l.cfg.BatchSize - 1) / l.cfg.BatchSize }

// Len is the number of images per epoch.
func (l *Loader) Len() int { return l.set.N }

// Size is the side of the served images.
func (l *Loader) Size() int { return l.size }

// Next fills the next batch of the epoch and reports whether there was one.
func (l *Loader) Next() bool {
	if l.pos >= l.set.N {
		return false
	}
	n := min(l.cfg.BatchSize, l.set.N-l.pos)
	for i := range n {
		k := l.perm[l.pos+i]
		l.index[i] = k
		l.classes[i] = l.set.Labels[k]
		l.labels[i] = float32(l.set.Labels[k])
	}
	l.pos += n
	l.resizeBatch(n)
	px := l.size * l.size
	l.batch = Batch{
		Images:  l.images[: n*px : n*px],
		Labels:  l.labels[:n:n],
		Classes: l.classes[:n:n],
		Index:   l.index[:n:n],
		N:       n,
		Size:    l.size,
	}
	return true
}

// Batch is the batch filled by the last successful Next. It points into
// buffers that the next call to Next overwrites.
func (l *Loader) Batch() *Batch { return &l.batch }

// Close stops the worker goroutines, if any. The Loader keeps working,
// resizing on the caller's goroutine. Close may be called more than once.
func (l *Loader) Close() error {
	if l.jobs != nil {
		close(l.jobs)
		l.jobs = nil
	}
	return nil
}

// resizeBatch resizes the first n images of the current batch, splitting
// them between the workers and the caller. Each image is written by exactly
// one goroutine, so the result does not depend on the split.
func (l *Loader) resizeBatch(n int) {
	if l.jobs == nil {
		l.resizeRange(0, n)
		return
	}
	parts := l.cfg.Workers
	chunk := (n + parts - 1) / parts
	lo := 0
	for ; lo+chunk < n; lo += chunk {
		l.wg.Add(1)
		l.jobs <- [2]int{lo, lo + chunk}
	}
	l.resizeRange(lo, n)
	l.wg.Wait()
}

// resizeRange resizes batch entries lo..hi-1.
func (l *Loader) resizeRange(lo, hi int) {
	px := l.resizer.DstLen()
	for i := lo; i < hi; i++ {
		l.resizer.Resize(l.images[i*px:(i+1)*px], l.set.Image(l.index[i]))
	}
}

// work serves resize jobs until Close closes jobs.
func (l *Loader) work(jobs <-chan [2]int) {
	for j := range jobs {
		l.resizeRange(j[0], j[1])
		l.wg.Done()
	}
}
