// Package kernels defines the narrow op interface that every compute backend
// implements, and the shape rules they all share.
//
// There are three backends:
//
//   - kernels/ref: plain loops with float64 accumulation, no concurrency. It is
//     the algorithmic reference and the oracle for the others.
//   - kernels/cpu: the fast CPU backend (im2col/direct convolution + GEMM).
//   - kernels/cuda: cuDNN, cuBLAS and a few CUDA C kernels.
//
// All tensors are float32 in NCHW (or (N,F) for dense) layout. Every op takes
// its outputs as arguments (allocated once by the caller and reused), checks
// shapes with the helpers in shape.go, and returns an error instead of
// panicking. Ops overwrite their outputs; nothing accumulates.
//
// The conformance suite in kernels/kerneltest checks any backend against ref.
package kernels

// Tensor is a dense float32 buffer owned by one backend. Its memory may live on
// the host or on a device; read it with Ops.CopyOut.
type Tensor interface {
	// Shape is the tensor's shape, outermost dimension first. Callers must not
	// modify the returned slice.
	Shape() []int
	// Len is the number of elements (the product of Shape).
	Len() int
}

// Conv describes a 2-D convolution (cross-correlation, as in every DL
// framework). The hot case in VGG is a 3x3 kernel with stride 1 and padding 1.
type Conv struct {
	StrideH, StrideW int
	PadH, PadW       int
	// ReLU fuses max(0, ·) into the forward output (after the bias).
	ReLU bool
}

// Pool describes a max pooling window. VGG uses 2x2 windows with stride 2.
type Pool struct {
	WindowH, WindowW int
	StrideH, StrideW int
}

// Ops is the op set that VGG training needs. Each method documents its shapes
// as (N,C,H,W) for images, (K,C,R,S) for filters and (N,F) for features.
//
// Ops implementations are not safe for concurrent use: one goroutine drives a
// backend, and a backend may use many goroutines (or a GPU stream) inside an op.
type Ops interface {
	// Name identifies the backend ("ref", "cpu", "cuda").
	Name() string

	// Alloc returns a zero-filled tensor of the given shape.
	Alloc(shape ...int) (Tensor, error)
	// Free releases a tensor's memory. Using t afterwards is an error.
	Free(t Tensor) error
	// Reshape returns a view of t with a new shape and the same element count;
	// it shares t's memory.
	Reshape(t Tensor, shape ...int) (Tensor, error)
	// CopyIn copies len(src) == dst.Len() host values into dst.
	CopyIn(dst Tensor, src []float32) error
	// CopyOut copies src into len(dst) == src.Len() host values.
	CopyOut(dst []float32, src Tensor) error

	// Conv2DForward computes y = conv(x, w) + b, then ReLU if p.ReLU.
	// x is (N,C,H,W), w is (K,C,R,S), b is (K), y is (N,K,P,Q) with
	// P = (H+2*PadH-R)/StrideH+1 and Q = (W+2*PadW-S)/StrideW+1.
	Conv2DForward(x, w, b, y Tensor, p Conv) error
	// Conv2DBackwardData computes dx from dy: the gradient of conv(x, w)
	// (without bias or ReLU) with respect to x.
	// dy is (N,K,P,Q), w is (K,C,R,S), dx is (N,C,H,W).
	Conv2DBackwardData(dy, w, dx Tensor, p Conv) error
	// Conv2DBackwardFilter computes dw and db from x and dy.
	// x is (N,C,H,W), dy is (N,K,P,Q), dw is (K,C,R,S), db is (K).
	Conv2DBackwardFilter(x, dy, dw, db Tensor, p Conv) error

	// MaxPoolForward: x is (N,C,H,W), y is (N,C,P,Q) with
	// P = (H-WindowH)/StrideH+1 and Q = (W-WindowW)/StrideW+1.
	MaxPoolForward(x, y Tensor, p Pool) error
	// MaxPoolBackward routes each dy to the first maximum of its window in x
	// (row-major order); dx is zero elsewhere. Overlapping windows add.
	// x, dx are (N,C,H,W); y, dy are (N,C,P,Q).
	MaxPoolBackward(x, y, dy, dx Tensor, p Pool) error

	// ReLUForward computes y = max(0, x). x and y have the same shape and may
	// be the same tensor.
	ReLUForward(x, y Tensor) error
	// ReLUBackward computes dx = dy where y > 0, else 0, from the forward
	// output y. All three have the same shape; dx may be dy.
	ReLUBackward(y, dy, dx Tensor) error

	// DenseForward computes y = x·wᵀ + b.
	// x is (N,In), w is (Out,In), b is (Out), y is (N,Out).
	DenseForward(x, w, b, y Tensor) error
	// DenseBackward computes dx = dy·w, dw = dyᵀ·x and db = Σₙ dy.
	// x is (N,In), w is (Out,In), dy is (N,Out), dx is (N,In) or nil when the
	// input gradient is not needed, dw is (Out,In), db is (Out).
	DenseBackward(x, w, dy, dx, dw, db Tensor) error

	// DropoutForward zeroes each element with probability rate and scales the
	// others by 1/(1-rate): mask holds 0 or 1/(1-rate), y = x*mask. Which
	// elements drop is DropKeep(seed, i, rate), so every backend draws the same
	// mask. x, mask, y have the same shape; y may be x. 0 <= rate < 1.
	DropoutForward(x, mask, y Tensor, rate float32, seed uint64) error
	// DropoutBackward computes dx = dy*mask. dx may be dy.
	DropoutBackward(dy, mask, dx Tensor) error

	// SoftmaxCrossEntropy computes the mean over the batch of
	// -log softmax(logits)[label] and the number of rows whose first arg-max
	// equals the label. When dlogits is not nil it receives the gradient of the
	// mean loss: (softmax(logits) - onehot(label)) / N.
	// logits and dlogits are (N,K); labels is (N) holding class indices
	// 0..K-1 as float32 values.
	SoftmaxCrossEntropy(logits, labels, dlogits Tensor) (loss float64, correct int, err error)

	// SGDUpdate computes w -= lr*dw. w and dw have the same shape.
	SGDUpdate(w, dw Tensor, lr float32) error

	// Sync waits until all queued work is done (a no-op on the CPU).
	Sync() error
	// Close releases the backend's resources (handles, streams, pools).
	Close() error
}
