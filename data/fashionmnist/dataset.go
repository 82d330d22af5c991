package fashionmnist

import (
	"fmt"
	"math/rand/v2"

	"github.com/vggo/vggo/kernels/ref"
)

// Dataset serves a Set to vgg.Trainer: random access to any batch of any
// epoch, images resized to Size x Size as (n,1,Size,Size) float32 in [0,1],
// labels as float32 class indices. A training Dataset shuffles each epoch in
// an order drawn from (seed, epoch) alone; a test Dataset keeps file order. Batches are written straight into the caller's buffers, so serving
// allocates nothing once an epoch's order is drawn.
type Dataset struct {
	set     *Set
	resizer *ref.Resizer
	size    int
	shuffle bool
	seed    uint64

	epoch int // the epoch whose order perm holds, or -1
	perm  []int
	pcg   rand.PCG
	rng   *rand.Rand
}

// NewDataset returns a Dataset over set with images resized to size x size.
func NewDataset(set *Set, size int, shuffle bool, seed uint64) (*Dataset, error) {
	if err := set.check(); err != nil {
		return nil, err
	}
	rz, err := ref.NewResizer(set.Rows, set.Cols, size, size)
	if err != nil {
		return nil, err
	}
	d := &Dataset{set: set, resizer: rz, size: size, shuffle: shuffle, seed: seed, epoch: -1, perm: make([]int, set.N)}
	d.rng = rand.New(&d.pcg)
	return d, nil
}

// Len is the number of images.
func (d *Dataset) Len() int { return d.set.N }

// SampleShape is (1, Size, Size).
func (d *Dataset) SampleShape() []int { return []int{1, d.size, d.size} }

// Set is the underlying data.
func (d *Dataset) Set() *Set { return d.set }

// Order returns the order in which epoch visits the set's images. The slice
// is owned by the Dataset and changes with the next epoch asked for.
func (d *Dataset) Order(epoch int) []int {
	if epoch != d.epoch {
		order(d.perm, d.shuffle, &d.pcg, d.rng, d.seed, epoch)
		d.epoch = epoch
	}
	return d.perm
}

// Batch writes batch i of epoch (batches of batchSize, the last one partial)
// into x (n,1,Size,Size) and labels (n) and returns n.
func (d *Dataset) Batch(epoch, i, batchSize int, x, labels []float32) (int, error) {
	if batchSize <= 0 || i < 0 || i*batchSize >= d.set.N {
		return 0, fmt.Errorf("fashionmnist: batch %d of size %d is outside a set of %d images", i, batchSize, d.set.N)
	}
	lo := i * batchSize
	n := min(batchSize, d.set.N-lo)
	px := d.size * d.size
	if len(x) < n*px || len(labels) < n {
		return 0, fmt.Errorf("fashionmnist: buffers for %d images and %d labels, batch needs %d", len(x)/px, len(labels), n)
	}
	perm := d.Order(epoch)
	for j := range n {
		k := perm[lo+j]
		d.resizer.Resize(x[j*px:(j+1)*px], d.set.Image(k))
		labels[j] = float32(d.set.Labels[k])
	}
	return n, nil
}

// order fills perm with epoch's visiting order: identity, then (with
// shuffle) a Fisher-Yates shuffle from PCG(seed, epoch), the same steps as
// rand.Rand.Shuffle without its closure.
func order(perm []int, shuffle bool, pcg *rand.PCG, rng *rand.Rand, seed uint64, epoch int) {
	for i := range perm {
		perm[i] = i
	}
	if !shuffle {
		return
	}
	pcg.Seed(seed, uint64(epoch))
	for i := len(perm) - 1; i > 0; i-- {
		j := int(rng.Uint64N(uint64(i + 1)))
		perm[i], perm[j] = perm[j], perm[i]
	}
}
