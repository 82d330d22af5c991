package fashionmnist

import "fmt"

// RawShape is the size of the stored images, Rows x Cols (28x28).
func (d *Dataset) RawShape() (h, w int) { return d.set.Rows, d.set.Cols }

// RawBatch is Batch without the resize: it writes batch i of epoch (the same
// images, in the same order, as Batch) as the set's bytes into images
// (n,1,Rows,Cols) and the labels into labels, and returns n and the image
// size. A backend that resizes on the device (kernels.ImageLoader) uploads
// these bytes instead of Size x Size floats.
func (d *Dataset) RawBatch(epoch, i, batchSize int, images []uint8, labels []float32) (n, srcH, srcW int, err error) {
	if batchSize <= 0 || i < 0 || i*batchSize >= d.set.N {
		return 0, 0, 0, fmt.Errorf("fashionmnist: batch %d of size %d is outside a set of %d images", i, batchSize, d.set.N)
	}
	lo := i * batchSize
	n = min(batchSize, d.set.N-lo)
	px := d.set.Rows * d.set.Cols
	if len(images) < n*px || len(labels) < n {
		return 0, 0, 0, fmt.Errorf("fashionmnist: buffers for %d images and %d labels, batch needs %d", len(images)/px, len(labels), n)
	}
	perm := d.Order(epoch)
	for j := range n {
		k := perm[lo+j]
		copy(images[j*px:(j+1)*px], d.set.Image(k))
		labels[j] = float32(d.set.Labels[k])
	}
	return n, d.set.Rows, d.set.Cols, nil
}
