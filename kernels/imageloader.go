package kernels

// ImageLoader is an optional interface of backends that take a training batch
// from the host as 8-bit images and resize it themselves, so that a batch
// crosses the bus as n*srcH*srcW bytes instead of n*H*W float32 values. The
// CUDA backend implements it; callers find it with a type assertion and fall
// back to CopyIn of host-resized batches otherwise.
type ImageLoader interface {
	// LoadImages writes the n images in images (n,1,srcH,srcW), row-major,
	// resized to x (n,1,H,W) as float32 in [0,1] with the arithmetic of
	// kernels/ref.Resizer (OpenCV INTER_LINEAR on uint8, then /255), and
	// labels (n) into lab (n).
	//
	// It may return before the backend is done: the data is staged in the
	// backend's own host memory, so the caller may reuse images and labels at
	// once, and the copy and resize are queued behind the work already queued.
	// The backend orders them before any op queued later, so the caller must
	// not pass an x or lab that queued ops still read; alternate between two
	// pairs of tensors to load the next batch while the current one trains.
	LoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab Tensor) error
}

// CheckLoadImages validates the arguments of ImageLoader.LoadImages.
func CheckLoadImages(images []uint8, labels []float32, n, srcH, srcW int, x, lab Tensor) error {
	const op = "LoadImages"
	if n <= 0 || srcH <= 0 || srcW <= 0 {
		return shapeErr(op, "n=%d, srcH=%d, srcW=%d must be positive", n, srcH, srcW)
	}
	if len(images) < n*srcH*srcW || len(labels) < n {
		return shapeErr(op, "%d image bytes and %d labels for %d images of %dx%d", len(images), len(labels), n, srcH, srcW)
	}
	xs, err := rank(op, "x", x, 4)
	if err != nil {
		return err
	}
	if xs[0] != n || xs[1] != 1 {
		return shapeErr(op, "x has shape %s, want (%d, 1, H, W)", ShapeString(xs), n)
	}
	ls, err := rank(op, "lab", lab, 1)
	if err != nil {
		return err
	}
	if ls[0] != n {
		return shapeErr(op, "lab has shape %s, want (%d,)", ShapeString(ls), n)
	}
	return nil
}
