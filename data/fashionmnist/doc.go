// Package fashionmnist reads the Fashion-MNIST data set from its IDX files,
// resizes the 28x28 images the way d2l.ai's MXNet pipeline does, and serves
// shuffled mini-batches in reused buffers.
//
// # Files
//
// Load and LoadSet read the four standard files
//
//	train-images-idx3-ubyte  train-labels-idx1-ubyte
//	t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
//
// from a directory, each either raw or gzip-compressed with a ".gz" suffix
// (when both exist the raw file wins). Gzip is recognised by its magic bytes
// 1f 8b, not by the name. The Debian package dataset-fashion-mnist installs the
// four ".gz" files in DefaultDir.
//
// Every problem with the data is returned as an error, never a panic: a
// missing directory or file is a *NotFoundError (errors.Is(err, ErrNotFound)
// holds, so tests can skip), and a damaged or foreign file is a *FormatError
// naming the file and what is wrong with it. Header sizes are checked against
// the real byte length before anything is allocated.
//
// # Resizing
//
// Images are resized with kernels/ref.Resizer, which reproduces MXNet's
// gluon.data.vision.transforms.Resize followed by ToTensor, what d2l's
// load_data_fashion_mnist(batch_size, resize) applies: OpenCV's cv::resize with
// INTER_LINEAR on the uint8 image, rounded to uint8, then divided by 255. The
// CUDA backend's device-side resize is tested against the same reference.
//
// # Batches
//
// A Dataset is what vgg.Trainer reads: random access to batch i of epoch k,
// written into the caller's buffers as (n,1,S,S) float32 in [0,1] with the
// labels as float32 class indices. RawBatch serves the same batch as the
// 28x28 bytes, for backends that resize on the device (vgg.RawDataset,
// kernels.ImageLoader). A training Dataset's order depends only on (seed, k);
// a test Dataset keeps file order. Serving allocates nothing once an epoch's
// order is drawn.
package fashionmnist
